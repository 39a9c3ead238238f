"""Legacy definition: never rewritten, reported once as a definition."""
from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge


class UnifiedWebSocketEmitter:
    def __init__(self, manager, user_id, context=None):
        self.bridge = AgentWebSocketBridge()
