from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge

def broken(:
    return AgentWebSocketBridge
