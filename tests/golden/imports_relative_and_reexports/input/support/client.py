"""Uses the package's re-export, not the legacy module: nothing to do here."""

from support import AgentWebSocketBridge


def bridge_type() -> type:
    return AgentWebSocketBridge
