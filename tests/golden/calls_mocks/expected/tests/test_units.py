"""Unit tests of the services against mocked bridges (post stage 1)."""

from __future__ import annotations

import asyncio
from unittest.mock import AsyncMock, Mock, create_autospec

from target_emitter import UnifiedWebSocketEmitter


def test_run_notifier_passes_the_run_and_agent_through(notifier):
    notifier.bridge = Mock(spec=UnifiedWebSocketEmitter)
    notifier.bridge.emit_agent_started = AsyncMock(return_value=True)

    assert asyncio.run(notifier.started("run-1", "triage")) is True
    notifier.bridge.emit_agent_started.assert_awaited_once_with(
        run_id="run-1",
        agent_name="triage",
    )


def test_escalation_opens_a_ticket(service):
    bridge = create_autospec(UnifiedWebSocketEmitter, instance=True)
    bridge.emit_tool_executing = AsyncMock()
    bridge.emit_tool_executing.return_value = True

    asyncio.run(service(bridge).escalate("run-1"))

    bridge.emit_tool_executing.assert_awaited_once_with(
        run_id="run-1",
        agent_name="human_specialist",
        tool_name="create_ticket",
        parameters={"reason": "angry customer"},
    )
    bridge.emit_agent_completed.assert_not_called()
