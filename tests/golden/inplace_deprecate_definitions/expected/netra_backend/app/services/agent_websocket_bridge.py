"""The per-process bridge between agents and user sockets."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Optional

from compat.deprecation import legacy_api, legacy_callable

from netra_backend.app.services.monitoring import MonitorableComponent

if TYPE_CHECKING:
    from netra_backend.app.services.user_execution_context import UserExecutionContext

logger = logging.getLogger(__name__)


# One bridge per process; requests pass their context in.
@legacy_api("bridge")
class AgentWebSocketBridge(MonitorableComponent):
    CRITICAL_EVENTS = ("agent_started", "agent_completed")

    def __init__(self, user_context: Optional["UserExecutionContext"] = None):
        super().__init__()
        self.user_context = user_context

    async def notify_agent_started(self, run_id, agent_name, context=None, trace_context=None):
        return True

    async def emit_agent_event(self, event_type, data, run_id=None, agent_name=None):
        return True


class RequestScopedOrchestrator:
    def __init__(self, bridge: AgentWebSocketBridge):
        self.bridge = bridge


@legacy_callable("netra_backend.app.services.agent_websocket_bridge.create_agent_websocket_bridge")
def create_agent_websocket_bridge(user_context: "UserExecutionContext" = None) -> AgentWebSocketBridge:
    return AgentWebSocketBridge(user_context)
