"""Two call sites the tool cannot type: the shim stays until a human rewrites them."""

from __future__ import annotations

from compat.agent_websocket_bridge import create_agent_websocket_bridge
from compat.unified_emitter import (
    UnifiedWebSocketEmitter,  # unused: the old emitter is gone from this module
    get_websocket_manager,
)


def bridge_for(context):
    return create_agent_websocket_bridge(context)


async def hook(context, event_type, payload):
    await context.websocket_bridge.emit_agent_event(event_type, payload)
    return get_websocket_manager()
