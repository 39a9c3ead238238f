"""Kept for old importers."""
from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge  # noqa: F401
