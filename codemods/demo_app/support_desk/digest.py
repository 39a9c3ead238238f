"""Daily digest of a user's open tickets."""

from __future__ import annotations

from netra_backend.app.services.user_execution_context import UserExecutionContext
from netra_backend.app.websocket_core import (
    UnifiedWebSocketEmitter,
    get_websocket_manager,
)


async def send_daily_digest(context: UserExecutionContext, open_tickets: list[str]) -> int:
    emitter = UnifiedWebSocketEmitter(get_websocket_manager(), context.user_id, context)
    await emitter.notify_agent_started("digest")
    await emitter.notify_agent_completed("digest", result={"open_tickets": len(open_tickets)})
    return len(open_tickets)
