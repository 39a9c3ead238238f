"""A signal that lands while the pool forks its workers stops the run; it is not lost.

CI once caught a SIGTERM arriving inside `os.fork`, in the at-fork hook the logging module
registers. The exception the handler raised there was printed as "Exception ignored"
(a traceback) and dropped, and the run went on to finish as if never told to stop. Here
the CLI's process registers its own at-fork hook that signals itself, so the signal lands
inside every fork, by construction rather than by luck.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.safety.repo import group_gone

_DRIVER = textwrap.dedent(
    """
    import os, signal, sys

    SIGNUM = int(sys.argv[1])

    def signal_myself():
        os.kill(os.getpid(), SIGNUM)
        for _ in range(100_000):  # bytecode for a Python-level handler to run in
            pass

    os.register_at_fork(after_in_parent=signal_myself)
    from codemods.cli import main
    sys.argv = ["emitter-migrate", *sys.argv[2:]]
    main()
    """
)

_LEGACY = "from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge\n\nb = AgentWebSocketBridge()  # {n}\n"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_inside_a_fork_interrupts_the_run_without_a_traceback(
    tmp_path: Path, signum: int
) -> None:
    for n in range(8):  # enough candidates for the pool to start
        (tmp_path / f"m{n}.py").write_text(_LEGACY.format(n=n), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    proc = subprocess.Popen(
        [sys.executable, "-c", _DRIVER, str(int(signum)), "run", str(tmp_path), "--jobs", "2"],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert group_gone(proc.pid), "a worker process outlived the interrupted run"
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before
