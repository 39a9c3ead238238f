"""Where emitters are built (pre stage 1: legacy import paths, one re-exported)."""

from __future__ import annotations

from typing import Any

import netra_backend.app.services.agent_websocket_bridge as awb
from netra_backend.app.agents.supervisor.agent_instance_factory import UserWebSocketEmitter
from netra_backend.app.services.websocket.transparent_websocket_events import TransparentWebSocketBridge
from netra_backend.app.websocket_core import (  # the package re-exports these
    IsolatedWebSocketEventEmitter,
    WebSocketEmitterFactory,
    get_websocket_manager,
    set_websocket_manager,
)


def install(manager: Any, context: Any) -> tuple[Any, ...]:
    set_websocket_manager(manager)
    bridge = awb.AgentWebSocketBridge(user_context=context)
    made = awb.create_agent_websocket_bridge(context)
    transparency = TransparentWebSocketBridge(context)
    scoped = WebSocketEmitterFactory.create_scoped_emitter(get_websocket_manager(), context)
    per_user = UserWebSocketEmitter(context.user_id, context.thread_id, context.run_id, bridge)
    return bridge, made, transparency, scoped, per_user


def isolated(manager: Any, user_id: str) -> Any:
    return IsolatedWebSocketEventEmitter(manager, user_id)
