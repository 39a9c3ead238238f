from netra_backend.app.agents.base_agent import BaseAgent


class TriageAgent(BaseAgent):
    async def execute(self, query: str) -> None:
        await self.unified_events.emit_agent_thinking(
            reasoning=f"Looking at {query}",
            agent_name=self.name,
            step_number=1,
        )
        await self.emit_tool_started("search", {"q": query})
        await self.unified_events.emit_agent_completed(
            agent_name=self.name,
            result={"answer": 42},
            trace_context={"trace": "t"},
        )
