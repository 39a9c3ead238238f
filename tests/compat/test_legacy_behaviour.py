"""What legacy callers depend on: return values, raised errors, wiring, and where the manager
comes from."""

from __future__ import annotations

import asyncio
import sys
import types
from types import SimpleNamespace
from typing import Any
from unittest.mock import AsyncMock

import pytest

import compat
import compat.agent_instance_factory
import compat.base_agent
from compat.agent_instance_factory import UserWebSocketEmitter
from compat.agent_websocket_bridge import AgentWebSocketBridge, create_agent_websocket_bridge
from compat.base_agent import AgentEmitterMixin, BaseAgent
from compat.transparent_websocket_events import TransparentWebSocketEmitter
from compat.unified_emitter import UnifiedWebSocketEmitter as OldEmitter
from compat.unified_emitter import (
    WebSocketEmitterPool,
    get_websocket_manager,
    set_websocket_manager,
)
from target_emitter import (
    RecordingManager,
    UnifiedWebSocketEmitter,
    get_default_manager,
    set_default_manager,
)
from tests.emitter.fakes import ScriptedManager

pytestmark = pytest.mark.usefixtures("quiet")


def run(coro: Any) -> Any:
    return asyncio.run(coro)


# ----------------------------------------------------------- return / raise ----
def test_old_emitter_methods_return_none_delivered_or_not(context: SimpleNamespace) -> None:
    ok = OldEmitter(RecordingManager(), "u1", context)
    failing = OldEmitter(ScriptedManager([False] * 10), "u1", context)

    assert run(ok.notify_agent_started("a")) is None
    assert run(failing.notify_agent_started("a")) is None
    assert failing.metrics.snapshot()["totals"]["failed"] == 1


def test_bridge_answers_true_on_delivery_and_false_when_delivery_fails(
    context: SimpleNamespace,
) -> None:
    set_default_manager(ScriptedManager([False, False, False, False, RuntimeError("bug"), "ok"]))
    bridge = AgentWebSocketBridge(context)

    assert run(bridge.notify_tool_executing("r1", "a", "search")) is False  # retries exhausted
    assert run(bridge.notify_tool_executing("r1", "a", "search")) is False  # non-transient raise
    assert run(bridge.notify_tool_executing("r1", "a", "search")) is True


def test_factory_emitter_raises_connection_error_when_not_delivered(
    context: SimpleNamespace,
) -> None:
    bridge = UnifiedWebSocketEmitter(ScriptedManager([False] * 10), "u1")
    emitter = UserWebSocketEmitter("u1", "t1", "r1", bridge)

    with pytest.raises(ConnectionError, match="not delivered to user u1"):
        run(emitter.notify_agent_started("a"))


def test_factory_emitter_raises_runtime_error_on_any_other_error(manager: RecordingManager) -> None:
    emitter = UserWebSocketEmitter("u1", "t1", "r1", object())

    with pytest.raises(RuntimeError, match="notify_tool_executing failed") as raised:
        run(emitter.notify_tool_executing("a", "t", parameters={"x": object()}))
    assert isinstance(raised.value.__cause__, TypeError)
    assert manager.sent == []


def test_factory_emitter_reports_errors_without_ever_raising() -> None:
    failing = UserWebSocketEmitter(
        "u1", "t", "r", UnifiedWebSocketEmitter(ScriptedManager([False] * 10), "u1")
    )
    working = UserWebSocketEmitter(
        "u1", "t", "r", UnifiedWebSocketEmitter(RecordingManager(), "u1")
    )

    assert run(failing.notify_agent_error("a", "boom")) is False
    assert run(working.notify_agent_error("a", "boom", error_context={"x": object()})) is False
    assert run(working.notify_agent_error("a", ValueError("boom"))) is True


