"""A receiver the tool cannot type: reported, never rewritten."""


async def relay(context, run_id: str) -> None:
    await context.websocket_bridge.notify_tool_executing(run_id, "relay", "forward")
