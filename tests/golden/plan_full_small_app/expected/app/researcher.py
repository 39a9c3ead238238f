"""An agent: `self` is a BaseAgent, so its emit_* calls are typed."""

from compat.base_agent import BaseAgent


class Researcher(BaseAgent):
    name = "researcher"

    async def run(self, question: str) -> str:
        await self.websocket_emitter.emit_agent_thinking(
            reasoning=f"looking up {question}",
            agent_name=self.name,
            step_number=1,
        )
        await self.websocket_emitter.emit_tool_executing(
            tool_name="search",
            agent_name=self.name,
            parameters={"q": question},
        )
        return "answer"
