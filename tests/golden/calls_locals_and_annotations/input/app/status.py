"""Annotated receivers in every form (post stage 1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from compat.agent_websocket_bridge import AgentWebSocketBridge
    from compat.transparent_websocket_events import TransparentWebSocketBridge


async def announce(bridge: AgentWebSocketBridge, run_id: str) -> bool:
    return await bridge.notify_agent_started(run_id, "status")


async def maybe(run_id: str, bridge: Optional[AgentWebSocketBridge] = None) -> None:
    if bridge is not None:
        await bridge.notify_agent_thinking(run_id, "status", "checking", step_number=1)


async def union(bridge: AgentWebSocketBridge | None, run_id: str) -> None:
    if bridge:
        await bridge.notify_agent_error(run_id, "status", "index down", {"retry": True})


async def forward(events: "TransparentWebSocketBridge", thought: str) -> None:
    await events.emit_agent_thinking(thought)


async def later(registry: dict[str, object], run_id: str) -> None:
    chosen: AgentWebSocketBridge = registry["bridge"]  # type: ignore[assignment]
    await chosen.notify_agent_completed(run_id, "status", result={"ok": True})
