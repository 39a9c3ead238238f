"""Transparency events: flat messages telling a user what the agents and services are doing."""

from __future__ import annotations

import logging
import time
from typing import Any

from netra_backend.app.websocket_core.websocket_manager import get_websocket_manager

logger = logging.getLogger(__name__)


class TransparentWebSocketEmitter:
    def __init__(self, context: Any) -> None:
        self.context = context

    async def _emit(self, event_type: str, **fields: Any) -> None:
        manager = get_websocket_manager()
        if manager is None:
            logger.warning("no websocket manager; dropped %s", event_type)
            return
        message = {
            "type": event_type,
            "user_id": self.context.user_id,
            "request_id": self.context.request_id,
            "timestamp": time.time(),
            **{key: value for key, value in fields.items() if value is not None},
            "metadata": {"user_tier": getattr(self.context, "user_tier", "free")},
        }
        try:
            await manager.send_to_user(self.context.user_id, message)
        except Exception:
            logger.exception("failed to emit %s", event_type)

    async def emit_agent_started(
        self, agent_name: str, agent_description: str | None = None
    ) -> None:
        await self._emit(
            "agent_started", agent_name=agent_name, agent_description=agent_description
        )

    async def emit_agent_thinking(self, thought: str, step_number: int | None = None) -> None:
        await self._emit("agent_thinking", thought=thought, step_number=step_number)

    async def emit_tool_executing(
        self, tool_name: str, tool_description: str | None = None
    ) -> None:
        await self._emit("tool_executing", tool_name=tool_name, tool_description=tool_description)

    async def emit_tool_completed(self, tool_name: str, result: Any) -> None:
        await self._emit("tool_completed", tool_name=tool_name, result=result)

    async def emit_agent_completed(
        self, result: Any, execution_time_ms: float | None = None
    ) -> None:
        await self._emit("agent_completed", result=result, execution_time_ms=execution_time_ms)

    async def emit_service_initializing(
        self,
        service_name: str,
        initialization_steps: list[str] | None = None,
        estimated_time_seconds: float | None = None,
    ) -> None:
        await self._emit(
            "service_initializing",
            service_name=service_name,
            initialization_steps=initialization_steps,
            estimated_time_seconds=estimated_time_seconds,
        )

    async def emit_service_ready(
        self,
        service_name: str,
        initialization_time_ms: float | None = None,
        service_metadata: dict[str, Any] | None = None,
    ) -> None:
        await self._emit(
            "service_ready",
            service_name=service_name,
            initialization_time_ms=initialization_time_ms,
            service_metadata=service_metadata,
        )

    async def emit_service_degraded(
        self,
        service_name: str,
        reason: str,
        fallback_options: list[str] | None = None,
        performance_impact: str | None = None,
    ) -> None:
        await self._emit(
            "service_degraded",
            service_name=service_name,
            reason=reason,
            fallback_options=fallback_options,
            performance_impact=performance_impact,
        )

    async def emit_service_unavailable(
        self,
        service_name: str,
        reason: str,
        estimated_recovery_seconds: float | None = None,
        alternatives: list[str] | None = None,
        is_critical: bool = False,
    ) -> None:
        await self._emit(
            "service_unavailable",
            service_name=service_name,
            reason=reason,
            estimated_recovery_seconds=estimated_recovery_seconds,
            alternatives=alternatives,
            is_critical=is_critical,
        )

    async def emit_service_recovered(
        self, service_name: str, recovery_time_ms: float | None = None
    ) -> None:
        await self._emit(
            "service_recovered", service_name=service_name, recovery_time_ms=recovery_time_ms
        )

    async def emit_system_status(
        self,
        overall_status: str,
        service_statuses: dict[str, str],
        can_process_requests: bool,
        degraded_services: list[str] | None = None,
    ) -> None:
        await self._emit(
            "system_status",
            overall_status=overall_status,
            service_statuses=service_statuses,
            can_process_requests=can_process_requests,
            degraded_services=degraded_services,
        )

    async def emit_user_queue_position(
        self,
        position: int,
        estimated_wait_time_seconds: float | None = None,
        queue_type: str = "standard",
    ) -> None:
        await self._emit(
            "user_queue_position",
            position=position,
            estimated_wait_time_seconds=estimated_wait_time_seconds,
            queue_type=queue_type,
        )


class TransparentWebSocketBridge(TransparentWebSocketEmitter):
    """The older facade over the same events, with the optional details dropped."""

    async def emit_agent_started(self, agent_name: str) -> None:  # type: ignore[override]
        await self._emit("agent_started", agent_name=agent_name)

    async def emit_tool_executing(self, tool_name: str) -> None:  # type: ignore[override]
        await self._emit("tool_executing", tool_name=tool_name)

    async def emit_service_ready(self, service_name: str) -> None:  # type: ignore[override]
        await self._emit("service_ready", service_name=service_name)

    async def emit_service_degraded(self, service_name: str, reason: str) -> None:  # type: ignore[override]
        await self._emit("service_degraded", service_name=service_name, reason=reason)
