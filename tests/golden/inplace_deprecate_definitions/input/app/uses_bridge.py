from typing import TYPE_CHECKING

from netra_backend.app.services.agent_websocket_bridge import create_agent_websocket_bridge

if TYPE_CHECKING:
    from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge


def make() -> "AgentWebSocketBridge":
    return create_agent_websocket_bridge()


def typed(bridge: AgentWebSocketBridge) -> None:
    return None
