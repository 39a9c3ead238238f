"""Daily digest of a user's open tickets."""

from __future__ import annotations

import logging

from netra_backend.app.services.user_execution_context import UserExecutionContext
from compat.unified_emitter import UnifiedWebSocketEmitter
from netra_backend.app.websocket_core import websocket_manager

log = logging.getLogger(__name__)


async def send(context: UserExecutionContext) -> None:
    emitter = UnifiedWebSocketEmitter(websocket_manager.current(), context.user_id, context)
    await emitter.notify_agent_started("digest")
