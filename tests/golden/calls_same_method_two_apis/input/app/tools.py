"""One tool run announced on three emitters that share method names (post stage 1)."""

from __future__ import annotations

from typing import Any

from compat.agent_instance_factory import UserWebSocketEmitter
from compat.agent_websocket_bridge import AgentWebSocketBridge
from compat.unified_emitter import UnifiedWebSocketEmitter as OldEmitter


async def announce(
    bridge: AgentWebSocketBridge,
    per_user: UserWebSocketEmitter,
    old: OldEmitter,
    unknown: Any,
    run_id: str,
) -> None:
    await bridge.notify_tool_executing(run_id, "triage", "search", {"q": "invoice"})
    await per_user.notify_tool_executing("triage", "search", {"q": "invoice"})
    await old.notify_tool_executing("search", {"q": "invoice"})
    await unknown.notify_tool_executing("triage", "search")
