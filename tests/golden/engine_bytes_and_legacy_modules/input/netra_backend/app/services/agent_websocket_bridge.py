class AgentWebSocketBridge:
    async def notify_agent_started(self, run_id, agent_name, context=None, trace_context=None):
        return True
