import asyncio
import unittest
from unittest import mock

from app.services.run_notifier import Escalation
from target_emitter import UnifiedWebSocketEmitter


class EscalationTest(unittest.TestCase):
    def setUp(self) -> None:
        self.bridge = mock.create_autospec(UnifiedWebSocketEmitter, instance=True)
        self.bridge.emit_agent_completed = mock.AsyncMock(return_value=True)

    def test_escalation_reports_the_specialist(self) -> None:
        asyncio.run(Escalation(self.bridge).escalate("run-1"))

        self.bridge.emit_agent_completed.assert_awaited_once_with(
            run_id="run-1",
            agent_name="human",
            execution_time_ms=0,
        )
