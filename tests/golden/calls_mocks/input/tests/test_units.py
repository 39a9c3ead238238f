"""Unit tests of the services against mocked bridges (post stage 1)."""

from __future__ import annotations

import asyncio
from unittest.mock import AsyncMock, Mock, create_autospec

from compat.agent_websocket_bridge import AgentWebSocketBridge


def test_run_notifier_passes_the_run_and_agent_through(notifier):
    notifier.bridge = Mock(spec=AgentWebSocketBridge)
    notifier.bridge.notify_agent_started = AsyncMock(return_value=True)

    assert asyncio.run(notifier.started("run-1", "triage")) is True
    notifier.bridge.notify_agent_started.assert_awaited_once_with("run-1", "triage")


def test_escalation_opens_a_ticket(service):
    bridge = create_autospec(AgentWebSocketBridge, instance=True)
    bridge.notify_tool_executing = AsyncMock()
    bridge.notify_tool_executing.return_value = True

    asyncio.run(service(bridge).escalate("run-1"))

    bridge.notify_tool_executing.assert_awaited_once_with(
        "run-1", "human_specialist", "create_ticket", {"reason": "angry customer"}
    )
    bridge.notify_agent_completed.assert_not_called()
