from compat.deprecation import legacy_api


@legacy_api("bridge")
class AgentWebSocketBridge:
    def __init__(self, user_context=None):
        self.user_context = user_context

    async def notify_agent_started(self, run_id, agent_name, context=None, trace_context=None):
        return True

    async def notify_tool_executing(self, run_id, agent_name, tool_name, parameters=None):
        return True

    async def notify_agent_completed(self, run_id, agent_name, result=None, execution_time_ms=None, trace_context=None):
        return True

    async def emit_agent_event(self, event_type, data, run_id=None, agent_name=None):
        return True
