"""An agent two levels below BaseAgent, in a file that names no legacy symbol."""

from __future__ import annotations

from app.agents.triage import TriageAgent


class EscalatingAgent(TriageAgent):
    async def escalate(self, reason: str) -> None:
        await self.emit_subagent_started("human", subagent_id=reason)

        await self.emit_thinking(
            f"Escalating: {reason}",
            2,
        )

    async def emit_error(self, error_message, error_type=None, error_details=None):
        await super().emit_error(error_message, error_type, error_details)

    async def fail(self) -> None:
        await self.emit_error("gave up")
