"""compat.deprecation: the legacy class is kept; only the warning, the counter and the aliases
are added. Each test names the real-backend failure of the shim design it guards against."""

from __future__ import annotations

import asyncio
import inspect
import warnings
from typing import Any
from unittest.mock import AsyncMock, Mock, create_autospec

import pytest

import compat
from compat.deprecation import LegacyAliasWarning, legacy_api, legacy_callable
from tests.conftest import FLAGSHIP


@pytest.fixture(autouse=True)
def flagship_plan() -> None:
    compat.use_plan(FLAGSHIP)  # the conftest puts the default back afterwards


class Component:
    """A base of the legacy class, as MonitorableComponent is in the real backend."""

    def health(self) -> str:
        return "ok"


def make_bridge() -> type:
    class Bridge(Component):
        CRITICAL_EVENTS = ("agent_started",)

        def __init__(self, user_context: Any = None) -> None:
            self.user_context = user_context
            self.calls: list[tuple[str, dict[str, Any]]] = []

        async def notify_agent_started(
            self, run_id, agent_name, context=None, trace_context=None
        ) -> bool:
            self.calls.append(
                ("started", {"run_id": run_id, "agent_name": agent_name, "context": context})
            )
            return True

        async def notify_tool_executing(self, run_id, agent_name, tool_name, parameters=None):
            return await self.notify_agent_started(run_id, agent_name)

        async def notify_agent_error(
            self, run_id, agent_name, error, error_context=None, trace_context=None
        ):
            raise ConnectionError(f"{agent_name}: {error}")

        def create_user_emitter(self) -> str:
            return "sync, as some legacy factories are"

    return legacy_api("bridge")(Bridge)


def make_agent() -> type:
    class Agent:
        def __init__(self, name: str) -> None:
            self.name = name
            self.seen: list[tuple[str, dict[str, Any]]] = []

        async def emit_agent_started(self, message=None):
            self.seen.append(("started", {"message": message}))

        async def emit_progress(self, content, is_complete=False):
            self.seen.append(("progress", {"content": content, "is_complete": is_complete}))

        async def emit_thinking(self, thought, step_number=None, context=None):
            self.seen.append(("thinking", {"thought": thought, "context": context}))

    return legacy_api("base_agent")(Agent)


def test_the_class_stays_itself_with_its_attributes_and_bases():
    # Shim design: isinstance against the compat class failed (16 tests), attributes
    # such as CRITICAL_EVENTS were missing (16), and BaseAgent lost its base (235).
    Bridge = make_bridge()
    bridge = Bridge()
    assert type(bridge) is Bridge and isinstance(bridge, Component)
    assert Bridge.CRITICAL_EVENTS == ("agent_started",)
    assert bridge.health() == "ok"
    assert Bridge.__mro__ == (Bridge, Component, object)


def test_a_bridge_built_without_a_user_context_still_works():
    # Shim design: AgentWebSocketBridge() was refused (76 tests).
    bridge = make_bridge()()
    with compat.mode("silent"):
        assert asyncio.run(bridge.notify_agent_started("r", "a")) is True
    assert bridge.user_context is None


def test_async_stays_async_and_sync_stays_sync():
    # Shim design: an awaited async factory became sync (42 tests).
    Bridge = make_bridge()
    assert inspect.iscoroutinefunction(Bridge.notify_agent_started)
    assert asyncio.iscoroutinefunction(Bridge.notify_agent_started)
    assert not inspect.iscoroutinefunction(Bridge.create_user_emitter)
    assert Bridge().create_user_emitter() == "sync, as some legacy factories are"
    assert list(inspect.signature(Bridge.notify_agent_started).parameters) == [
        "self",
        "run_id",
        "agent_name",
        "context",
        "trace_context",
    ]


def test_a_legacy_call_warns_at_its_caller_and_is_counted_once_with_nested_calls():
    bridge = make_bridge()()

    async def caller() -> None:
        await bridge.notify_tool_executing("r", "a", "search")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(caller())
    assert [w.category for w in caught] == [compat.EmitterMigrationWarning]
    assert caught[0].filename == __file__
    assert "notify_tool_executing() is deprecated" in str(caught[0].message)
    assert compat.usage_snapshot()["apis"].keys() == {"bridge.notify_tool_executing"}


def test_error_mode_raises_and_silent_mode_runs_quietly():
    bridge = make_bridge()()
    with compat.mode("error"), pytest.raises(compat.EmitterMigrationWarning):
        asyncio.run(bridge.notify_agent_started("r", "a"))
    with compat.mode("silent"), warnings.catch_warnings():
        warnings.simplefilter("error")
        assert asyncio.run(bridge.notify_agent_started("r", "a")) is True


