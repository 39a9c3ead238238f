from netra_backend.app.websocket_core.unified_emitter import (
    UnifiedWebSocketEmitter,
    WebSocketEventEmitter,
)
from netra_backend.app.websocket_core.handlers import MessageRouter

__all__ = ["MessageRouter", "UnifiedWebSocketEmitter", "WebSocketEventEmitter"]
