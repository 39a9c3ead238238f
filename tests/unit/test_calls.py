"""The call-sites codemod, run directly on source text."""

from __future__ import annotations

import textwrap

import pytest

from codemods.analysis.project_index import ProjectIndex, build_index
from codemods.plan import Plan, load_plan
from codemods.report import AUTO, MANUAL
from codemods.stages.calls import CallsCodemod
from tests.stage_check import StageResult, assert_stage, run_stage

BRIDGE = "compat.agent_websocket_bridge"
LEGACY_BRIDGE = "netra_backend.app.services.agent_websocket_bridge"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


def run(
    plan: Plan, source: str, *, path: str = "app/mod.py", project: ProjectIndex | None = None
) -> StageResult:
    """Run the codemod; check the output parses and a second run changes nothing."""
    return run_stage(CallsCodemod, plan, source, stage="call-sites", path=path, project=project)


def check(
    plan: Plan,
    before: str,
    after: str,
    *,
    path: str = "app/mod.py",
    project: ProjectIndex | None = None,
) -> StageResult:
    """`before` through the codemod gives exactly `after`."""
    return assert_stage(
        CallsCodemod, plan, before, after, stage="call-sites", path=path, project=project
    )


# --------------------------------------------------------------- receivers ----
def test_self_in_base_agent_subclass_emits_through_its_websocket_emitter(plan: Plan) -> None:
    r = check(
        plan,
        """
        from compat.base_agent import BaseAgent

        class Triage(BaseAgent):
            async def run(self):
                await self.emit_thinking("looking", step_number=1)
        """,
        """
        from compat.base_agent import BaseAgent

        class Triage(BaseAgent):
            async def run(self):
                await self.websocket_emitter.emit_agent_thinking(
                    reasoning="looking",
                    agent_name=self.name,
                    step_number=1,
                )
        """,
    )
    assert "from compat.base_agent import BaseAgent" in r.code  # the base class stays
    assert [(s.kind, s.symbol, s.status) for s in r.sites] == [
        ("call", "BaseAgent.emit_thinking", AUTO)
    ]


def test_self_in_subclass_through_intermediate_class_in_another_file(plan: Plan) -> None:
    files = {
        "app/knowledge.py": b"from compat.base_agent import BaseAgent\n"
        b"class KnowledgeAgent(BaseAgent):\n    pass\n",
        "app/triage.py": b"from app.knowledge import KnowledgeAgent\n"
        b"class TriageAgent(KnowledgeAgent):\n    pass\n",
    }
    project = build_index(files.items(), plan)
    r = check(
        plan,
        """
        from app.triage import TriageAgent

        class Deep(TriageAgent):
            async def run(self):
                await self.emit_tool_executing("search", {"q": 1})
        """,
        """
        from app.triage import TriageAgent

        class Deep(TriageAgent):
            async def run(self):
                await self.websocket_emitter.emit_tool_executing(
                    tool_name="search",
                    agent_name=self.name,
                    parameters={"q": 1},
                )
        """,
        project=project,
    )
    assert "target_emitter" not in r.code  # nothing from the target is named


def test_subclass_overriding_the_legacy_method_is_manual(plan: Plan) -> None:
    r = check(
        plan,
        """
        from compat.base_agent import BaseAgent

        class Triage(BaseAgent):
            async def emit_thinking(self, thought, step_number=None, context=None):
                pass

            async def run(self):
                await self.emit_thinking("x")
        """,
        """
        from compat.base_agent import BaseAgent

        class Triage(BaseAgent):
            async def emit_thinking(self, thought, step_number=None, context=None):
                pass

            async def run(self):
                await self.emit_thinking("x")
        """,
    )
    (site,) = r.manual()
    assert "overrides `emit_thinking`" in site.reason


def test_self_attribute_from_annotated_init_parameter_is_rewritten(plan: Plan) -> None:
    r = run(
        plan,
        f"""
        from {BRIDGE} import AgentWebSocketBridge

        class Escalation:
            def __init__(self, bridge: AgentWebSocketBridge) -> None:
                self.bridge = bridge

            async def escalate(self, run_id):
                return await self.bridge.notify_agent_started(run_id, "specialist")
        """,
    )
    assert r.code == textwrap.dedent(
        """\
        from target_emitter import UnifiedWebSocketEmitter

        class Escalation:
            def __init__(self, bridge: UnifiedWebSocketEmitter) -> None:
                self.bridge = bridge

            async def escalate(self, run_id):
                return await self.bridge.emit_agent_started(run_id=run_id, agent_name="specialist")
        """
    )
    assert sorted(s.kind for s in r.auto()) == ["annotation", "call"]


