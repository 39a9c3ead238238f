"""Notifications for background runs."""

from __future__ import annotations

from netra_backend.app.services.agent_websocket_bridge import (  # legacy bridge
    AgentWebSocketBridge,  # typed receivers
    # the per-request factory
    create_agent_websocket_bridge,
    WebSocketNotifier,  # removed upstream in 2023
)
from netra_backend.app.websocket_core import WebSocketEventEmitter as Emitter


def make(ctx) -> AgentWebSocketBridge:
    return create_agent_websocket_bridge(ctx)


def legacy_notifier() -> WebSocketNotifier:
    return WebSocketNotifier()


def emitter_type() -> type:
    return Emitter
