import asyncio
from unittest.mock import AsyncMock, Mock, patch

from app.notifier import Notifier
from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge


def test_tool_started_notifies_the_bridge():
    bridge = Mock(spec=AgentWebSocketBridge)
    bridge.notify_tool_executing = AsyncMock(return_value=True)
    asyncio.run(Notifier(bridge).tool_started("run-1", "search"))
    bridge.notify_tool_executing.assert_awaited_once_with("run-1", "notifier", "search", {"query": "search"})


@patch("netra_backend.app.services.agent_websocket_bridge.create_agent_websocket_bridge")
def test_factory_is_patched(factory):
    factory.return_value = Mock(spec=AgentWebSocketBridge)
    assert factory() is factory.return_value
