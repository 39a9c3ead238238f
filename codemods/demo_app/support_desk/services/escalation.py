"""Escalation to a human specialist, announced on the requesting user's bridge."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

# from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge
if TYPE_CHECKING:
    from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge

SPECIALIST = "human_specialist"


class EscalationService:
    def __init__(self, bridge: AgentWebSocketBridge) -> None:
        self.bridge = bridge

    async def escalate(self, run_id: str) -> bool:
        return await self.bridge.notify_agent_started(run_id, SPECIALIST)


async def record_escalation(
    run_id: str,
    reason: str,
    bridge: Optional[AgentWebSocketBridge] = None,  # noqa: UP045
) -> str:
    ticket_id = f"ESC-{run_id}"
    if bridge is not None:
        await bridge.notify_tool_executing(run_id, SPECIALIST, "create_ticket", {"reason": reason})
    return ticket_id
