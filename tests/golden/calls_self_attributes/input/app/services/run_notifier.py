"""Keeps a user's UI informed while a background run works on their ticket."""

from __future__ import annotations

from typing import Any

from netra_backend.app.services.agent_websocket_bridge import (
    AgentWebSocketBridge,
    create_agent_websocket_bridge,
)


class RunNotifier:
    def __init__(self, user_context: Any) -> None:
        self.user_context = user_context
        self.bridge = create_agent_websocket_bridge(user_context)

    async def started(self, run_id: str, agent_name: str) -> bool:
        return await self.bridge.notify_agent_started(run_id, agent_name)

    async def running_tool(self, run_id: str, agent_name: str, tool: str, params: dict[str, Any]) -> bool:
        return await self.bridge.notify_tool_executing(run_id, agent_name, tool, params)


class Escalation:
    def __init__(self, bridge: AgentWebSocketBridge, specialist: str = "human") -> None:
        self.bridge = bridge
        self.specialist = specialist

    async def escalate(self, run_id: str) -> bool:
        return await self.bridge.notify_agent_completed(run_id, self.specialist, execution_time_ms=0)
