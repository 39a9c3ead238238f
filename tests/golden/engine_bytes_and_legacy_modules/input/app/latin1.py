# -*- coding: latin-1 -*-
"""Café notifications (Latin-1 file)."""
from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge

GREETING = "déjà vu"
BRIDGE_CLASS = AgentWebSocketBridge
