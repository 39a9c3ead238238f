"""The emitter's API: events on the wire, defaults, bind, from_context, programmer errors."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

import target_emitter
from target_emitter import (
    WIRE_KEYS,
    EmitterMetrics,
    RecordingManager,
    RetryPolicy,
    UnifiedWebSocketEmitter,
    get_default_manager,
    set_default_manager,
)
from tests.emitter.fakes import ScriptedManager
from tests.emitter.schema_check import assert_wire_message


@pytest.fixture(autouse=True)
def _no_default_manager() -> Iterator[None]:
    set_default_manager(None)
    yield
    set_default_manager(None)


def _wire(message: dict[str, Any]) -> dict[str, Any]:
    """What a client receives: the message after a JSON round trip."""
    return json.loads(json.dumps(message))


async def _agent_run(emitter: UnifiedWebSocketEmitter) -> list[bool]:
    return [
        await emitter.emit_agent_started(agent_name="triage", context={"q": "why"}),
        await emitter.emit_agent_thinking(reasoning="look it up", step_number=1),
        await emitter.emit_tool_executing(tool_name="search", parameters={"q": "why"}),
        await emitter.emit_tool_completed(
            tool_name="search", result={"hits": 2}, execution_time_ms=3.5
        ),
        await emitter.emit_agent_completed(
            agent_name="triage", result={"answer": 42}, execution_time_ms=9.0
        ),
    ]


def test_a_complete_agent_run_arrives_once_each_in_order_and_valid() -> None:
    manager = RecordingManager()
    emitter = UnifiedWebSocketEmitter(manager, "u1", thread_id="t1", run_id="r1")

    outcomes = asyncio.run(_agent_run(emitter))

    assert outcomes == [True] * 5
    messages = [_wire(m) for m in manager.messages_for("u1")]
    assert [m["type"] for m in messages] == [
        "agent_started",
        "agent_thinking",
        "tool_executing",
        "tool_completed",
        "agent_completed",
    ]
    assert [m["seq"] for m in messages] == [1, 2, 3, 4, 5]
    assert {(m["user_id"], m["thread_id"], m["run_id"]) for m in messages} == {("u1", "t1", "r1")}
    assert [uid for uid, _ in manager.sent] == ["u1"] * 5
    for message in messages:
        assert_wire_message(message)
    assert messages[3]["payload"] == {
        "tool_name": "search",
        "result": {"hits": 2},
        "execution_time_ms": 3.5,
    }
    assert messages[0]["agent_name"] == messages[4]["agent_name"] == "triage"


@pytest.mark.parametrize(
    ("method", "kwargs", "payload"),
    [
        (
            "emit_agent_started",
            {"agent_name": "a", "context": {"k": 1}, "trace_context": {"trace_id": "x"}},
            {"context": {"k": 1}, "trace_context": {"trace_id": "x"}},
        ),
        (
            "emit_agent_thinking",
            {"reasoning": "r", "step_number": 2, "progress_percentage": 40.0},
            {"reasoning": "r", "step_number": 2, "progress_percentage": 40.0},
        ),
        (
            "emit_tool_executing",
            {"tool_name": "t", "parameters": {"q": 1}},
            {"tool_name": "t", "parameters": {"q": 1}},
        ),
        (
            "emit_tool_completed",
            {"tool_name": "t", "result": [1, 2], "execution_time_ms": 1},
            {"tool_name": "t", "result": [1, 2], "execution_time_ms": 1},
        ),
        (
            "emit_agent_completed",
            {"agent_name": "a", "result": "done", "trace_context": {"span": "s"}},
            {"result": "done", "trace_context": {"span": "s"}},
        ),
        (
            "emit_agent_error",
            {"error": ValueError("bad input"), "error_context": {"step": 3}},
            {"error": "bad input", "error_type": "ValueError", "error_context": {"step": 3}},
        ),
        (
            "emit_progress",
            {"progress": 75, "message": "almost"},
            {"progress": 75, "message": "almost"},
        ),
    ],
)
def test_each_event_method_sends_its_type_and_payload_valid_against_the_schema(
    method: str, kwargs: dict[str, Any], payload: dict[str, Any]
) -> None:
    manager = RecordingManager()
    emitter = UnifiedWebSocketEmitter(manager, "u1")

    assert asyncio.run(getattr(emitter, method)(**kwargs)) is True

    [(user_id, message)] = manager.sent
    assert user_id == "u1"
    assert tuple(message) == WIRE_KEYS
    assert message["type"] == method.removeprefix("emit_")
    assert message["payload"] == payload
    assert_wire_message(_wire(message))


def test_custom_event_carries_its_data_and_is_valid_against_the_schema() -> None:
    manager = RecordingManager()
    emitter = UnifiedWebSocketEmitter(manager, "u1")

    assert asyncio.run(emitter.emit_custom("deploy_finished", {"env": "prod"}, agent_name="ops"))

    [(_, message)] = manager.sent
    assert (message["type"], message["agent_name"], message["payload"]) == (
        "deploy_finished",
        "ops",
        {"env": "prod"},
    )
    assert_wire_message(_wire(message))


def test_event_arguments_are_keyword_only() -> None:
    for name, method in inspect.getmembers(UnifiedWebSocketEmitter, inspect.iscoroutinefunction):
        if not name.startswith("emit_"):
            continue
        params = list(inspect.signature(method).parameters.values())[1:]
        positional = [p.name for p in params if p.kind is not p.KEYWORD_ONLY]
        expected = ["event_type", "data"] if name == "emit_custom" else []
        assert positional == expected, name
    emitter = UnifiedWebSocketEmitter(RecordingManager(), "u1")
    with pytest.raises(TypeError):
        asyncio.run(emitter.emit_tool_executing("search"))  # type: ignore[misc]


def test_per_call_run_id_overrides_the_bound_one_for_that_call_only() -> None:
    manager = RecordingManager()
    emitter = UnifiedWebSocketEmitter(manager, "u1", run_id="bound")

    async def run() -> None:
        await emitter.emit_progress(progress=1, run_id="override")
        await emitter.emit_progress(progress=2)

    asyncio.run(run())
    assert [m["run_id"] for _, m in manager.sent] == ["override", "bound"]


def test_bind_makes_a_view_with_its_own_defaults_sharing_seq_and_metrics() -> None:
    manager = RecordingManager()
    parent = UnifiedWebSocketEmitter(manager, "u1", thread_id="t1", run_id="r0", request_id="q")
    view = parent.bind(run_id="r1", agent_name="triage")

    async def run() -> None:
        await parent.emit_progress(progress=1)
        await view.emit_tool_executing(tool_name="search")
        await view.emit_tool_executing(tool_name="search", agent_name="other")
        await parent.emit_progress(progress=2)

    asyncio.run(run())
    got = [(m["seq"], m["run_id"], m["agent_name"], m["thread_id"]) for _, m in manager.sent]
    assert got == [
        (1, "r0", None, "t1"),
        (2, "r1", "triage", "t1"),
        (3, "r1", "other", "t1"),
        (4, "r0", None, "t1"),
    ]
    assert view.metrics is parent.metrics
    assert view.manager is parent.manager and view.retry is parent.retry
    assert (view.user_id, view.request_id, view.run_id, view.agent_name) == (
        "u1",
        "q",
        "r1",
        "triage",
    )
    assert (parent.run_id, parent.agent_name) == ("r0", None)
    assert type(view) is UnifiedWebSocketEmitter


def test_bind_keeps_omitted_defaults_and_none_clears_one() -> None:
    parent = UnifiedWebSocketEmitter(RecordingManager(), "u1", thread_id="t1", run_id="r1")
    named = parent.bind(agent_name="a")
    assert (named.thread_id, named.run_id, named.agent_name) == ("t1", "r1", "a")
    cleared = named.bind(run_id=None, thread_id="t2")
    assert (cleared.thread_id, cleared.run_id, cleared.agent_name) == ("t2", None, "a")
    with pytest.raises(TypeError, match="run_id must be a str"):
        parent.bind(run_id=7)  # type: ignore[arg-type]


def test_bound_views_and_parent_emitting_concurrently_share_one_order() -> None:
    manager = ScriptedManager()
    parent = UnifiedWebSocketEmitter(manager, "u1")
    views = [parent.bind(agent_name=f"a{i}") for i in range(3)]

    async def run() -> None:
        calls = []
        for i in range(30):
            target = views[i % 3] if i % 4 else parent
            calls.append(target.emit_custom("step", {"i": i}))
        await asyncio.gather(*calls)

    asyncio.run(run())
    assert [m["payload"]["i"] for _, m in manager.delivered] == list(range(30))
    assert [m["seq"] for _, m in manager.delivered] == list(range(1, 31))


def test_public_attributes_are_read_only() -> None:
    emitter = UnifiedWebSocketEmitter(RecordingManager(), "u1")
    for name in ("manager", "user_id", "thread_id", "run_id", "request_id", "metrics"):
        with pytest.raises(AttributeError):
            setattr(emitter, name, None)


def test_from_context_reads_ids_by_attribute_and_missing_ones_are_none() -> None:
    manager = RecordingManager()
    context = SimpleNamespace(user_id="u1", thread_id="t1", run_id="r1", request_id="q1")
    emitter = UnifiedWebSocketEmitter.from_context(context, manager=manager)
    assert (emitter.user_id, emitter.thread_id, emitter.run_id, emitter.request_id) == (
        "u1",
        "t1",
        "r1",
        "q1",
    )
    assert emitter.manager is manager

    sparse = UnifiedWebSocketEmitter.from_context(SimpleNamespace(user_id="u2"), manager=manager)
    assert (sparse.thread_id, sparse.run_id, sparse.request_id) == (None, None, None)


def test_from_context_explicit_user_id_wins_and_options_pass_through() -> None:
    policy = RetryPolicy(max_attempts=1)
    metrics = EmitterMetrics()
    context = SimpleNamespace(user_id="from-context", run_id="r1")
    emitter = UnifiedWebSocketEmitter.from_context(
        context, manager=RecordingManager(), user_id="explicit", retry=policy, metrics=metrics
    )
    assert (emitter.user_id, emitter.run_id) == ("explicit", "r1")
    assert emitter.retry is policy and emitter.metrics is metrics


def test_from_context_uses_the_default_manager_and_names_the_setter_when_there_is_none() -> None:
    context = SimpleNamespace(user_id="u1")
    with pytest.raises(RuntimeError, match="set_default_manager"):
        UnifiedWebSocketEmitter.from_context(context)

    default = RecordingManager()
    set_default_manager(default)
    assert get_default_manager() is default
    assert UnifiedWebSocketEmitter.from_context(context).manager is default
    explicit = RecordingManager()
    assert UnifiedWebSocketEmitter.from_context(context, manager=explicit).manager is explicit

    set_default_manager(None)
    assert get_default_manager() is None
    with pytest.raises(RuntimeError, match="set_default_manager"):
        UnifiedWebSocketEmitter.from_context(context)


def test_from_context_without_a_user_id_is_a_programmer_error() -> None:
    with pytest.raises(ValueError, match="user_id"):
        UnifiedWebSocketEmitter.from_context(SimpleNamespace(), manager=RecordingManager())


def test_default_manager_must_look_like_a_manager() -> None:
    with pytest.raises(TypeError, match="send_to_user"):
        set_default_manager(object())  # type: ignore[arg-type]
    assert get_default_manager() is None


@pytest.mark.parametrize("user_id", ["", None, 7, b"u1"])
def test_construction_refuses_an_empty_or_non_str_user_id(user_id: object) -> None:
    with pytest.raises(ValueError, match="user_id must be a non-empty str"):
        UnifiedWebSocketEmitter(RecordingManager(), user_id)  # type: ignore[arg-type]


def test_construction_refuses_a_manager_without_send_to_user_and_bad_options() -> None:
    with pytest.raises(TypeError, match="send_to_user"):
        UnifiedWebSocketEmitter(object(), "u1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="retry must be a RetryPolicy"):
        UnifiedWebSocketEmitter(RecordingManager(), "u1", retry=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="thread_id must be a str"):
        UnifiedWebSocketEmitter(RecordingManager(), "u1", thread_id=5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "error", "fragment"),
    [
        (lambda e: e.emit_custom("agent_started", {}), ValueError, "reserved event"),
        (lambda e: e.emit_custom("tool_completed", {}), ValueError, "emit_"),
        (lambda e: e.emit_custom("x", "not a mapping"), TypeError, "data must be a mapping"),
        (lambda e: e.emit_tool_completed(tool_name="t", result=object()), TypeError, "'result'"),
        (lambda e: e.emit_agent_started(agent_name=""), ValueError, "agent_name"),
        (lambda e: e.emit_agent_completed(agent_name=None), TypeError, "agent_name"),
        (lambda e: e.emit_progress(progress=1, agent_name=3), TypeError, "agent_name"),
        (lambda e: e.emit_progress(progress=1, run_id=""), ValueError, "run_id"),
        (lambda e: e.emit_agent_thinking(reasoning="r", step_number=-1), ValueError, "step"),
    ],
)
def test_programmer_errors_raise_and_send_nothing(call, error, fragment) -> None:  # type: ignore[no-untyped-def]
    manager = RecordingManager()
    emitter = UnifiedWebSocketEmitter(manager, "u1")
    with pytest.raises(error, match=fragment):
        asyncio.run(call(emitter))
    assert manager.sent == []
    # A refused call takes no seq: the next event is still seq 1.
    asyncio.run(emitter.emit_progress(progress=1))
    assert [m["seq"] for _, m in manager.sent] == [1]


def test_public_names_are_exported() -> None:
    for name in (
        "UnifiedWebSocketEmitter",
        "RetryPolicy",
        "InMemoryConnectionRegistry",
        "RecordingConnection",
        "WebSocketConnection",
        "ConnectionManager",
        "set_default_manager",
        "get_default_manager",
        "RESERVED_EVENTS",
        "load_schema",
    ):
        assert name in target_emitter.__all__
        assert getattr(target_emitter, name) is not None
