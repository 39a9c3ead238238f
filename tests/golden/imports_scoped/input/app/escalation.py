"""Escalation to a human specialist."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

# from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge
if TYPE_CHECKING:
    from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge


class EscalationService:
    def __init__(self, bridge: Optional[AgentWebSocketBridge]) -> None:
        self.bridge = bridge
