"""First-line agent."""

from __future__ import annotations

from typing import Any

from app.agents.knowledge import KnowledgeAgent


class TriageAgent(KnowledgeAgent):
    async def execute(self, question: str) -> dict[str, Any]:
        await self.emit_agent_started(f"Triaging: {question}")
        await self.emit_thinking(f"🔎 Looking for articles about {question!r}", step_number=1)
        hits = await self.search(question)
        result = {"sources": hits}
        await self.emit_agent_completed(result)
        return result