def test_test_case_attribute_set_up_as_spec_mock(plan: Plan) -> None:
    r = check(
        plan,
        f"""
        import unittest
        from unittest.mock import AsyncMock, Mock
        from {BRIDGE} import AgentWebSocketBridge

        class T(unittest.TestCase):
            def setUp(self):
                self.bridge = Mock(spec=AgentWebSocketBridge)
                self.bridge.notify_tool_completed = AsyncMock(return_value=True)

            def test_it(self):
                self.bridge.notify_tool_completed.assert_awaited_once_with("r", "a", "t")
                self.bridge.notify_tool_completed.assert_not_called()
        """,
        """
        import unittest
        from unittest.mock import AsyncMock, Mock
        from target_emitter import UnifiedWebSocketEmitter

        class T(unittest.TestCase):
            def setUp(self):
                self.bridge = Mock(spec=UnifiedWebSocketEmitter)
                self.bridge.emit_tool_completed = AsyncMock(return_value=True)

            def test_it(self):
                self.bridge.emit_tool_completed.assert_awaited_once_with(
                    run_id="r",
                    agent_name="a",
                    tool_name="t",
                )
                self.bridge.emit_tool_completed.assert_not_called()
        """,
    )
    assert r.manual() == []


def test_local_bound_to_factory_and_legacy_import_path(plan: Plan) -> None:
    r = check(
        plan,
        f"""
        from {LEGACY_BRIDGE} import create_agent_websocket_bridge

        async def announce(ctx, run_id):
            bridge = create_agent_websocket_bridge(ctx)
            ok = await bridge.notify_agent_completed(run_id, "a", {{"n": 1}}, 12.5)
            return ok
        """,
        """
        from target_emitter import UnifiedWebSocketEmitter

        async def announce(ctx, run_id):
            bridge = UnifiedWebSocketEmitter.from_context(context=ctx)
            ok = await bridge.emit_agent_completed(
                run_id=run_id,
                agent_name="a",
                result={"n": 1},
                execution_time_ms=12.5,
            )
            return ok
        """,
    )
    assert r.code.startswith("from target_emitter import UnifiedWebSocketEmitter\n")
    assert LEGACY_BRIDGE not in r.code


@pytest.mark.parametrize(
    "annotation",
    ["AgentWebSocketBridge", "Optional[AgentWebSocketBridge]", '"AgentWebSocketBridge"'],
)
def test_annotated_parameter_forms(plan: Plan, annotation: str) -> None:
    new_annotation = annotation.replace("AgentWebSocketBridge", "UnifiedWebSocketEmitter")
    r = check(
        plan,
        f"""
        from typing import Optional
        from {BRIDGE} import AgentWebSocketBridge

        async def f(bridge: {annotation}):
            await bridge.notify_custom("r", "a", "ticket", {{"id": 1}})
        """,
        f"""
        from typing import Optional
        from target_emitter import UnifiedWebSocketEmitter

        async def f(bridge: {new_annotation}):
            await bridge.emit_custom(run_id="r", agent_name="a", event_type="ticket", data={{"id": 1}})
        """,
    )
    assert "AgentWebSocketBridge" not in r.code


# ----------------------------------------------------- unknown receivers ----
def test_unknown_receivers_are_reported_with_their_reason_and_left_alone(plan: Plan) -> None:
    source = """
    async def hooks(context, registry, fixture_bridge):
        await context.websocket_bridge.notify_agent_started(context.run_id, "a")
        await registry[0].notify_tool_executing("r", "a", "t")
        await fixture_bridge.notify_agent_completed("r", "a")
    """
    r = run(plan, source)
    assert r.code == textwrap.dedent(source).lstrip("\n")
    reasons = [s.reason for s in r.manual()]
    assert len(reasons) == 3
    assert reasons[0].startswith("receiver `context.websocket_bridge` is an attribute of")
    assert "bind it to an annotated local first" in reasons[0]
    assert "`emit_agent_started(...)`" in reasons[0]
    assert reasons[1].startswith("receiver `registry[0]` is a subscript")
    assert "receiver `fixture_bridge` is an unannotated parameter" in reasons[2]
    assert "annotate it (`fixture_bridge: " in reasons[2]


