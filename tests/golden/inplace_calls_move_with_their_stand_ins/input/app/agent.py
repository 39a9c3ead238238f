from netra_backend.app.agents.base_agent import BaseAgent


class TriageAgent(BaseAgent):
    async def execute(self, query: str) -> None:
        await self.emit_thinking(f"Looking at {query}", step_number=1)
        await self.emit_tool_started("search", {"q": query})
        await self.emit_agent_completed({"answer": 42}, context={"trace": "t"})
