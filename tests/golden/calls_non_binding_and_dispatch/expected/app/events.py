"""Calls the tool must not guess at, next to ones it can rewrite (post stage 1)."""

from __future__ import annotations

from typing import Any

from compat.agent_websocket_bridge import AgentWebSocketBridge, create_agent_websocket_bridge
from compat.unified_emitter import UnifiedWebSocketEmitter


async def broken(bridge: AgentWebSocketBridge, run_id: str, args: tuple[Any, ...]) -> None:
    # Each of these fails today (or hides its arguments): the tool reports them.
    await bridge.notify_tool_executing(run_id, "agent")
    await bridge.notify_tool_executing(run_id, "agent", tool="search")
    await bridge.notify_tool_executing(*args)
    await bridge.notify_tool_executing(run_id, "agent", "search", {}, "extra")


async def generic(bridge: AgentWebSocketBridge, run_id: str, event_type: str, payload: dict) -> None:
    await bridge.emit_agent_started(agent_name="triage", run_id=run_id)
    await bridge.emit_tool_completed(
        tool_name="search",
        result={"hits": 3},
        run_id=run_id,
        agent_name="triage",
    )
    await bridge.emit_custom(event_type="ticket_opened", data=payload, run_id=run_id)
    await bridge.emit_agent_event(event_type, payload, run_id=run_id)
    await bridge.emit_agent_event("agent_thinking", payload, run_id=run_id)


async def old_style(emitter: UnifiedWebSocketEmitter, bridge: AgentWebSocketBridge, ctx: Any) -> None:
    await emitter.emit_agent_completed(agent_name="digest", result=None)
    await emitter.emit_agent_started(agent_name="digest")
    await emitter.notify_agent_started("digest", metadata={"source": "cron"})
    created = await bridge.create_user_emitter(ctx)
    await created.emit_agent_started({"agent_name": "digest"})


def no_context() -> AgentWebSocketBridge:
    return create_agent_websocket_bridge()
