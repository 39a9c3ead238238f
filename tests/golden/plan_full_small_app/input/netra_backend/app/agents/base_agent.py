"""Legacy agent base (stub)."""


class BaseAgent:
    name = "base"

    async def emit_thinking(self, thought, step_number=None, context=None):
        return None

    async def emit_tool_executing(self, tool_name, parameters=None):
        return None