def test_factory_emitter_on_a_compat_bridge_shares_its_seq(
    manager: RecordingManager, context: SimpleNamespace
) -> None:
    bridge = create_agent_websocket_bridge(context)
    emitter = UserWebSocketEmitter("u1", "t1", "r7", bridge)

    async def interleave() -> None:
        await bridge.notify_agent_started("r1", "a")
        await emitter.notify_agent_thinking("b", "hmm")
        await bridge.notify_agent_completed("r1", "a")

    run(interleave())

    assert [(m["seq"], m["run_id"]) for _, m in manager.sent] == [(1, "r1"), (2, "r7"), (3, "r1")]


# ------------------------------------------------------------- agent wiring ----
class Agent(BaseAgent):
    pass


def test_an_unwired_agent_raises_a_clear_error() -> None:
    agent = Agent(name="triage")

    with pytest.raises(RuntimeError, match=r"'triage' has no websocket emitter.*set_websocket"):
        _ = agent.websocket_emitter
    with pytest.raises(RuntimeError, match="has no websocket emitter"):
        run(agent.emit_tool_executing("search"))


def test_wiring_a_unified_bridge_binds_the_run_and_the_agent_name(
    manager: RecordingManager, context: SimpleNamespace
) -> None:
    agent = Agent(name="triage")
    agent.set_websocket_bridge(create_agent_websocket_bridge(context), "r9")

    assert (agent.websocket_emitter.run_id, agent.websocket_emitter.agent_name) == ("r9", "triage")
    run(agent.emit_tool_completed("search", {"hits": 2}))
    message = manager.sent[0][1]
    assert (message["run_id"], message["agent_name"]) == ("r9", "triage")


def test_an_agent_refuses_what_it_cannot_send_through() -> None:
    agent = Agent(name="triage")

    with pytest.raises(TypeError, match="UnifiedWebSocketEmitter"):
        agent.set_websocket_emitter(object())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="no legacy BaseAgent"):
        agent.set_websocket_bridge(object(), "r1")


def _fake_module(monkeypatch: pytest.MonkeyPatch, dotted: str, **names: Any) -> None:
    module = types.ModuleType(dotted)
    module.__dict__.update(names)
    monkeypatch.setitem(sys.modules, dotted, module)


class LegacyBaseAgent:
    def __init__(self, name: str | None = None, description: str = "") -> None:
        self.name = name or type(self).__name__
        self.bridge: Any = None
        self.run_id: str | None = None

    def set_websocket_bridge(self, bridge: Any, run_id: str) -> None:
        self.bridge, self.run_id = bridge, run_id

    def describe(self) -> str:
        return f"legacy agent {self.name}"

    async def emit_tool_executing(self, tool_name: str, parameters: Any = None) -> None:
        if self.bridge is not None:
            await self.bridge.notify_tool_executing(self.run_id, self.name, tool_name, parameters)

    async def emit_tool_started(self, tool_name: str, parameters: Any = None) -> None:
        await self.emit_tool_executing(tool_name, parameters)


@pytest.fixture
def legacy_base_agent(monkeypatch: pytest.MonkeyPatch) -> type:
    _fake_module(monkeypatch, "netra_backend.app.agents.base_agent", BaseAgent=LegacyBaseAgent)
    monkeypatch.delitem(vars(compat.base_agent), "BaseAgent", raising=False)
    return compat.base_agent.BaseAgent


def test_base_agent_is_the_legacy_class_with_the_mixin_first(legacy_base_agent: type) -> None:
    assert legacy_base_agent.__mro__[1:3] == (AgentEmitterMixin, LegacyBaseAgent)
    assert legacy_base_agent(name="kb").describe() == "legacy agent kb"
    assert compat.base_agent.BaseAgent is legacy_base_agent  # built once