def test_receiver_of_another_type_is_reported_not_rewritten(plan: Plan) -> None:
    source = """
    class Notifier:
        pass

    async def f(n: Notifier, m: "Metrics"):
        await n.notify_tool_executing("t")
        await m.emit_progress("p")
    """
    r = run(plan, source)
    assert r.code == textwrap.dedent(source).lstrip("\n")
    first, second = r.manual()
    assert "receiver `n`" in first.reason and "`Notifier`" in first.reason
    assert "receiver `m`: annotation `Metrics` is not a legacy emitter class" in second.reason


def test_own_method_of_a_plain_class_is_not_a_site(plan: Plan) -> None:
    r = run(
        plan,
        """
        class Plain:
            async def emit_progress(self, x):
                pass

            async def go(self):
                await self.emit_progress(1)
        """,
    )
    assert r.sites == []


def test_unknown_receiver_already_in_unified_shape_is_not_a_site(plan: Plan) -> None:
    r = run(
        plan,
        """
        async def f(context):
            await context.emitter.emit_agent_thinking(reasoning="x", agent_name="a")
            await context.emitter.emit_custom("evt", {"a": 1}, run_id="r")
        """,
    )
    assert r.sites == []


def test_unified_receiver_is_not_a_site(plan: Plan) -> None:
    r = run(
        plan,
        """
        from target_emitter import UnifiedWebSocketEmitter

        async def f(e: UnifiedWebSocketEmitter):
            await e.emit_agent_started("positional, which the tool does not judge")
        """,
    )
    assert r.sites == []


# ------------------------------------------------------------ signatures ----
def test_call_that_does_not_bind_the_legacy_signature_is_reported(plan: Plan) -> None:
    source = f"""
    from {BRIDGE} import AgentWebSocketBridge

    async def f(b: AgentWebSocketBridge):
        await b.notify_tool_executing("r", "a")
    """
    r = check(
        plan,
        source,
        """
                  from compat.agent_websocket_bridge import AgentWebSocketBridge

                  async def f(b: AgentWebSocketBridge):
                      await b.notify_tool_executing("r", "a")
                  """,
    )
    (site,) = r.manual()
    assert "does not match the legacy signature (run_id, agent_name, tool_name" in site.reason
    assert "required `tool_name`" in site.reason
    # The annotation keeps typing `b` for the next run, so it stays while the site is open.
    assert "b: AgentWebSocketBridge" in r.code
    assert r.auto() == []


def test_same_method_name_on_two_apis_in_one_file(plan: Plan) -> None:
    r = check(
        plan,
        f"""
        from {BRIDGE} import AgentWebSocketBridge
        from compat.agent_instance_factory import UserWebSocketEmitter

        async def f(bridge: AgentWebSocketBridge, per_user: UserWebSocketEmitter):
            await bridge.notify_tool_executing("r", "a", "search")
            await per_user.notify_tool_executing("a", "search")
        """,
        """
        from target_emitter import UnifiedWebSocketEmitter

        async def f(bridge: UnifiedWebSocketEmitter, per_user: UnifiedWebSocketEmitter):
            await bridge.emit_tool_executing(run_id="r", agent_name="a", tool_name="search")
            await per_user.emit_tool_executing(agent_name="a", tool_name="search")
        """,
    )
    assert {s.symbol for s in r.auto() if s.kind == "call"} == {
        "AgentWebSocketBridge.notify_tool_executing",
        "UserWebSocketEmitter.notify_tool_executing",
    }


# --------------------------------------------------------- dispatch calls ----
def test_emit_agent_event_literal_and_non_literal(plan: Plan) -> None:
    r = check(
        plan,
        f"""
        from {BRIDGE} import AgentWebSocketBridge

        async def f(bridge: AgentWebSocketBridge, kind: str, data: dict):
            await bridge.emit_agent_event("agent_started", {{"agent_name": "a"}}, run_id="r")
            await bridge.emit_agent_event(kind, data, run_id="r")
        """,
        """
        from compat.agent_websocket_bridge import AgentWebSocketBridge

        async def f(bridge: AgentWebSocketBridge, kind: str, data: dict):
            await bridge.emit_agent_started(agent_name="a", run_id="r")
            await bridge.emit_agent_event(kind, data, run_id="r")
        """,
    )
    (site,) = r.manual()
    assert "the event type `kind` is not a string literal" in site.reason


