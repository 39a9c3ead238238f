"""Where emitters are built (pre stage 1: legacy import paths, one re-exported)."""

from __future__ import annotations

from typing import Any

from netra_backend.app.agents.supervisor.agent_instance_factory import UserWebSocketEmitter
from netra_backend.app.websocket_core import (  # the package re-exports these
    IsolatedWebSocketEventEmitter,
)
from target_emitter import UnifiedWebSocketEmitter, get_default_manager, set_default_manager


def install(manager: Any, context: Any) -> tuple[Any, ...]:
    set_default_manager(manager=manager)
    bridge = UnifiedWebSocketEmitter.from_context(context=context)
    made = UnifiedWebSocketEmitter.from_context(context=context)
    transparency = UnifiedWebSocketEmitter.from_context(context=context)
    scoped = UnifiedWebSocketEmitter.from_context(manager=get_default_manager(), context=context)
    per_user = UserWebSocketEmitter(context.user_id, context.thread_id, context.run_id, bridge)
    return bridge, made, transparency, scoped, per_user


def isolated(manager: Any, user_id: str) -> Any:
    return IsolatedWebSocketEventEmitter(manager, user_id)
