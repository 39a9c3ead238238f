"""Daily digest of a user's open tickets (post stage 1)."""

from __future__ import annotations

from typing import Any

from compat.unified_emitter import UnifiedWebSocketEmitter
import target_emitter


def legacy_emitter(manager: Any, user_id: str) -> target_emitter.UnifiedWebSocketEmitter:
    return UnifiedWebSocketEmitter(manager, user_id)


async def send_daily_digest(manager: Any, context: Any, open_tickets: list[str]) -> int:
    emitter = target_emitter.UnifiedWebSocketEmitter.from_context(
        manager=manager,
        user_id=context.user_id,
        context=context,
    )
    await emitter.emit_agent_started(agent_name="digest")
    await emitter.emit_agent_completed(
        agent_name="digest",
        result={"open_tickets": len(open_tickets)},
    )
    return len(open_tickets)
