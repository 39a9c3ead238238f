"""One run reported on many paths at once (post stage 1)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from compat.agent_websocket_bridge import AgentWebSocketBridge


async def report(bridge: AgentWebSocketBridge, run_id: str, quiet: bool) -> list[bool]:
    started, thinking = await asyncio.gather(
        bridge.notify_agent_started(run_id, "fan"),
        bridge.notify_agent_thinking(run_id, "fan", "splitting the work"),
    )
    task = asyncio.create_task(bridge.notify_tool_executing(run_id, "fan", "split"))
    later: Callable[[], Awaitable[bool]] = lambda: bridge.notify_tool_completed(run_id, "fan", "split")
    pending = [bridge.notify_progress_update(run_id, "fan", {"done": 1})]
    done = await (bridge.notify_agent_completed(run_id, "fan") if not quiet else asyncio.sleep(0, True))
    return [started, thinking, await task, await later(), *(await asyncio.gather(*pending)), done]


def error_reporter(bridge: AgentWebSocketBridge, run_id: str) -> Awaitable[bool]:
    return bridge.notify_agent_error(run_id, "fan", "boom")
