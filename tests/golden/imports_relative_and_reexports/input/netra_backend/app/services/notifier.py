"""A service next to the bridge, importing it relatively."""

from .agent_websocket_bridge import AgentWebSocketBridge, BRIDGE_TIMEOUT_S


class Notifier:
    timeout = BRIDGE_TIMEOUT_S

    def __init__(self, bridge: AgentWebSocketBridge) -> None:
        self.bridge = bridge
