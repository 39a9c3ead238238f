"""Legacy module (stub): it is what gets deleted, so the tool never rewrites it."""

from netra_backend.app.websocket_core.unified_emitter import UnifiedWebSocketEmitter


class AgentWebSocketBridge:
    def __init__(self, user_context=None):
        self.user_context = user_context
        self.emitter_class = UnifiedWebSocketEmitter


def create_agent_websocket_bridge(user_context=None):
    return AgentWebSocketBridge(user_context)
