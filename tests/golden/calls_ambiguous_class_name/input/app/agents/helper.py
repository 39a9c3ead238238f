from compat.base_agent import BaseAgent


class Helper(BaseAgent):
    async def assist(self) -> None:
        await self.emit_agent_started()
