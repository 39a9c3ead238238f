"""Agents that answer from the knowledge base (post stage 1: the base class comes from the shim)."""

from __future__ import annotations

from compat.base_agent import BaseAgent


class KnowledgeAgent(BaseAgent):
    async def search(self, query: str) -> list[str]:
        await self.emit_tool_executing("search", {"q": query})
        hits = [query]
        await self.emit_tool_completed("search", {"hits": hits})
        await self.emit_progress(f"found {len(hits)}", is_complete=True)
        return hits
