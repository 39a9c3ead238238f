"""Public surface of the support package: re-exports the emitters it hands out."""

from compat.agent_websocket_bridge import (
    AgentWebSocketBridge,
    create_agent_websocket_bridge,
)
from compat.unified_emitter import UserWebSocketEmitter as UserWebSocketEmitter
from support.version import VERSION

__all__ = [
    "AgentWebSocketBridge",
    "UserWebSocketEmitter",
    "VERSION",
    "create_agent_websocket_bridge",
]
