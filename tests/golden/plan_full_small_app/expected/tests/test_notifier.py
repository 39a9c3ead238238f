import asyncio
from unittest.mock import AsyncMock, Mock, patch

from app.notifier import Notifier
from target_emitter import UnifiedWebSocketEmitter


def test_tool_started_notifies_the_bridge():
    bridge = Mock(spec=UnifiedWebSocketEmitter)
    bridge.emit_tool_executing = AsyncMock(return_value=True)
    asyncio.run(Notifier(bridge).tool_started("run-1", "search"))
    bridge.emit_tool_executing.assert_awaited_once_with(
        run_id="run-1",
        agent_name="notifier",
        tool_name="search",
        parameters={"query": "search"},
    )


@patch("target_emitter.UnifiedWebSocketEmitter.from_context")
def test_factory_is_patched(factory):
    factory.return_value = Mock(spec=UnifiedWebSocketEmitter)
    assert factory() is factory.return_value
