"""Hooks whose receiver or event is only known at runtime.

A migration tool cannot tell statically what the two calls below bind to, so
it must leave them to a human. The bridge they use is built here, so it can stay
a compat shim (which still has the legacy methods) until they are fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netra_backend.app.services.agent_websocket_bridge import (
    AgentWebSocketBridge,
    create_agent_websocket_bridge,
)
from netra_backend.app.services.user_execution_context import UserExecutionContext


@dataclass
class HookContext:
    run_id: str
    websocket_bridge: Any  # whatever the integration that registered the hook handed in


def make_hook_context(user_context: UserExecutionContext) -> HookContext:
    return HookContext(
        run_id=user_context.run_id, websocket_bridge=create_agent_websocket_bridge(user_context)
    )


async def announce_hook(context: HookContext, agent_name: str) -> bool:
    return await context.websocket_bridge.notify_agent_started(context.run_id, agent_name)


async def forward_event(
    bridge: AgentWebSocketBridge, event_type: str, data: dict[str, Any], run_id: str
) -> bool:
    return await bridge.emit_agent_event(event_type, data, run_id=run_id)
