"""Knowledge-base agents: a shared search tool, and the first-line triage agent."""

from __future__ import annotations

from typing import Any

from netra_backend.app.agents.base_agent import BaseAgent
from support_desk import knowledge_base


class KnowledgeAgent(BaseAgent):
    agent_name = "knowledge"

    def __init__(self) -> None:
        super().__init__(name=self.agent_name, description="Answers from the help articles")

    async def search(self, query: str) -> list[str]:
        await self.emit_tool_executing("search", {"q": query})
        hits = knowledge_base.search(query)
        await self.emit_tool_completed("search", {"hits": hits})
        return hits


class TriageAgent(KnowledgeAgent):
    agent_name = "triage"

    async def execute(self, question: str) -> dict[str, Any]:
        await self.emit_agent_started(f"Triaging: {question}")
        if not question.strip():
            await self.emit_error("The question is empty", error_type="validation")
            return {"answer": None, "sources": []}
        await self.emit_thinking(f"🔎 Looking for articles about {question!r}", step_number=1)
        hits = await self.search(question)
        result = {"answer": knowledge_base.answer(hits), "sources": hits}
        await self.emit_agent_completed(result)
        return result