# ---------------------------------------------------- where calls sit ----
def test_calls_not_awaited_in_place_are_replaced_in_place(plan: Plan) -> None:
    r = check(
        plan,
        f"""
        import asyncio
        from {BRIDGE} import AgentWebSocketBridge

        async def f(b: AgentWebSocketBridge, loop):
            await asyncio.gather(b.notify_agent_started("r", "a"), b.notify_progress_update("r", "a", {{}}))
            task = asyncio.create_task(b.notify_agent_completed("r", "a"))
            later = lambda: b.notify_agent_error("r", "a", "boom")
            pending = [b.notify_agent_started("r", "b")]
            return b.notify_custom("r", "a", "x", {{}})
        """,
        """
        import asyncio
        from target_emitter import UnifiedWebSocketEmitter

        async def f(b: UnifiedWebSocketEmitter, loop):
            await asyncio.gather(b.emit_agent_started(run_id="r", agent_name="a"), b.emit_progress(run_id="r", agent_name="a", progress={}))
            task = asyncio.create_task(b.emit_agent_completed(run_id="r", agent_name="a"))
            later = lambda: b.emit_agent_error(run_id="r", agent_name="a", error="boom")
            pending = [b.emit_agent_started(run_id="r", agent_name="b")]
            return b.emit_custom(run_id="r", agent_name="a", event_type="x", data={})
        """,
    )
    assert len([s for s in r.auto() if s.kind == "call"]) == 6 and r.manual() == []


def test_raising_api_inside_a_catching_try_is_manual(plan: Plan) -> None:
    r = check(
        plan,
        """
        from compat.agent_instance_factory import UserWebSocketEmitter

        async def f(e: UserWebSocketEmitter):
            try:
                await e.notify_agent_started("a")
            except ConnectionError:
                return False
            try:
                await e.notify_agent_completed("a")
            except ValueError:
                pass
            await e.notify_agent_thinking("a", "hmm")
        """,
        """
        from compat.agent_instance_factory import UserWebSocketEmitter

        async def f(e: UserWebSocketEmitter):
            try:
                await e.notify_agent_started("a")
            except ConnectionError:
                return False
            try:
                await e.emit_agent_completed(agent_name="a")
            except ValueError:
                pass
            await e.emit_agent_thinking(agent_name="a", reasoning="hmm")
        """,
    )
    (site,) = r.manual()
    assert "sits in a try with `except ConnectionError`" in site.reason
    assert "check the result instead of catching" in site.reason


def test_bool_api_inside_try_is_rewritten(plan: Plan) -> None:
    check(
        plan,
        f"""
        from {BRIDGE} import AgentWebSocketBridge

        async def f(b: AgentWebSocketBridge):
            try:
                await b.notify_agent_started("r", "a")
            except Exception:
                pass
        """,
        """
        from target_emitter import UnifiedWebSocketEmitter

        async def f(b: UnifiedWebSocketEmitter):
            try:
                await b.emit_agent_started(run_id="r", agent_name="a")
            except Exception:
                pass
        """,
    )


# ----------------------------------------------------------- constructors ----
def test_constructors_and_manager_functions(plan: Plan) -> None:
    r = check(
        plan,
        """
        from compat.unified_emitter import WebSocketEmitterFactory, WebSocketEventEmitter
        from compat.unified_emitter import get_websocket_manager, set_websocket_manager

        def build(manager, ctx):
            set_websocket_manager(manager)
            a = WebSocketEventEmitter(get_websocket_manager(), ctx.user_id, ctx)
            b = WebSocketEmitterFactory.create_scoped_emitter(manager, ctx)
            return a, b
        """,
        """
        from target_emitter import UnifiedWebSocketEmitter, get_default_manager, set_default_manager

        def build(manager, ctx):
            set_default_manager(manager=manager)
            a = UnifiedWebSocketEmitter.from_context(
                manager=get_default_manager(),
                user_id=ctx.user_id,
                context=ctx,
            )
            b = UnifiedWebSocketEmitter.from_context(manager=manager, context=ctx)
            return a, b
        """,
    )
    assert r.code.startswith(
        "from target_emitter import UnifiedWebSocketEmitter, get_default_manager, "
        "set_default_manager\n"
    )


