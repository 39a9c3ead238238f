"""Agents that answer from the knowledge base (post stage 1: the base class comes from the shim)."""

from __future__ import annotations

from compat.base_agent import BaseAgent


class KnowledgeAgent(BaseAgent):
    async def search(self, query: str) -> list[str]:
        await self.websocket_emitter.emit_tool_executing(
            tool_name="search",
            agent_name=self.name,
            parameters={"q": query},
        )
        hits = [query]
        await self.websocket_emitter.emit_tool_completed(
            tool_name="search",
            agent_name=self.name,
            result={"hits": hits},
        )
        await self.websocket_emitter.emit_progress(
            agent_name=self.name,
            message=f"found {len(hits)}",
            progress={"is_complete": True},
        )
        return hits
