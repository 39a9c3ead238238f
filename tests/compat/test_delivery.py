"""Through every shim, a complete agent run reaches the client once per event, in order, in
the one wire format."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import pytest

import compat
from compat.agent_instance_factory import AgentInstanceFactory, UserWebSocketEmitter
from compat.agent_websocket_bridge import AgentWebSocketBridge, create_agent_websocket_bridge
from compat.base_agent import BaseAgent
from compat.transparent_websocket_events import (
    TransparentWebSocketBridge,
    TransparentWebSocketEmitter,
)
from compat.unified_emitter import UnifiedWebSocketEmitter as OldEmitter
from compat.unified_emitter import WebSocketEmitterFactory
from target_emitter import RecordingManager, UnifiedWebSocketEmitter
from tests.emitter.schema_check import assert_wire_message

LIFECYCLE = [
    "agent_started",
    "agent_thinking",
    "tool_executing",
    "tool_completed",
    "agent_completed",
]
Run = Callable[[RecordingManager, SimpleNamespace], Awaitable[list[Any]]]


async def old_emitter_dicts(manager: RecordingManager, ctx: SimpleNamespace) -> list[Any]:
    e = OldEmitter(manager, ctx.user_id, ctx)
    return [
        await e.emit_agent_started({"agent_name": "triage", "timestamp": 1.0}),
        await e.emit_agent_thinking({"agent_name": "triage", "reasoning": "looking"}),
        await e.emit_tool_executing({"tool_name": "search", "parameters": {"q": "pw"}}),
        await e.emit_tool_completed({"tool_name": "search", "result": {"hits": 1}}),
        await e.emit_agent_completed({"agent_name": "triage", "result": {"answer": "ok"}}),
    ]


async def old_emitter_notify(manager: RecordingManager, ctx: SimpleNamespace) -> list[Any]:
    e = WebSocketEmitterFactory.create_scoped_emitter(manager, ctx)
    return [
        await e.notify_agent_started("triage"),
        await e.notify_agent_thinking("triage", thought="looking", step_number=1),
        await e.notify_tool_executing("search", metadata={"q": "pw"}),
        await e.notify_tool_completed("search", metadata={"hits": 1}),
        await e.notify_agent_completed("triage", result={"answer": "ok"}, execution_time_ms=3.5),
    ]


async def old_emitter_generic(manager: RecordingManager, ctx: SimpleNamespace) -> list[Any]:
    e = OldEmitter(manager, ctx.user_id, ctx)
    return [
        await e.emit("agent_started", {"agent_name": "triage"}),
        await e.emit("agent_thinking", {"reasoning": "looking"}),
        await e.emit("tool_executing", {"tool_name": "search"}),
        await e.emit("tool_completed", {"tool_name": "search", "result": [1]}),
        await e.emit("agent_completed", {"agent_name": "triage"}),
    ]


async def bridge_notify(manager: RecordingManager, ctx: SimpleNamespace) -> list[Any]:
    b = create_agent_websocket_bridge(ctx)
    return [
        await b.notify_agent_started("r1", "triage", {"question": "pw"}),
        await b.notify_agent_thinking("r1", "triage", "looking", 1, 20.0),
        await b.notify_tool_executing("r1", "triage", "search", {"q": "pw"}),
        await b.notify_tool_completed("r1", "triage", "search", {"hits": 1}, 12.5),
        await b.notify_agent_completed("r1", "triage", {"answer": "ok"}, 30.0),
    ]


async def bridge_generic(manager: RecordingManager, ctx: SimpleNamespace) -> list[Any]:
    b = AgentWebSocketBridge(ctx)
    return [
        await b.emit_agent_event("agent_started", {}, agent_name="triage"),
        await b.emit_agent_event("agent_thinking", {"reasoning": "looking"}, agent_name="triage"),
        await b.emit_agent_event("tool_executing", {"tool_name": "search"}, "r1", "triage"),
        await b.emit_agent_event("tool_completed", {"tool_name": "search"}, "r1", "triage"),
        await b.emit_agent_event("agent_completed", {"result": 1}, agent_name="triage"),
    ]


class Triage(BaseAgent):
    def __init__(self) -> None:
        super().__init__(name="triage")

    async def execute(self) -> list[Any]:
        return [
            await self.emit_agent_started("Triaging"),
            await self.emit_thinking("looking", step_number=1),
            await self.emit_tool_executing("search", {"q": "pw"}),
            await self.emit_tool_completed("search", {"hits": 1}),
            await self.emit_agent_completed({"answer": "ok"}),
        ]


async def agent_on_bridge(manager: RecordingManager, ctx: SimpleNamespace) -> list[Any]:
    agent = Triage()
    agent.set_websocket_bridge(create_agent_websocket_bridge(ctx), "r1")
    return await agent.execute()


async def agent_on_unified_emitter(manager: RecordingManager, ctx: SimpleNamespace) -> list[Any]:
    agent = Triage()
    emitter = UnifiedWebSocketEmitter(manager, ctx.user_id, thread_id=ctx.thread_id)
    agent.set_websocket_emitter(emitter.bind(run_id="r1"))
    return await agent.execute()


async def transparent(manager: RecordingManager, ctx: SimpleNamespace) -> list[Any]:
    t = TransparentWebSocketEmitter(ctx)
    return [
        await t.emit_agent_started("triage", "Answers questions"),
        await t.emit_agent_thinking("looking", 1),
        await t.emit_tool_executing("search", "Full-text search"),
        await t.emit_tool_completed("search", {"hits": 1}),
        await t.emit_agent_completed({"answer": "ok"}, 30.0),
    ]


async def transparent_bridge(manager: RecordingManager, ctx: SimpleNamespace) -> list[Any]:
    t = TransparentWebSocketBridge(ctx)
    return [
        await t.emit_agent_started("triage"),
        await t.emit_agent_thinking("looking"),
        await t.emit_tool_executing("search"),
        await t.emit_tool_completed("search", None),
        await t.emit_agent_completed(None),
    ]


async def factory_emitter(manager: RecordingManager, ctx: SimpleNamespace) -> list[Any]:
    factory = AgentInstanceFactory(create_agent_websocket_bridge(ctx))
    e = factory._create_emitter(ctx.user_id, ctx.thread_id, ctx.run_id)
    return [
        await e.notify_agent_started("triage", {"question": "pw"}),
        await e.notify_agent_thinking("triage", "looking", 1, 50.0),
        await e.notify_tool_executing("triage", "search", {"q": "pw"}),
        await e.notify_tool_completed("triage", "search", {"hits": 1}, 2.0),
        await e.notify_agent_completed("triage", {"answer": "ok"}, 30.0),
    ]


async def factory_emitter_on_legacy_bridge(
    manager: RecordingManager, ctx: SimpleNamespace
) -> list[Any]:
    legacy_bridge = object()  # not unified: the shim sends through the default manager
    e = UserWebSocketEmitter(ctx.user_id, ctx.thread_id, ctx.run_id, legacy_bridge)
    return [
        await e.notify_agent_started("triage"),
        await e.notify_agent_thinking("triage", "looking"),
        await e.notify_tool_executing("triage", "search"),
        await e.notify_tool_completed("triage", "search"),
        await e.notify_agent_completed("triage"),
    ]


RUNS: dict[str, tuple[Run, Any]] = {
    "old unified emit_*(data)": (old_emitter_dicts, None),
    "old unified notify_*": (old_emitter_notify, None),
    "old unified emit(event_type, data)": (old_emitter_generic, None),
    "bridge notify_*": (bridge_notify, True),
    "bridge emit_agent_event": (bridge_generic, True),
    "BaseAgent on a compat bridge": (agent_on_bridge, None),
    "BaseAgent on a unified emitter": (agent_on_unified_emitter, None),
    "TransparentWebSocketEmitter": (transparent, None),
    "TransparentWebSocketBridge": (transparent_bridge, None),
    "factory UserWebSocketEmitter": (factory_emitter, True),
    "factory UserWebSocketEmitter, legacy bridge": (factory_emitter_on_legacy_bridge, True),
}


@pytest.mark.parametrize("name", list(RUNS))
def test_a_complete_agent_run_arrives_once_per_event_in_order_and_in_the_wire_format(
    name: str, manager: RecordingManager, context: SimpleNamespace, quiet: None
) -> None:
    run, legacy_result = RUNS[name]
    results = asyncio.run(run(manager, context))

    assert results == [legacy_result] * 5
    messages = [message for _, message in manager.sent]
    assert [user for user, _ in manager.sent] == ["u1"] * 5
    assert [m["type"] for m in messages] == LIFECYCLE
    assert [m["seq"] for m in messages] == [1, 2, 3, 4, 5]
    for message in messages:
        assert_wire_message(message)
        assert (message["user_id"], message["thread_id"], message["run_id"]) == ("u1", "t1", "r1")
    assert messages[0]["agent_name"] == messages[-1]["agent_name"] == "triage"
    assert messages[2]["payload"]["tool_name"] == messages[3]["payload"]["tool_name"] == "search"


def test_legacy_arguments_land_in_the_unified_payload(
    manager: RecordingManager, context: SimpleNamespace, quiet: None
) -> None:
    asyncio.run(bridge_notify(manager, context))
    payloads = [message["payload"] for _, message in manager.sent]

    assert payloads == [
        {"context": {"question": "pw"}},
        {"reasoning": "looking", "step_number": 1, "progress_percentage": 20.0},
        {"tool_name": "search", "parameters": {"q": "pw"}},
        {"tool_name": "search", "result": {"hits": 1}, "execution_time_ms": 12.5},
        {"result": {"answer": "ok"}, "execution_time_ms": 30.0},
    ]


def test_transparent_service_events_become_custom_events(
    manager: RecordingManager, context: SimpleNamespace, quiet: None
) -> None:
    t = TransparentWebSocketBridge(context)

    async def report() -> None:
        await t.emit_service_initializing("search", ["load index"], 3.0)
        await t.emit_service_ready("search", initialization_time_ms=12.0)
        await t.emit_service_degraded("search", "index rebuilding", ["keyword match"])
        await t.emit_service_unavailable("billing", "down", is_critical=True)
        await t.emit_service_recovered("billing", 1500.0)
        await t.emit_system_status("degraded", {"search": "degraded"}, True, ["search"])
        await t.emit_user_queue_position(3)

    asyncio.run(report())
    messages = [message for _, message in manager.sent]

    assert [m["type"] for m in messages] == [
        "service_initializing",
        "service_ready",
        "service_degraded",
        "service_unavailable",
        "service_recovered",
        "system_status",
        "user_queue_position",
    ]
    for message in messages:
        assert_wire_message(message)
    assert messages[2]["payload"] == {
        "service_name": "search",
        "reason": "index rebuilding",
        "fallback_options": ["keyword match"],
        "performance_impact": None,
    }
    assert messages[3]["payload"]["is_critical"] is True
    assert messages[6]["payload"] == {
        "position": 3,
        "estimated_wait_time_seconds": None,
        "queue_type": "standard",
    }


SHIMS: dict[str, Callable[[RecordingManager, SimpleNamespace], UnifiedWebSocketEmitter]] = {
    "old unified": lambda m, ctx: OldEmitter(m, ctx.user_id, ctx),
    "bridge": lambda m, ctx: AgentWebSocketBridge(ctx),
    "transparent": lambda m, ctx: TransparentWebSocketEmitter(ctx),
    "factory emitter": lambda m, ctx: UserWebSocketEmitter(ctx.user_id, "t1", "r1", object()),
}


@pytest.mark.parametrize("name", list(SHIMS))
def test_a_shim_takes_the_unified_keyword_calls_without_warning(
    name: str, manager: RecordingManager, context: SimpleNamespace, quiet: None
) -> None:
    shim = SHIMS[name](manager, context)
    assert isinstance(shim, UnifiedWebSocketEmitter)
    compat.reset_usage()

    async def run() -> list[bool]:
        return [
            await shim.emit_agent_started(agent_name="triage", context={"q": 1}),
            await shim.emit_agent_thinking(reasoning="looking", agent_name="triage"),
            await shim.emit_tool_executing(tool_name="search", parameters={"q": 1}),
            await shim.emit_tool_completed(tool_name="search", result={"hits": 1}),
            await shim.emit_agent_completed(agent_name="triage", run_id="r2"),
            await shim.emit_custom("subagent_started", {"subagent_name": "kb"}),
        ]

    with warnings.catch_warnings():
        warnings.simplefilter("error", compat.EmitterMigrationWarning)
        results = asyncio.run(run())

    assert results == [True] * 6
    assert compat.usage_snapshot()["total"] == 0
    messages = [message for _, message in manager.sent]
    assert [m["type"] for m in messages] == [*LIFECYCLE, "subagent_started"]
    assert messages[4]["run_id"] == "r2"
    assert messages[0]["payload"] == {"context": {"q": 1}}
