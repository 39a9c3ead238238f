"""Hand a conversation from one agent to another (post stage 1)."""

from __future__ import annotations

import logging

from compat.agent_instance_factory import UserWebSocketEmitter

logger = logging.getLogger(__name__)


async def hand_off(emitter: UserWebSocketEmitter, from_agent: str, to_agent: str) -> bool:
    await emitter.emit_agent_started(agent_name=to_agent)
    try:
        await emitter.notify_agent_thinking(from_agent, f"Handing over to {to_agent}")
    except (ConnectionError, RuntimeError):
        logger.warning("UI not told about the hand-off")
        return False
    try:
        await emitter.notify_agent_completed(from_agent)
    except:  # noqa: E722
        return False
    try:
        total = 1 / 1
    except ZeroDivisionError:
        total = 0
    await emitter.emit_tool_completed(
        agent_name=to_agent,
        tool_name="handoff",
        result={"total": total},
    )
    return True
