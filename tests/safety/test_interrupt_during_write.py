"""A signal that arrives while a file is being written: that file completes, the run stops.

Random timing rarely lands inside a write (they take microseconds), so here the real CLI
runs in a subprocess whose `os.replace` sends the signal to its own process just before
the K-th source file is renamed into place, i.e. in the middle of write_atomic.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.safety.conftest import Migration
from tests.safety.repo import copy_tree, leftovers, snapshot

_DRIVER = textwrap.dedent(
    """
    import os, signal, sys
    signum, k = int(sys.argv[1]), int(sys.argv[2])
    real_replace, seen = os.replace, [0]

    def replace(src, dst, *args, **kwargs):
        if str(dst).endswith(".py"):
            seen[0] += 1
            if seen[0] == k:
                os.kill(os.getpid(), signum)  # arrives with the write half done
        return real_replace(src, dst, *args, **kwargs)

    os.replace = replace
    from codemods.cli import main
    sys.argv = ["emitter-migrate", *sys.argv[3:]]
    main()
    """
)


@pytest.mark.parametrize(
    ("signum", "which"),
    [(signal.SIGINT, "first"), (signal.SIGTERM, "middle"), (signal.SIGTERM, "last")],
)
def test_signal_during_a_write_finishes_that_file_and_stops_before_the_next(
    migration: Migration, tmp_path: Path, signum: int, which: str
) -> None:
    total = len(migration.changed)
    k = {"first": 1, "middle": (total + 1) // 2, "last": total}[which]
    tree = copy_tree(migration.original, tmp_path / "tree")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _DRIVER,
            str(int(signum)),
            str(k),
            "run",
            str(tree),
            "--stage",
            "all",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 130, done.stderr
    assert "interrupted" in done.stderr
    now = snapshot(tree)
    rewritten = [p for p in migration.changed if now[p] == migration.after[p]]
    assert len(rewritten) == k, f"expected exactly {k} files written, got {len(rewritten)}"
    untouched = [p for p in now if now[p] == migration.before[p]]
    assert len(untouched) == len(now) - k
    assert leftovers(tree) == []
