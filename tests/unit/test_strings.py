"""Stage 3 (strings): patch targets and method-name strings whose meaning is known."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from codemods.plan import Plan, load_plan
from codemods.report import AUTO, MANUAL, Site
from codemods.stages.base import FileContext, run_codemod
from codemods.stages.strings import StringsCodemod

BRIDGE = "netra_backend.app.services.agent_websocket_bridge"
HEADER = """\
import logging
from unittest import mock
from unittest.mock import Mock, patch

from compat.agent_websocket_bridge import AgentWebSocketBridge, create_agent_websocket_bridge
from target_emitter import UnifiedWebSocketEmitter
"""


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


def run(plan: Plan, body: str, module: str = "tests.test_x") -> tuple[str, list[Site]]:
    """Run the stage on HEADER + body; check it parses and a second run changes nothing."""
    src = HEADER + textwrap.dedent(body)
    ctx = FileContext("tests/test_x.py", module, plan, "strings")
    out = run_codemod(cst.parse_module(src), StringsCodemod, ctx).code
    again = FileContext("tests/test_x.py", module, plan, "strings")
    assert run_codemod(cst.parse_module(out), StringsCodemod, again).code == out
    assert [s for s in again.sites if s.status == AUTO] == []
    return out[len(HEADER) :], ctx.sites


def only(sites: list[Site]) -> Site:
    assert len(sites) == 1, sites
    return sites[0]


def test_factory_patch_target_moves_to_from_context(plan: Plan) -> None:
    out, sites = run(plan, f'patch("{BRIDGE}.create_agent_websocket_bridge")\n')
    assert out == 'patch("target_emitter.UnifiedWebSocketEmitter.from_context")\n'
    assert only(sites).status == AUTO and only(sites).kind == "string"


def test_quotes_and_prefix_are_kept(plan: Plan) -> None:
    out, _ = run(plan, f"mock.patch(r'{BRIDGE}.create_agent_websocket_bridge')\n")
    assert out == "mock.patch(r'target_emitter.UnifiedWebSocketEmitter.from_context')\n"


def test_shim_path_and_factory_class_method_and_target_keyword(plan: Plan) -> None:
    out, _ = run(
        plan,
        """\
        patch(target="compat.unified_emitter.WebSocketEmitterFactory.create_scoped_emitter")
        mocker.patch("compat.agent_websocket_bridge.create_agent_websocket_bridge")
        """,
    )
    assert out.count('"target_emitter.UnifiedWebSocketEmitter.from_context"') == 2


def test_legacy_class_method_patch_moves_to_target_method(plan: Plan) -> None:
    out, _ = run(plan, f'patch("{BRIDGE}.AgentWebSocketBridge.notify_tool_executing")\n')
    assert out == 'patch("target_emitter.UnifiedWebSocketEmitter.emit_tool_executing")\n'


@pytest.mark.parametrize(
    ("target", "advice"),
    [
        (f"{BRIDGE}.AgentWebSocketBridge", "patches the legacy class AgentWebSocketBridge"),
        ("netra_backend.app.websocket_core.get_websocket_manager", "<module under test>"),
        (f"{BRIDGE}.resolve_thread", "the module will be deleted"),
        (f"{BRIDGE}.AgentWebSocketBridge.create_user_emitter", "by hand"),
        (f"{BRIDGE}.AgentWebSocketBridge.emit_agent_event", "event type"),
        ("support_desk.run_notifier.create_agent_websocket_bridge", "where support_desk"),
        ("netra_backend.app.websocket_core.unified_emitter.WebSocketEmitterPool", "patch what"),
        ("compat.unified_emitter.WebSocketEmitterPool.acquire", "must be released"),
    ],
)
def test_patch_targets_the_tool_cannot_move_are_manual(
    plan: Plan, target: str, advice: str
) -> None:
    src = f'patch("{target}")\n'
    out, sites = run(plan, src)
    assert out == src
    site = only(sites)
    assert site.status == MANUAL and site.symbol == target and advice in site.reason


def test_unrelated_patch_targets_and_non_literal_targets_are_not_sites(plan: Plan) -> None:
    src = 'patch("os.getcwd")\npatch(TARGET)\npatch("target_emitter.UnifiedWebSocketEmitter.from_context")\n'
    out, sites = run(plan, src)
    assert out == src and sites == []


def test_method_name_follows_the_known_receiver_api(plan: Plan) -> None:
    out, sites = run(
        plan,
        """\
        bridge = create_agent_websocket_bridge(ctx)
        assert hasattr(bridge, "notify_agent_started")
        spec = Mock(spec=AgentWebSocketBridge)
        with patch.object(spec, "notify_custom"):
            getattr(spec, "notify_agent_death", None)
        """,
    )
    assert '"emit_agent_started"' in out and '"emit_custom"' in out
    assert [s.status for s in sites] == [AUTO, AUTO, AUTO]


def test_method_name_on_unified_receiver_needs_every_api_to_agree(plan: Plan) -> None:
    out, sites = run(
        plan,
        """\
        e = UnifiedWebSocketEmitter.from_context(ctx)
        hasattr(e, "notify_tool_executing")
        hasattr(e, "emit_thinking")
        hasattr(e, "emit_agent_started")
        hasattr(e, "emit_agent_event")
        """,
    )
    lines = out.splitlines()
    assert lines[1:4] == [
        'hasattr(e, "emit_tool_executing")',
        'hasattr(e, "emit_agent_thinking")',
        'hasattr(e, "emit_agent_started")',
    ]
    assert [s.status for s in sites] == [AUTO, AUTO, MANUAL]
    assert "write the unified method" in sites[2].reason


def test_method_name_on_unknown_receiver_is_manual_with_the_options(plan: Plan) -> None:
    src = """\
        def test_it(bridge):
            assert hasattr(bridge, "notify_tool_executing")
            assert hasattr(bridge, "emit")
        """
    out, sites = run(plan, src)
    assert out == textwrap.dedent(src)
    site = only(sites)
    assert site.status == MANUAL and "unannotated" in site.reason
    assert "AgentWebSocketBridge: emit_tool_executing" in site.reason


def test_method_patched_on_a_legacy_class_object_is_manual(plan: Plan) -> None:
    _, sites = run(plan, 'patch.object(AgentWebSocketBridge, "notify_agent_completed")\n')
    assert "patch.object(UnifiedWebSocketEmitter, 'emit_agent_completed')" in only(sites).reason


def test_method_the_class_defines_itself_is_not_a_site(plan: Plan) -> None:
    src = """\
        from compat.base_agent import BaseAgent
        class Agent(BaseAgent):
            def emit_progress(self, content): ...
            def ready(self):
                return hasattr(self, "emit_progress") and hasattr(self, "emit_thinking")
        """
    out, sites = run(plan, src)
    assert 'hasattr(self, "emit_progress")' in out
    assert 'hasattr(self, "emit_agent_thinking")' in out
    assert len(sites) == 1


def test_monkeypatch_dotted_and_attribute_forms(plan: Plan) -> None:
    out, _ = run(
        plan,
        f"""\
        monkeypatch.setattr("{BRIDGE}.create_agent_websocket_bridge", fake)
        bridge = create_agent_websocket_bridge(ctx)
        monkeypatch.setattr(bridge, "notify_agent_completed", fake)
        """,
    )
    assert '"target_emitter.UnifiedWebSocketEmitter.from_context"' in out
    assert '"emit_agent_completed"' in out


def test_logger_of_a_legacy_module_is_manual(plan: Plan) -> None:
    src = f'log = logging.getLogger("{BRIDGE}")\ncaplog.set_level(10, logger="{BRIDGE}")\n'
    out, sites = run(plan, src)
    assert out == src
    assert [s.status for s in sites] == [MANUAL, MANUAL]
    assert "keep it until the module is deleted" in sites[0].reason


def test_legacy_module_file_is_skipped(plan: Plan) -> None:
    src = f'patch("{BRIDGE}.create_agent_websocket_bridge")\n'
    out, sites = run(plan, src, module=BRIDGE)
    assert out == src and sites == []
