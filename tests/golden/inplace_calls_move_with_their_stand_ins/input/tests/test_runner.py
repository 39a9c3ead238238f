import asyncio
from unittest.mock import AsyncMock, Mock, patch

from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge

from app.runner import fail, run


def test_run_reports_the_tool():
    bridge = Mock(spec=AgentWebSocketBridge)
    bridge.emit_agent_event = AsyncMock()
    assert asyncio.run(run(bridge, "r1"))

    bridge.notify_tool_executing.assert_awaited_once_with("r1", "triage", "search")


@patch("netra_backend.app.services.agent_websocket_bridge.AgentWebSocketBridge")
def test_patched(cls):
    assert hasattr(AgentWebSocketBridge, "emit_agent_event")


def test_real_bridge_runs_and_accepts_a_completion():
    bridge: AgentWebSocketBridge = AgentWebSocketBridge()
    assert asyncio.run(run(bridge, "r2"))
    assert asyncio.run(bridge.notify_agent_completed("r2", "triage"))


def test_a_failed_error_event_is_still_raised_and_caught():
    from netra_backend.app.agents.supervisor.agent_instance_factory import UserWebSocketEmitter

    emitter = UserWebSocketEmitter("u", "t", "r", None)
    assert asyncio.run(fail(emitter)) == "caught"
