"""Tells the user what a background run is doing."""

from target_emitter import UnifiedWebSocketEmitter


class Notifier:
    def __init__(self, bridge: UnifiedWebSocketEmitter) -> None:
        self.bridge = bridge

    async def tool_started(self, run_id: str, tool: str) -> None:
        # positional legacy call: becomes keywords
        await self.bridge.emit_tool_executing(
            run_id=run_id,
            agent_name="notifier",
            tool_name=tool,
            parameters={"query": tool},
        )

    async def finished(self, run_id: str) -> bool:
        return await self.bridge.emit_agent_completed(
            run_id=run_id,
            agent_name="notifier",
            result={"ok": True},
        )
