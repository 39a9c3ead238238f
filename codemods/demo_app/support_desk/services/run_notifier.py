"""Keeps a user's UI informed while a background agent run works on their ticket."""

from __future__ import annotations

from typing import Any

from netra_backend.app.services.user_execution_context import UserExecutionContext


class RunNotifier:
    def __init__(self, user_context: UserExecutionContext) -> None:
        # Imported here so tests can patch the factory on its home module.
        from netra_backend.app.services.agent_websocket_bridge import (
            create_agent_websocket_bridge,
        )

        self.user_context = user_context
        self.bridge = create_agent_websocket_bridge(user_context)

    async def started(self, run_id: str, agent_name: str) -> bool:
        return await self.bridge.notify_agent_started(run_id, agent_name)

    async def reviewing_history(self, run_id: str, agent_name: str) -> bool:
        return await self.bridge.emit_agent_event(
            "agent_thinking",
            {"reasoning": "Reviewing the ticket history"},
            run_id=run_id,
            agent_name=agent_name,
        )

    async def running_tool(
        self, run_id: str, agent_name: str, tool: str, params: dict[str, Any]
    ) -> bool:
        return await self.bridge.notify_tool_executing(run_id, agent_name, tool, params)

    async def finished(
        self, run_id: str, agent_name: str, result: dict[str, Any], elapsed_ms: float
    ) -> bool:
        return await self.bridge.notify_agent_completed(
            run_id, agent_name, result=result, execution_time_ms=elapsed_ms
        )
