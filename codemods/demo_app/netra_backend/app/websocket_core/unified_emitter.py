"""The old "unified" emitter: one dict per event, sent as a critical event per user."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def _compact(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


class UnifiedWebSocketEmitter:
    def __init__(self, manager: Any, user_id: str, context: Any = None) -> None:
        self.manager = manager
        self.user_id = user_id
        self.context = context

    async def emit(self, event_type: str, data: dict[str, Any]) -> None:
        payload = dict(data)
        if self.context is not None:
            payload.setdefault("run_id", self.context.run_id)
            payload.setdefault("thread_id", self.context.thread_id)
        try:
            await self.manager.emit_critical_event(
                user_id=self.user_id, event_type=event_type, data=payload
            )
        except Exception:
            # Emitting is best effort: a dead socket must not fail the agent run.
            logger.exception("failed to emit %s for user %s", event_type, self.user_id)

    async def emit_agent_started(self, data: dict[str, Any]) -> None:
        await self.emit("agent_started", data)

    async def emit_agent_thinking(self, data: dict[str, Any]) -> None:
        await self.emit("agent_thinking", data)

    async def emit_tool_executing(self, data: dict[str, Any]) -> None:
        await self.emit("tool_executing", data)

    async def emit_tool_completed(self, data: dict[str, Any]) -> None:
        await self.emit("tool_completed", data)

    async def emit_agent_completed(self, data: dict[str, Any]) -> None:
        await self.emit("agent_completed", data)

    # Compatibility methods kept for callers of the even older notify_* API.
    async def notify_agent_started(
        self, agent_name: str, metadata: dict[str, Any] | None = None, context: Any = None
    ) -> None:
        await self.emit(
            "agent_started",
            {**(metadata or {}), **_compact(agent_name=agent_name, context=context)},
        )

    async def notify_agent_thinking(
        self,
        agent_name: str | None = None,
        reasoning: str | None = None,
        thought: str | None = None,
        step_number: int | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        fields = _compact(
            agent_name=agent_name, reasoning=reasoning or thought, step_number=step_number
        )
        await self.emit("agent_thinking", {**(metadata or {}), **fields})

    async def notify_tool_executing(
        self, tool_name: str, metadata: dict[str, Any] | None = None
    ) -> None:
        await self.emit("tool_executing", {**(metadata or {}), "tool_name": tool_name})

    async def notify_tool_completed(
        self, tool_name: str, metadata: dict[str, Any] | None = None
    ) -> None:
        await self.emit("tool_completed", {**(metadata or {}), "tool_name": tool_name})

    async def notify_agent_completed(
        self,
        agent_name: str,
        metadata: dict[str, Any] | None = None,
        result: Any = None,
        execution_time_ms: float | None = None,
    ) -> None:
        fields = _compact(agent_name=agent_name, result=result, execution_time_ms=execution_time_ms)
        await self.emit("agent_completed", {**(metadata or {}), **fields})

    async def notify_agent_error(self, error: Any, **kwargs: Any) -> None:
        await self.emit("agent_error", {**kwargs, "error": str(error)})

    async def notify_progress_update(self, progress: Any, message: str = "", **kwargs: Any) -> None:
        await self.emit("progress_update", {**kwargs, "progress": progress, "message": message})

    async def notify_custom(self, event_type: str, data: dict[str, Any]) -> None:
        await self.emit(event_type, data)


# Names earlier refactors gave the same class; callers still import them.
WebSocketEventEmitter = UnifiedWebSocketEmitter
UserWebSocketEmitter = UnifiedWebSocketEmitter
IsolatedWebSocketEventEmitter = UnifiedWebSocketEmitter


class WebSocketEmitterFactory:
    @staticmethod
    def create_emitter(manager: Any, user_id: str, context: Any = None) -> UnifiedWebSocketEmitter:
        return UnifiedWebSocketEmitter(manager, user_id, context)

    @staticmethod
    def create_scoped_emitter(manager: Any, context: Any) -> UnifiedWebSocketEmitter:
        return UnifiedWebSocketEmitter(manager, context.user_id, context)


class WebSocketEmitterPool:
    """Reuses one emitter per user so hot paths do not rebuild them."""

    def __init__(self, manager: Any) -> None:
        self.manager = manager
        self._emitters: dict[str, UnifiedWebSocketEmitter] = {}

    def acquire(self, user_id: str, context: Any = None) -> UnifiedWebSocketEmitter:
        emitter = self._emitters.get(user_id)
        if emitter is None:
            emitter = self._emitters[user_id] = UnifiedWebSocketEmitter(self.manager, user_id)
        emitter.context = context
        return emitter

    def release(self, user_id: str) -> None:
        self._emitters.pop(user_id, None)
