"""Hooks whose receivers are only known at runtime (post stage 1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compat.agent_websocket_bridge import AgentWebSocketBridge, create_agent_websocket_bridge
from compat.base_agent import BaseAgent


@dataclass
class HookContext:
    run_id: str
    websocket_bridge: Any


class Metrics:
    async def emit_progress(self, content: str) -> None:
        """Not an emitter: a name that happens to match a BaseAgent method."""


async def announce(context: HookContext, agent_name: str) -> bool:
    return await context.websocket_bridge.notify_agent_started(context.run_id, agent_name)


async def fan_out(bridges: list[AgentWebSocketBridge], run_id: str) -> None:
    await bridges[0].notify_agent_completed(run_id, "fan")


async def swap(ctx: Any, other: Any, run_id: str) -> None:
    bridge = create_agent_websocket_bridge(ctx)
    if other is not None:
        bridge = other
    await bridge.notify_agent_started(run_id, "swap")


class LoudAgent(BaseAgent):
    async def emit_agent_started(self, message: str | None = None) -> None:
        await super().emit_agent_started(message)


async def report(metrics: Metrics) -> None:
    await metrics.emit_progress("50%")


class Mirror:
    def attach(self, bridge: AgentWebSocketBridge) -> None:
        self.backup = bridge

    async def mirror(self, run_id: str, agent_name: str) -> bool:
        return await self.backup.notify_agent_started(run_id, agent_name)
