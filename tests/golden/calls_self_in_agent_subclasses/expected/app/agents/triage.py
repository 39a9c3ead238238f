"""First-line agent."""

from __future__ import annotations

from typing import Any

from app.agents.knowledge import KnowledgeAgent


class TriageAgent(KnowledgeAgent):
    async def execute(self, question: str) -> dict[str, Any]:
        await self.websocket_emitter.emit_agent_started(
            agent_name=self.name,
            context={"message": f"Triaging: {question}"},
        )
        await self.websocket_emitter.emit_agent_thinking(
            reasoning=f"🔎 Looking for articles about {question!r}",
            agent_name=self.name,
            step_number=1,
        )
        hits = await self.search(question)
        result = {"sources": hits}
        await self.websocket_emitter.emit_agent_completed(agent_name=self.name, result=result)
        return result
