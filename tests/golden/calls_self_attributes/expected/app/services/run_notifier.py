"""Keeps a user's UI informed while a background run works on their ticket."""

from __future__ import annotations

from typing import Any

from target_emitter import UnifiedWebSocketEmitter


class RunNotifier:
    def __init__(self, user_context: Any) -> None:
        self.user_context = user_context
        self.bridge = UnifiedWebSocketEmitter.from_context(context=user_context)

    async def started(self, run_id: str, agent_name: str) -> bool:
        return await self.bridge.emit_agent_started(run_id=run_id, agent_name=agent_name)

    async def running_tool(self, run_id: str, agent_name: str, tool: str, params: dict[str, Any]) -> bool:
        return await self.bridge.emit_tool_executing(
            run_id=run_id,
            agent_name=agent_name,
            tool_name=tool,
            parameters=params,
        )


class Escalation:
    def __init__(self, bridge: UnifiedWebSocketEmitter, specialist: str = "human") -> None:
        self.bridge = bridge
        self.specialist = specialist

    async def escalate(self, run_id: str) -> bool:
        return await self.bridge.emit_agent_completed(
            run_id=run_id,
            agent_name=self.specialist,
            execution_time_ms=0,
        )
