"""WebSocket core: the manager registry and the old unified emitter under its many names."""

from netra_backend.app.websocket_core.unified_emitter import (
    IsolatedWebSocketEventEmitter,
    UnifiedWebSocketEmitter,
    UserWebSocketEmitter,
    WebSocketEmitterFactory,
    WebSocketEmitterPool,
    WebSocketEventEmitter,
)
from netra_backend.app.websocket_core.websocket_manager import (
    get_websocket_manager,
    set_websocket_manager,
)

__all__ = [
    "IsolatedWebSocketEventEmitter",
    "UnifiedWebSocketEmitter",
    "UserWebSocketEmitter",
    "WebSocketEmitterFactory",
    "WebSocketEmitterPool",
    "WebSocketEventEmitter",
    "get_websocket_manager",
    "set_websocket_manager",
]
