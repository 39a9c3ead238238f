class BaseAgent:
    def __init__(self, name=None):
        self.name = name or type(self).__name__

    async def emit_thinking(self, thought, step_number=None, context=None):
        return None

    async def emit_tool_executing(self, tool_name, parameters=None):
        return None

    async def emit_tool_started(self, tool_name, parameters=None):
        return await self.emit_tool_executing(tool_name, parameters)

    async def emit_agent_completed(self, result=None, context=None):
        return None
