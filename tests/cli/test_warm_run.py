"""A run whose every file is answered from the cache never loads LibCST (a third of
a warm run's time was importing it)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

LEGACY = (
    "from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge\n"
    "\n"
    "\n"
    "async def go(bridge: AgentWebSocketBridge) -> None:\n"
    '    await bridge.notify_agent_started("r1", "triage")\n'
)

_DRIVER = textwrap.dedent(
    """
    import sys
    from codemods.cli import main
    sys.argv = ["emitter-migrate", *sys.argv[1:]]
    try:
        main()
    finally:
        loaded = sorted(m for m in sys.modules if m == "libcst" or m.startswith("libcst."))
        print("LIBCST-LOADED" if loaded else "LIBCST-NOT-LOADED", file=sys.stderr)
    """
)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "EMITTER_MIGRATE_CACHE_DIR"}
    return subprocess.run(
        [sys.executable, "-c", _DRIVER, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,  # the cache then lives in the tree under test
    )


@pytest.mark.parametrize("command", [["scan"], ["run", "--diff", "--stage", "all"]])
def test_a_warm_run_does_not_load_libcst_and_a_cold_one_does(
    tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "relay.py").write_text(LEGACY, encoding="utf-8")
    (tmp_path / "app" / "other.py").write_text("x = 1\n", encoding="utf-8")
    # A legacy file that is not UTF-8: its error comes from its bytes, so it is cached too.
    (tmp_path / "app" / "latin.py").write_bytes(b"# caf\xe9\n" + LEGACY.encode())
    cold = _cli(*command, str(tmp_path))
    warm = _cli(*command, str(tmp_path))
    assert cold.returncode == warm.returncode == 2, cold.stderr + warm.stderr
    assert "Traceback" not in cold.stderr + warm.stderr
    assert "LIBCST-LOADED" in cold.stderr
    assert "LIBCST-NOT-LOADED" in warm.stderr
    assert warm.stdout == cold.stdout
    assert "relay.py" in warm.stdout
    assert "latin.py: not valid utf-8" in cold.stderr
    assert "latin.py: not valid utf-8" in warm.stderr