def test_manual_constructor_keeps_the_shim_import(plan: Plan) -> None:
    r = check(
        plan,
        """
        from compat.agent_instance_factory import UserWebSocketEmitter

        def build(u, t, r, bridge):
            return UserWebSocketEmitter(u, t, r, bridge)
        """,
        """
        from compat.agent_instance_factory import UserWebSocketEmitter

        def build(u, t, r, bridge):
            return UserWebSocketEmitter(u, t, r, bridge)
        """,
    )
    (site,) = r.manual()
    assert site.kind == "constructor" and "per-user wrapper" in site.reason


def test_target_name_taken_by_the_old_emitter_uses_the_module_path(plan: Plan) -> None:
    r = run(
        plan,
        """
        from compat.unified_emitter import UnifiedWebSocketEmitter

        def build(manager, user_id):
            return UnifiedWebSocketEmitter(manager, user_id)

        async def use(e: UnifiedWebSocketEmitter):
            await e.notify_agent_started("a")
        """,
    )
    assert r.code == textwrap.dedent(
        """\
        from compat.unified_emitter import UnifiedWebSocketEmitter
        import target_emitter

        def build(manager, user_id):
            return UnifiedWebSocketEmitter(manager, user_id)

        async def use(e: target_emitter.UnifiedWebSocketEmitter):
            await e.emit_agent_started(agent_name="a")
        """
    )
    (site,) = r.manual()
    assert "the legacy call passes no context" in site.reason


def test_string_annotation_is_respelled_when_the_name_is_taken(plan: Plan) -> None:
    check(
        plan,
        """
        from compat.unified_emitter import UnifiedWebSocketEmitter

        OLD = UnifiedWebSocketEmitter

        def f(e: "UnifiedWebSocketEmitter"):
            return e
        """,
        """
        from compat.unified_emitter import UnifiedWebSocketEmitter
        import target_emitter

        OLD = UnifiedWebSocketEmitter

        def f(e: "target_emitter.UnifiedWebSocketEmitter"):
            return e
        """,
    )


# -------------------------------------------------------------------- mocks ----
def test_mock_assertions_on_calls_that_will_not_match_are_manual(plan: Plan) -> None:
    r = run(
        plan,
        f"""
        from unittest.mock import Mock
        from {BRIDGE} import AgentWebSocketBridge

        def test_it():
            bridge = Mock(spec=AgentWebSocketBridge)
            assert bridge.notify_agent_started.call_args == (("r", "a"),)
            bridge.notify_agent_started.assert_has_awaits([])
        """,
    )
    first, second = r.manual()
    assert "`call_args` compares recorded arguments" in first.reason
    assert "(`call(run_id=..., agent_name=..., context=..., trace_context=...)`)" in first.reason
    assert "`assert_has_awaits`" in second.reason


def test_mock_setup_on_unknown_receiver_is_reported(plan: Plan) -> None:
    r = run(
        plan,
        """
        from unittest.mock import AsyncMock

        def test_it(notifier):
            notifier.bridge.notify_agent_started = AsyncMock()
        """,
    )
    (site,) = r.manual()
    assert site.kind == "attribute"
    assert site.reason.startswith("mock of `notify_agent_started`: receiver `notifier.bridge`")


def test_attribute_assigned_a_spec_mock_in_the_same_test_is_typed(plan: Plan) -> None:
    r = check(
        plan,
        f"""
        from unittest.mock import AsyncMock, Mock
        from {BRIDGE} import AgentWebSocketBridge

        def test_it(notifier):
            notifier.bridge = Mock(spec=AgentWebSocketBridge)
            notifier.bridge.notify_agent_started = AsyncMock(return_value=True)
            notifier.bridge.notify_agent_started.return_value = False
        """,
        """
        from unittest.mock import AsyncMock, Mock
        from target_emitter import UnifiedWebSocketEmitter

        def test_it(notifier):
            notifier.bridge = Mock(spec=UnifiedWebSocketEmitter)
            notifier.bridge.emit_agent_started = AsyncMock(return_value=True)
            notifier.bridge.emit_agent_started.return_value = False
        """,
    )
    assert r.manual() == []