def test_a_legacy_bridge_keeps_the_legacy_wiring_and_counts_one_use(
    legacy_base_agent: type,
) -> None:
    agent = legacy_base_agent(name="kb")
    bridge = AsyncMock()
    agent.set_websocket_bridge(bridge, "r1")

    run(agent.emit_tool_started("grep", {"q": 1}))

    bridge.notify_tool_executing.assert_awaited_once_with("r1", "kb", "grep", {"q": 1})
    apis = compat.usage_snapshot()["apis"]
    assert apis["base_agent.emit_tool_started"]["count"] == 1
    assert "base_agent.emit_tool_executing" not in apis  # the legacy base's own inner call


def test_a_unified_bridge_on_a_legacy_agent_goes_to_the_unified_emitter(
    legacy_base_agent: type, manager: RecordingManager, context: SimpleNamespace
) -> None:
    agent = legacy_base_agent(name="kb")
    agent.set_websocket_bridge(AsyncMock(), "r0")
    agent.set_websocket_bridge(create_agent_websocket_bridge(context), "r1")

    run(agent.emit_tool_started("grep"))

    assert [(m["type"], m["agent_name"]) for _, m in manager.sent] == [("tool_executing", "kb")]


class LegacyFactory:
    def __init__(self, websocket_bridge: Any = None) -> None:
        self._websocket_bridge = websocket_bridge

    def create_agent(self, user_id: str) -> Any:
        return self._create_emitter(user_id, "t1", "r1")

    def _create_emitter(self, user_id: str, thread_id: str, run_id: str) -> Any:
        raise AssertionError("the shim overrides this")


def test_agent_instance_factory_keeps_the_legacy_logic_and_makes_compat_emitters(
    monkeypatch: pytest.MonkeyPatch, manager: RecordingManager, context: SimpleNamespace
) -> None:
    module = "netra_backend.app.agents.supervisor.agent_instance_factory"
    _fake_module(monkeypatch, module, AgentInstanceFactory=LegacyFactory)
    monkeypatch.delitem(vars(compat.agent_instance_factory), "AgentInstanceFactory", raising=False)
    factory_class = compat.agent_instance_factory.AgentInstanceFactory

    emitter = factory_class(create_agent_websocket_bridge(context)).create_agent("u1")

    assert LegacyFactory in factory_class.__mro__
    assert isinstance(emitter, UserWebSocketEmitter)
    assert run(emitter.notify_agent_started("a")) is True
    with pytest.raises(RuntimeError, match="not configured"):
        factory_class()._create_emitter("u1", "t", "r")


# ------------------------------------------------------------------ manager ----
PROVIDED = RecordingManager()


def provide_manager() -> RecordingManager:
    return PROVIDED


def provide_nothing_useful() -> object:
    return object()


def test_without_any_manager_a_shim_names_set_default_manager(context: SimpleNamespace) -> None:
    for build in (AgentWebSocketBridge, TransparentWebSocketEmitter):
        with pytest.raises(RuntimeError, match=r"target_emitter\.set_default_manager"):
            build(context)
    with pytest.raises(RuntimeError, match=r"set_default_manager"):
        OldEmitter(None, "u1", context)


def test_the_legacy_manager_provider_is_the_fallback(
    monkeypatch: pytest.MonkeyPatch, context: SimpleNamespace
) -> None:
    monkeypatch.setenv("EMITTER_MIGRATE_LEGACY_MANAGER", f"{__name__}:provide_manager")

    assert AgentWebSocketBridge(context).manager is PROVIDED
    assert OldEmitter(None, "u1", context).manager is PROVIDED


def test_a_default_manager_wins_over_the_provider(
    monkeypatch: pytest.MonkeyPatch, manager: RecordingManager, context: SimpleNamespace
) -> None:
    monkeypatch.setenv("EMITTER_MIGRATE_LEGACY_MANAGER", f"{__name__}:provide_manager")

    assert TransparentWebSocketEmitter(context).manager is manager


