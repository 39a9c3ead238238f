"""Annotated receivers in every form (post stage 1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from target_emitter import UnifiedWebSocketEmitter


async def announce(bridge: UnifiedWebSocketEmitter, run_id: str) -> bool:
    return await bridge.emit_agent_started(run_id=run_id, agent_name="status")


async def maybe(run_id: str, bridge: Optional[UnifiedWebSocketEmitter] = None) -> None:
    if bridge is not None:
        await bridge.emit_agent_thinking(
            run_id=run_id,
            agent_name="status",
            reasoning="checking",
            step_number=1,
        )


async def union(bridge: UnifiedWebSocketEmitter | None, run_id: str) -> None:
    if bridge:
        await bridge.emit_agent_error(
            run_id=run_id,
            agent_name="status",
            error="index down",
            error_context={"retry": True},
        )


async def forward(events: "UnifiedWebSocketEmitter", thought: str) -> None:
    await events.emit_agent_thinking(reasoning=thought)


async def later(registry: dict[str, object], run_id: str) -> None:
    chosen: UnifiedWebSocketEmitter = registry["bridge"]  # type: ignore[assignment]
    await chosen.emit_agent_completed(run_id=run_id, agent_name="status", result={"ok": True})
