"""Legacy package: re-exports the old unified emitter under its aliases."""
from netra_backend.app.websocket_core.unified_emitter import UnifiedWebSocketEmitter
from netra_backend.app.websocket_core.unified_emitter import UnifiedWebSocketEmitter as WebSocketEventEmitter

__all__ = ["UnifiedWebSocketEmitter", "WebSocketEventEmitter"]
