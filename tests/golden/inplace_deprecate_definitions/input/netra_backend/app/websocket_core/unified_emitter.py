class UnifiedWebSocketEmitter:
    def __init__(self, manager, user_id, context=None):
        self.manager = manager
        self.user_id = user_id

    async def notify_agent_error(self, error, **kwargs):
        return None


# Older names, kept for importers.
WebSocketEventEmitter = UnifiedWebSocketEmitter
UserWebSocketEmitter = UnifiedWebSocketEmitter
