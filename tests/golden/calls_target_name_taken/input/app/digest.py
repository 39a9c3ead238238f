"""Daily digest of a user's open tickets (post stage 1)."""

from __future__ import annotations

from typing import Any

from compat.unified_emitter import UnifiedWebSocketEmitter


def legacy_emitter(manager: Any, user_id: str) -> UnifiedWebSocketEmitter:
    return UnifiedWebSocketEmitter(manager, user_id)


async def send_daily_digest(manager: Any, context: Any, open_tickets: list[str]) -> int:
    emitter = UnifiedWebSocketEmitter(manager, context.user_id, context)
    await emitter.notify_agent_started("digest")
    await emitter.notify_agent_completed("digest", result={"open_tickets": len(open_tickets)})
    return len(open_tickets)
