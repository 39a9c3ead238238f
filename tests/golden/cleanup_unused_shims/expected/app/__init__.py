"""The app package re-exports the bridge its plugins receive."""

from compat.agent_websocket_bridge import AgentWebSocketBridge

__all__ = ["AgentWebSocketBridge"]