@pytest.mark.parametrize(
    ("provider", "error", "match"),
    [
        ("no_such_module_xyz:get", RuntimeError, "cannot be loaded"),
        (f"{__name__}:provide_nothing_useful", TypeError, "has no async send_to_user"),
        ("just-a-name", ValueError, "module:callable"),
    ],
)
def test_a_broken_provider_setting_is_reported(
    monkeypatch: pytest.MonkeyPatch,
    context: SimpleNamespace,
    provider: str,
    error: type[Exception],
    match: str,
) -> None:
    monkeypatch.setenv("EMITTER_MIGRATE_LEGACY_MANAGER", provider)

    with pytest.raises(error, match=match):
        AgentWebSocketBridge(context)


def test_the_legacy_manager_registry_functions_are_the_default_manager() -> None:
    recording = RecordingManager()
    set_websocket_manager(recording)

    assert get_default_manager() is recording
    assert get_websocket_manager() is recording
    set_websocket_manager(None)
    assert get_default_manager() is None


# ------------------------------------------------------------------- others ----
def test_a_bridge_without_a_user_context_says_why_it_cannot_work(manager: RecordingManager) -> None:
    with pytest.raises(ValueError, match="cannot name its user"):
        create_agent_websocket_bridge()


def test_the_pool_reuses_one_emitter_per_user_and_repoints_it(manager: RecordingManager) -> None:
    pool = WebSocketEmitterPool(manager)
    first = pool.acquire("u1", SimpleNamespace(user_id="u1", thread_id="t1", run_id="r1"))
    second = pool.acquire("u1", SimpleNamespace(user_id="u1", thread_id="t2", run_id="r2"))

    assert first is second
    run(second.notify_agent_started("a"))
    assert (manager.sent[0][1]["thread_id"], manager.sent[0][1]["run_id"]) == ("t2", "r2")


def test_bridge_user_emitters_are_old_emitters_sharing_the_users_seq(
    manager: RecordingManager, context: SimpleNamespace
) -> None:
    bridge = create_agent_websocket_bridge(context)

    async def go() -> None:
        mine = await bridge.create_user_emitter(context)
        other = bridge.create_user_emitter_from_ids("u2", "t2", "r2")
        assert isinstance(mine, OldEmitter)
        await bridge.notify_agent_started("r1", "a")
        await mine.notify_agent_started("b")
        await other.notify_agent_started("c")

    run(go())

    assert [(u, m["seq"], m["run_id"]) for u, m in manager.sent] == [
        ("u1", 1, "r1"),
        ("u1", 2, "r1"),
        ("u2", 1, "r2"),
    ]


def test_a_dual_shape_method_rejects_a_mix_of_both_forms(
    manager: RecordingManager, context: SimpleNamespace
) -> None:
    emitter = TransparentWebSocketEmitter(context)

    with pytest.raises(TypeError, match=r"either the legacy arguments \(agent_name, agent_desc"):
        emitter.emit_agent_started("a", run_id="r2")


def test_a_shim_made_a_view_of_an_emitter_is_what_bind_would_give(
    manager: RecordingManager,
) -> None:
    from compat._shim import init_view

    source = UnifiedWebSocketEmitter(manager, "u1", thread_id="t0", run_id="r0")
    source = source.bind(agent_name="triage")
    shim = UserWebSocketEmitter.__new__(UserWebSocketEmitter)
    init_view(shim, source, thread_id="t1", run_id="r1", request_id="q1")
    bound = source.bind(thread_id="t1", run_id="r1")

    assert (shim.manager, shim.metrics, shim.retry) == (bound.manager, bound.metrics, bound.retry)
    assert (shim.user_id, shim.thread_id, shim.run_id) == (bound.user_id, "t1", "r1")
    assert (shim.agent_name, shim.request_id) == ("triage", "q1")

    async def both() -> None:
        await source.emit_progress(progress=1)
        await shim.emit_progress(progress=2)
        await bound.emit_progress(progress=3)

    run(both())
    assert [m["seq"] for _, m in manager.sent] == [1, 2, 3]
