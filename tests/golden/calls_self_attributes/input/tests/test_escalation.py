import asyncio
import unittest
from unittest import mock

from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge

from app.services.run_notifier import Escalation


class EscalationTest(unittest.TestCase):
    def setUp(self) -> None:
        self.bridge = mock.create_autospec(AgentWebSocketBridge, instance=True)
        self.bridge.notify_agent_completed = mock.AsyncMock(return_value=True)

    def test_escalation_reports_the_specialist(self) -> None:
        asyncio.run(Escalation(self.bridge).escalate("run-1"))

        self.bridge.notify_agent_completed.assert_awaited_once_with("run-1", "human", execution_time_ms=0)
