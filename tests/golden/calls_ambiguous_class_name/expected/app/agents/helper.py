from compat.base_agent import BaseAgent


class Helper(BaseAgent):
    async def assist(self) -> None:
        await self.websocket_emitter.emit_agent_started(agent_name=self.name)
