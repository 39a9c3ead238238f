"""A Ctrl-C that lands after the run has finished, while Python shuts down, prints nothing.

CI once caught a second SIGINT arriving just as a finished run exited: it surfaced as a
`KeyboardInterrupt` traceback from interpreter shutdown. Here the CLI's own process sends
itself SIGINT from an atexit hook, which runs after `main()` returned, at the same stage
of shutdown, so the timing is certain instead of lucky.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

_DRIVER = textwrap.dedent(
    """
    import atexit, os, signal, sys

    def late_ctrl_c():
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(100_000):  # bytecode for a Python-level handler to run in
            pass

    atexit.register(late_ctrl_c)
    from codemods.cli import main
    sys.argv = ["emitter-migrate", *sys.argv[1:]]
    main()
    """
)


@pytest.mark.parametrize("outcome", ["clean", "with-errors"])
def test_ctrl_c_after_the_run_finished_prints_no_traceback(tmp_path: Path, outcome: str) -> None:
    (tmp_path / "ok.py").write_text("x = 1\n", encoding="utf-8")
    if outcome == "with-errors":
        (tmp_path / "broken.py").write_text("from x import AgentWebSocketBridge\ndef (:\n")
    done = subprocess.run(
        [sys.executable, "-c", _DRIVER, "scan", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == (0 if outcome == "clean" else 2), done.stderr
    assert "Traceback" not in done.stderr
    assert "KeyboardInterrupt" not in done.stderr
