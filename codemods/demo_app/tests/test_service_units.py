"""Unit tests of the services against mocked bridges."""

from __future__ import annotations

import asyncio
from unittest.mock import AsyncMock, Mock, patch

import pytest

from netra_backend.app.services.agent_websocket_bridge import (
    AgentWebSocketBridge,
    create_agent_websocket_bridge,
)
from netra_backend.app.services.user_execution_context import UserExecutionContext
from support_desk.services.escalation import EscalationService, record_escalation
from support_desk.services.run_notifier import RunNotifier

CONTEXT = UserExecutionContext(user_id="u-1", thread_id="t-1", run_id="run-1")

# As in production, the process-wide connection manager is installed before services start.
pytestmark = pytest.mark.usefixtures("manager")


def test_run_notifier_builds_its_bridge_from_the_user_context():
    with patch(
        "netra_backend.app.services.agent_websocket_bridge.create_agent_websocket_bridge"
    ) as factory:
        notifier = RunNotifier(CONTEXT)

    factory.assert_called_once()
    # The context may be passed positionally or by keyword.
    assert CONTEXT in [*factory.call_args.args, *factory.call_args.kwargs.values()]
    assert notifier.bridge is factory.return_value


def test_bridges_from_the_factory_can_announce_runs():
    bridge = create_agent_websocket_bridge(CONTEXT)

    assert hasattr(bridge, "notify_agent_started")


def test_run_notifier_passes_the_run_and_agent_through():
    bridge = Mock(spec=AgentWebSocketBridge)
    bridge.notify_agent_started = AsyncMock(return_value=True)
    notifier = RunNotifier(CONTEXT)
    notifier.bridge = bridge

    assert asyncio.run(notifier.started("run-1", "triage")) is True
    bridge.notify_agent_started.assert_awaited_once_with("run-1", "triage")


def test_escalation_announces_the_specialist_on_its_bridge():
    bridge = Mock(spec=AgentWebSocketBridge)
    bridge.notify_agent_started = AsyncMock(return_value=True)

    asyncio.run(EscalationService(bridge).escalate("run-1"))

    bridge.notify_agent_started.assert_awaited_once_with("run-1", "human_specialist")


def test_recording_an_escalation_opens_a_ticket_through_the_bridge():
    bridge = Mock(spec=AgentWebSocketBridge)
    bridge.notify_tool_executing = AsyncMock(return_value=True)

    ticket = asyncio.run(record_escalation("run-1", "angry customer", bridge))

    assert ticket == "ESC-run-1"
    bridge.notify_tool_executing.assert_awaited_once_with(
        "run-1", "human_specialist", "create_ticket", {"reason": "angry customer"}
    )


def test_recording_an_escalation_without_a_bridge_still_returns_the_ticket():
    assert asyncio.run(record_escalation("run-2", "no UI attached")) == "ESC-run-2"
