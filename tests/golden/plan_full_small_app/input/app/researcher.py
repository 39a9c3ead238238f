"""An agent: `self` is a BaseAgent, so its emit_* calls are typed."""

from netra_backend.app.agents.base_agent import BaseAgent


class Researcher(BaseAgent):
    name = "researcher"

    async def run(self, question: str) -> str:
        await self.emit_thinking(f"looking up {question}", step_number=1)
        await self.emit_tool_executing("search", {"q": question})
        return "answer"