def test_base_agent_mock_follows_the_receiver_template(plan: Plan) -> None:
    check(
        plan,
        """
        from unittest.mock import AsyncMock
        from compat.base_agent import BaseAgent

        class Agent(BaseAgent):
            pass

        def test_it():
            agent = Agent()
            agent.emit_thinking = AsyncMock()
            agent.emit_thinking.assert_awaited_once_with("x")
        """,
        """
        from unittest.mock import AsyncMock
        from compat.base_agent import BaseAgent

        class Agent(BaseAgent):
            pass

        def test_it():
            agent = Agent()
            agent.websocket_emitter.emit_agent_thinking = AsyncMock()
            agent.websocket_emitter.emit_agent_thinking.assert_awaited_once_with(
                reasoning="x",
                agent_name=agent.name,
            )
        """,
    )


def test_bound_method_passed_around_is_manual(plan: Plan) -> None:
    r = check(
        plan,
        f"""
        from {BRIDGE} import AgentWebSocketBridge

        def register(b: AgentWebSocketBridge, hooks):
            hooks.append(b.notify_agent_started)
        """,
        """
        from compat.agent_websocket_bridge import AgentWebSocketBridge

        def register(b: AgentWebSocketBridge, hooks):
            hooks.append(b.notify_agent_started)
        """,
    )
    (site,) = r.manual()
    assert "passed around as a bound method" in site.reason


def test_a_file_without_legacy_use_is_untouched(plan: Plan) -> None:
    source = "def f(x):\n    return x.emit('a')\n"
    r = run(plan, source)
    assert r.code == source and r.sites == []


def test_constructor_stays_legacy_while_the_file_has_untyped_legacy_calls(plan: Plan) -> None:
    source = f"""
    from {BRIDGE} import create_agent_websocket_bridge

    def make_hook(ctx, hooks):
        hooks.bridge = create_agent_websocket_bridge(ctx)

    async def fire(hooks, run_id):
        await hooks.bridge.notify_agent_started(run_id, "hooks")
    """
    r = run(plan, source)
    assert r.code == textwrap.dedent(source).lstrip("\n")
    ctor = next(s for s in r.sites if s.kind == "constructor")
    assert ctor.status == MANUAL
    assert "may still be called through legacy methods (line 7: `hooks.bridge" in ctor.reason
    assert r.auto() == []


def test_constructor_of_another_api_is_not_held_back(plan: Plan) -> None:
    r = run(
        plan,
        """
        from compat.transparent_websocket_events import TransparentWebSocketEmitter

        async def f(ctx, hooks):
            status = TransparentWebSocketEmitter(ctx)
            await hooks.bridge.notify_agent_started("r", "a")
        """,
    )
    assert "status = UnifiedWebSocketEmitter.from_context(context=ctx)" in r.code
    assert [s.kind for s in r.manual()] == ["call"]


def test_call_inside_an_f_string_field_is_left_manual(plan: Plan) -> None:
    source = """
    from compat.agent_websocket_bridge import AgentWebSocketBridge

    async def report(bridge: AgentWebSocketBridge, run_id):
        print(f"sent: {await bridge.notify_agent_started(run_id, 'triage')}")
        await bridge.notify_agent_started(run_id, "triage")
    """
    result = run(plan, source)
    assert "f\"sent: {await bridge.notify_agent_started(run_id, 'triage')}\"" in result.code
    assert 'await bridge.emit_agent_started(run_id=run_id, agent_name="triage")' in result.code
    [manual] = [s for s in result.manual() if s.symbol.endswith("notify_agent_started")]
    assert manual.line == 4
    assert "inside an f-string field" in manual.reason
    assert "move the call out to a local" in manual.reason


def test_constructor_inside_an_f_string_field_is_left_manual(plan: Plan) -> None:
    source = """
    from compat.agent_websocket_bridge import create_agent_websocket_bridge

    def describe(ctx):
        return f"{create_agent_websocket_bridge(ctx)!r}"
    """
    result = run(plan, source)
    assert 'f"{create_agent_websocket_bridge(ctx)!r}"' in result.code
    [manual] = result.manual()
    assert manual.kind == "constructor"
    assert "inside an f-string field" in manual.reason
