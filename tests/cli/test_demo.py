"""`emitter-migrate demo`: the bundled app end to end, and the exit code on a failing app."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from codemods import cli
from codemods.demo import run_demo
from codemods.plan import load_plan
from tests.cli.fakes import USER, fake_codemods, write_tree
from tests.conftest import SHIM_ROUTING

_LEGACY_LIB = "netra_backend/app/services/agent_websocket_bridge.py"


def _app(root: Path, test_body: str) -> Path:
    """A tiny app: one module using the legacy bridge, one test about that module."""
    write_tree(
        root,
        {
            _LEGACY_LIB: "class AgentWebSocketBridge:\n    pass\n",
            "netra_backend/__init__.py": "",
            "netra_backend/app/__init__.py": "",
            "netra_backend/app/services/__init__.py": "",
            "app/__init__.py": "",
            "app/one.py": USER,
            "pytest.ini": "[pytest]\ntestpaths = tests\npythonpath = .\n",
            "tests/test_one.py": test_body,
        },
    )
    return root


def _lines(collected: list[str]) -> str:
    return "\n".join(collected) + "\n"


def test_demo_shows_each_stage_diff_and_passes_when_tests_pass_both_times(tmp_path):
    body = "from pathlib import Path\n\ndef test_module_exists():\n    assert Path('app/one.py').exists()\n"
    source = _app(tmp_path / "app_src", body)
    out: list[str] = []
    with fake_codemods():
        code = run_demo(source=source, echo=out.append, plan=load_plan(SHIM_ROUTING))
    text = _lines(out)
    assert code == 0, text
    assert len(re.findall(r"1 passed[^:]* in [\d.]+s: PASSED", text)) == 2
    assert "== stage 1/4: compat-imports ==" in text
    assert "+bridge = ShimBridge()" in text  # stage 1's diff
    assert "+bridge = UnifiedWebSocketEmitter()" in text  # stage 2's diff, on stage 1's output
    assert "sites rewritten by the plan: 4" in text
    assert "compat usage left while the tests ran: 0 calls" in text
    assert (source / "app/one.py").read_text() == USER  # the bundled copy is never touched


def test_demo_fails_when_the_tests_break_after_migration(tmp_path):
    body = (
        "from pathlib import Path\n\n"
        "def test_still_legacy():\n"
        "    assert 'AgentWebSocketBridge()' in Path('app/one.py').read_text()\n"
    )
    source = _app(tmp_path / "app_src", body)
    out: list[str] = []
    with fake_codemods():
        code = run_demo(source=source, echo=out.append, plan=load_plan(SHIM_ROUTING))
    text = _lines(out)
    assert code == 1
    assert re.search(r"1 passed[^:]* in [\d.]+s: PASSED", text)
    assert re.search(r"1 failed[^:]* in [\d.]+s: FAILED", text)
    assert "demo FAILED" in text


def test_demo_fails_when_compat_is_still_used_where_no_site_was_manual(tmp_path):
    source = _app(
        tmp_path / "app_src",
        "from app.uses_shim import make\n\ndef test_make():\n    make()\n",
    )
    write_tree(
        source,
        {
            "app/uses_shim.py": (
                "from app.legacy_factory import create_agent_websocket_bridge\n\n"
                "def make():\n"
                "    try:\n"
                "        return create_agent_websocket_bridge()\n"
                "    except ValueError:\n"
                "        return None\n"
            ),
            # A legacy factory as stage 1 leaves one: deprecated where it is defined.
            "app/legacy_factory.py": (
                "from compat.deprecation import legacy_callable\n\n"
                '@legacy_callable("netra_backend.app.services.agent_websocket_bridge.'
                'create_agent_websocket_bridge")\n'
                "def create_agent_websocket_bridge(user_context=None):\n"
                "    return object()\n"
            ),
        },
    )
    out: list[str] = []
    with fake_codemods():
        code = run_demo(source=source, echo=out.append, plan=load_plan(SHIM_ROUTING))
    text = _lines(out)
    assert code == 1, text
    assert len(re.findall(r"1 passed[^:]* in [\d.]+s: PASSED", text)) == 2
    assert (
        "compat use left where every site was automatic: "
        "bridge.create_agent_websocket_bridge from app/uses_shim.py:5"
    ) in text


def test_demo_command_on_the_bundled_app():
    """The real thing: bundled demo app, real plan, real codemods, its own tests twice."""
    result = CliRunner().invoke(cli.app, ["demo", "--jobs", "2"])
    out = result.stdout
    assert result.exit_code == 0, out
    assert out.count(": PASSED") == 2
    assert "== stage 1/2: deprecate ==" in out
    assert "== stage 2/2: call-sites ==" in out
    # Stage 1 decorates the legacy library where it defines each API ...
    assert '+@legacy_api("bridge")\n class AgentWebSocketBridge:' in out
    assert "+from compat.deprecation import legacy_api, legacy_callable" in out
    # ... and stage 2 moves an agent's calls onto the unified methods of the same object.
    assert "+        await self.unified_events.emit_agent_started(agent_name=self.name)" in out
    assert "--- a/support_desk/" in out and "+++ b/support_desk/" in out
    assert "sites left to a developer:" in out
    assert "support_desk/dynamic_events.py:33:18 call notify_agent_started" in out
    assert "compat usage left while the tests ran:" in out
    assert "compat use left where every site was automatic" not in out
    assert ".ruff_cache" not in out
