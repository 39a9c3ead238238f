from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge

BRIDGE_CLASS = AgentWebSocketBridge
