"""Annotations only, behind TYPE_CHECKING."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # the bridge, for annotations
    from compat.agent_websocket_bridge import AgentWebSocketBridge
    from compat.transparent_websocket_events import TransparentWebSocketEmitter


def describe(emitter: "TransparentWebSocketEmitter") -> str:
    return repr(emitter)
