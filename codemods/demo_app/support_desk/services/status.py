"""Tells a user which help-desk services are up before their request is handled."""

from __future__ import annotations

from netra_backend.app.services.user_execution_context import UserExecutionContext
from netra_backend.app.services.websocket.transparent_websocket_events import (
    TransparentWebSocketEmitter as StatusEmitter,
)


class ServiceStatusReporter:
    def __init__(self, context: UserExecutionContext) -> None:
        self.events = StatusEmitter(context)

    async def report(self, search_index_ready: bool) -> None:
        await self.events.emit_agent_started("status", "Checks the help-desk services")
        await self.events.emit_service_ready("knowledge_base", initialization_time_ms=12.0)
        if not search_index_ready:
            await self.events.emit_service_degraded(
                "search", "index is rebuilding", fallback_options=["keyword match"]
            )