def test_an_alias_runs_the_legacy_method_with_the_same_arguments_and_result():
    # Shim design: a re-implementation sent other payloads; the alias is the legacy call.
    bridge = make_bridge()()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an alias is the migrated call: no warning
        result = asyncio.run(
            bridge.emit_agent_started(run_id="r", agent_name="a", context={"k": 1})
        )
    assert result is True
    assert bridge.calls == [("started", {"run_id": "r", "agent_name": "a", "context": {"k": 1}})]
    assert compat.usage_snapshot()["total"] == 0


def test_an_alias_raises_what_the_legacy_method_raised():
    # Shim design: a ConnectionError the caller caught became a False return.
    bridge = make_bridge()()
    with pytest.raises(ConnectionError, match="a: boom"):
        asyncio.run(bridge.emit_agent_error(run_id="r", agent_name="a", error="boom"))


def test_an_alias_refuses_a_keyword_the_legacy_method_has_no_parameter_for():
    bridge = make_bridge()()
    with pytest.raises(TypeError, match="has no parameter for"):
        asyncio.run(bridge.emit_agent_started(agent_name="a", surprise=1))


def test_an_alias_calls_the_instance_method_so_overrides_and_instance_mocks_run():
    Bridge = make_bridge()

    class Loud(Bridge):
        async def notify_agent_started(self, run_id, agent_name, context=None, trace_context=None):
            return "override"

    assert asyncio.run(Loud().emit_agent_started(run_id="r", agent_name="a")) == "override"
    bridge = Bridge()
    bridge.notify_agent_started = AsyncMock(return_value="mocked")
    assert asyncio.run(bridge.emit_agent_started(run_id="r", agent_name="a")) == "mocked"
    bridge.notify_agent_started.assert_awaited_once_with(run_id="r", agent_name="a")


def test_mocks_specced_on_the_class_have_the_unified_methods_as_async():
    Bridge = make_bridge()
    for mock in (Mock(spec=Bridge), create_autospec(Bridge, instance=True)):
        assert isinstance(mock.emit_agent_started, AsyncMock)
        assert isinstance(mock.notify_agent_started, AsyncMock)


def test_an_agent_answers_the_unified_methods_on_its_adapter_with_the_dicts_read_back():
    # Shim design: BaseAgent `context=` reached the emitter as trace_context= of another
    # shape; here each unified keyword goes back to the legacy parameter it came from.
    agent = make_agent()("triage")
    events = agent.unified_events
    asyncio.run(events.emit_agent_started(agent_name="triage", context={"message": "hi"}))
    asyncio.run(
        events.emit_progress(agent_name="triage", message="half", progress={"is_complete": True})
    )
    asyncio.run(
        events.emit_agent_thinking(agent_name="triage", reasoning="hm", trace_context={"t": 1})
    )
    assert agent.seen == [
        ("started", {"message": "hi"}),
        ("progress", {"content": "half", "is_complete": True}),
        ("thinking", {"thought": "hm", "context": {"t": 1}}),
    ]
    assert compat.usage_snapshot()["total"] == 0


def test_the_adapter_attribute_is_read_only_and_not_a_legacy_name():
    agent = make_agent()("triage")
    with pytest.raises(AttributeError):
        agent.unified_events = None
    assert not hasattr(agent.unified_events, "emit_tool_started")


def test_decorating_twice_or_a_decorated_subclass_adds_nothing_and_warns_nothing():
    Bridge = make_bridge()
    wrapped = Bridge.__dict__["notify_agent_started"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert legacy_api("bridge")(Bridge) is Bridge

        class Sub(Bridge):
            pass

        legacy_api("bridge")(Sub)
    assert Bridge.__dict__["notify_agent_started"] is wrapped
    assert "emit_agent_started" not in Sub.__dict__


def test_an_attribute_the_class_already_has_is_kept_and_said():
    class Own:
        async def notify_agent_started(self, run_id, agent_name, context=None, trace_context=None):
            return None

        def emit_agent_started(self) -> str:
            return "the class's own"

    with pytest.warns(LegacyAliasWarning, match="already has `emit_agent_started`"):
        legacy_api("bridge")(Own)
    assert Own().emit_agent_started() == "the class's own"


def test_a_legacy_factory_warns_counts_and_returns_what_it_returned():
    @legacy_callable(
        "netra_backend.app.services.agent_websocket_bridge.create_agent_websocket_bridge"
    )
    def create_agent_websocket_bridge(user_context=None):
        return ("bridge", user_context)

    @legacy_callable("netra_backend.app.websocket_core.get_websocket_manager")
    async def get_websocket_manager(user_context=None):
        return "manager"

    with pytest.warns(compat.EmitterMigrationWarning, match=r"create_agent_websocket_bridge\(\)"):
        assert create_agent_websocket_bridge() == ("bridge", None)
    assert inspect.iscoroutinefunction(get_websocket_manager)
    with compat.mode("silent"):
        assert asyncio.run(get_websocket_manager()) == "manager"
    assert set(compat.usage_snapshot()["apis"]) == {
        "bridge.create_agent_websocket_bridge",
        "old_unified.get_websocket_manager",
    }
