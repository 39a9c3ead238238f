"""One run reported on many paths at once (post stage 1)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from target_emitter import UnifiedWebSocketEmitter


async def report(bridge: UnifiedWebSocketEmitter, run_id: str, quiet: bool) -> list[bool]:
    started, thinking = await asyncio.gather(
        bridge.emit_agent_started(run_id=run_id, agent_name="fan"),
        bridge.emit_agent_thinking(
            run_id=run_id,
            agent_name="fan",
            reasoning="splitting the work",
        ),
    )
    task = asyncio.create_task(bridge.emit_tool_executing(run_id=run_id, agent_name="fan", tool_name="split"))
    later: Callable[[], Awaitable[bool]] = lambda: bridge.emit_tool_completed(
        run_id=run_id,
        agent_name="fan",
        tool_name="split",
    )
    pending = [bridge.emit_progress(run_id=run_id, agent_name="fan", progress={"done": 1})]
    done = await (bridge.emit_agent_completed(run_id=run_id, agent_name="fan") if not quiet else asyncio.sleep(0, True))
    return [started, thinking, await task, await later(), *(await asyncio.gather(*pending)), done]


def error_reporter(bridge: UnifiedWebSocketEmitter, run_id: str) -> Awaitable[bool]:
    return bridge.emit_agent_error(run_id=run_id, agent_name="fan", error="boom")
