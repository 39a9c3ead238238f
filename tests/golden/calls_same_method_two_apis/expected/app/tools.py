"""One tool run announced on three emitters that share method names (post stage 1)."""

from __future__ import annotations

from typing import Any

from target_emitter import UnifiedWebSocketEmitter


async def announce(
    bridge: UnifiedWebSocketEmitter,
    per_user: UnifiedWebSocketEmitter,
    old: UnifiedWebSocketEmitter,
    unknown: Any,
    run_id: str,
) -> None:
    await bridge.emit_tool_executing(
        run_id=run_id,
        agent_name="triage",
        tool_name="search",
        parameters={"q": "invoice"},
    )
    await per_user.emit_tool_executing(
        agent_name="triage",
        tool_name="search",
        parameters={"q": "invoice"},
    )
    await old.emit_tool_executing(tool_name="search", parameters={"q": "invoice"})
    await unknown.notify_tool_executing("triage", "search")
