from compat.agent_websocket_bridge import AgentWebSocketBridge

BRIDGE_CLASS = AgentWebSocketBridge
