"""Notifier after the call-site stage: every call now goes to the unified emitter."""

from __future__ import annotations

# Typed receivers (the call-site stage rewrote every annotation).
from target_emitter import UnifiedWebSocketEmitter


class RunNotifier:
    def __init__(self, user_context) -> None:
        # Imported here so tests can patch the factory on its home module.

        self.emitter = UnifiedWebSocketEmitter.from_context(user_context)

    async def started(self, agent_name: str) -> bool:
        return await self.emitter.emit_agent_started(agent_name=agent_name)
