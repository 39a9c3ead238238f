class UserWebSocketEmitter:
    def __init__(self, user_id, thread_id, run_id, websocket_bridge):
        self.bridge = websocket_bridge

    async def notify_agent_error(self, agent_name, error, error_context=None):
        raise ConnectionError("no socket")
