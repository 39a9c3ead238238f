"""SIGTERM in the instants around the run lock must not leave the lock file behind.

The engine takes the lock, then installs its SIGTERM handler; on the way out it restores
the handler, then removes the lock. A SIGTERM in either gap meets the default action, and
the process dies with the lock file still there. (Harmless to the next run, which takes
a stale lock, but the tree is left with a file it did not have.) A driver puts the signal
exactly in each gap.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from codemods.run.lock import LOCK_NAME

_DRIVER = textwrap.dedent(
    """
    import contextlib, os, signal, sys
    import codemods.engine as engine

    gap = sys.argv[1]
    real_lock, real_signals = engine.run_lock, engine.graceful_signals

    @contextlib.contextmanager
    def run_lock(root):
        with real_lock(root):
            if gap == "after-lock":
                os.kill(os.getpid(), signal.SIGTERM)
            yield

    @contextlib.contextmanager
    def graceful_signals():
        with real_signals():
            yield
        if gap == "before-unlock":
            os.kill(os.getpid(), signal.SIGTERM)

    engine.run_lock, engine.graceful_signals = run_lock, graceful_signals
    from codemods.cli import main
    sys.argv = ["emitter-migrate", *sys.argv[2:]]
    main()
    """
)


@pytest.mark.parametrize("gap", ["after-lock", "before-unlock"])
def test_sigterm_next_to_taking_or_dropping_the_lock_leaves_no_lock_file(
    tmp_path: Path, gap: str
) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    done = subprocess.run(
        [sys.executable, "-c", _DRIVER, gap, "run", str(tmp_path), "--no-cache"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0, "the signal should have stopped the run"
    assert not (tmp_path / LOCK_NAME).exists()
