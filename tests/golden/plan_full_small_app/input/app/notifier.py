"""Tells the user what a background run is doing."""

from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge


class Notifier:
    def __init__(self, bridge: AgentWebSocketBridge) -> None:
        self.bridge = bridge

    async def tool_started(self, run_id: str, tool: str) -> None:
        # positional legacy call: becomes keywords
        await self.bridge.notify_tool_executing(run_id, "notifier", tool, {"query": tool})

    async def finished(self, run_id: str) -> bool:
        return await self.bridge.notify_agent_completed(run_id, "notifier", result={"ok": True})
