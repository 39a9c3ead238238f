"""BaseAgent: every agent emits its progress through a bridge adapter bound to its run."""

from __future__ import annotations

from typing import Any


class WebSocketBridgeAdapter:
    """Holds the bridge, run_id and agent name so agents emit without passing them."""

    def __init__(self) -> None:
        self._bridge: Any = None
        self._run_id: str | None = None
        self._agent_name: str | None = None

    def set_websocket_bridge(self, bridge: Any, run_id: str, agent_name: str) -> None:
        self._bridge, self._run_id, self._agent_name = bridge, run_id, agent_name

    async def call(self, method: str, *args: Any, **kwargs: Any) -> None:
        # Agents run fine without a UI attached; events are simply not sent.
        if self._bridge is None:
            return
        await getattr(self._bridge, method)(self._run_id, self._agent_name, *args, **kwargs)


class BaseAgent:
    def __init__(self, name: str | None = None, description: str = "") -> None:
        self.name = name or type(self).__name__
        self.description = description
        self._websocket_adapter = WebSocketBridgeAdapter()

    def set_websocket_bridge(self, bridge: Any, run_id: str) -> None:
        self._websocket_adapter.set_websocket_bridge(bridge, run_id, self.name)

    async def emit_agent_started(self, message: str | None = None) -> None:
        context = {"message": message} if message else None
        await self._websocket_adapter.call("notify_agent_started", context)

    async def emit_thinking(
        self, thought: str, step_number: int | None = None, context: Any = None
    ) -> None:
        await self._websocket_adapter.call("notify_agent_thinking", thought, step_number)

    async def emit_tool_executing(self, tool_name: str, parameters: Any = None) -> None:
        await self._websocket_adapter.call("notify_tool_executing", tool_name, parameters)

    async def emit_tool_started(self, tool_name: str, parameters: Any = None) -> None:
        await self.emit_tool_executing(tool_name, parameters)

    async def emit_tool_completed(self, tool_name: str, result: Any = None) -> None:
        await self._websocket_adapter.call("notify_tool_completed", tool_name, result)

    async def emit_agent_completed(self, result: Any = None, context: Any = None) -> None:
        await self._websocket_adapter.call("notify_agent_completed", result)

    async def emit_progress(self, content: str, is_complete: bool = False) -> None:
        progress = {"content": content, "is_complete": is_complete}
        await self._websocket_adapter.call("notify_progress_update", progress)

    async def emit_error(
        self, error_message: str, error_type: str | None = None, error_details: Any = None
    ) -> None:
        error_context = {"error_type": error_type, "details": error_details}
        await self._websocket_adapter.call("notify_agent_error", error_message, error_context)

    async def emit_subagent_started(
        self, subagent_name: str, subagent_id: str | None = None
    ) -> None:
        data = {"subagent_name": subagent_name, "subagent_id": subagent_id}
        await self._websocket_adapter.call("notify_custom", "subagent_started", data)

    async def emit_subagent_completed(
        self,
        subagent_name: str,
        subagent_id: str | None = None,
        result: Any = None,
        duration_ms: float = 0,
    ) -> None:
        data = {
            "subagent_name": subagent_name,
            "subagent_id": subagent_id,
            "result": result,
            "duration_ms": duration_ms,
        }
        await self._websocket_adapter.call("notify_custom", "subagent_completed", data)
