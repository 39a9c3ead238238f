"""Receiver types, qualified names and the cross-file class index."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from codemods.analysis.project_index import (
    ProjectIndex,
    build_index,
    module_name_of,
    resolve_relative,
)
from codemods.analysis.resolve import Receiver, Resolver
from codemods.plan import Plan, load_plan

BRIDGE = "netra_backend.app.services.agent_websocket_bridge"
SHIM_BRIDGE = "compat.agent_websocket_bridge"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


class Probe(cst.CSTVisitor):
    """Collects the expression passed to every `probe(...)` call, in source order."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[cst.BaseExpression] = []

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "probe":
            self.found.append(node.args[0].value)


def probes(
    plan: Plan,
    source: str,
    *,
    module: str = "app.mod",
    project: ProjectIndex | None = None,
    is_package: bool = False,
) -> list[Receiver]:
    tree = cst.parse_module(textwrap.dedent(source))
    resolver = Resolver(plan, module, project, is_package=is_package).run(tree)
    probe = Probe()
    tree.visit(probe)
    return [resolver.receiver_type(node) for node in probe.found]


def one(plan: Plan, source: str, **kw: object) -> Receiver:
    (result,) = probes(plan, source, **kw)  # type: ignore[arg-type]
    return result


# ------------------------------------------------------------ qualified ----
def qualified_of(plan: Plan, source: str, expr: str, **kw: object) -> str | None:
    tree = cst.parse_module(textwrap.dedent(source) + f"\n{expr}\n")
    resolver = Resolver(plan, **{"module_name": "pkg.sub.mod", **kw}).run(tree)  # type: ignore[arg-type]
    stmt = tree.body[-1]
    assert isinstance(stmt, cst.SimpleStatementLine)
    node = stmt.body[0]
    assert isinstance(node, cst.Expr)
    return resolver.qualified(node.value)


def test_from_import_alias_resolves_to_the_original_dotted_path(plan: Plan) -> None:
    src = f"from {BRIDGE} import AgentWebSocketBridge as Bridge"
    assert qualified_of(plan, src, "Bridge") == f"{BRIDGE}.AgentWebSocketBridge"


def test_module_alias_attribute_chain_resolves(plan: Plan) -> None:
    src = f"import {BRIDGE} as awb"
    assert qualified_of(plan, src, "awb.create_agent_websocket_bridge") == (
        f"{BRIDGE}.create_agent_websocket_bridge"
    )


def test_plain_dotted_import_resolves_through_its_root(plan: Plan) -> None:
    src = f"import {BRIDGE}"
    assert qualified_of(plan, src, f"{BRIDGE}.AgentWebSocketBridge") == (
        f"{BRIDGE}.AgentWebSocketBridge"
    )


def test_relative_import_resolves_against_the_module_name(plan: Plan) -> None:
    src = "from ..services.agent_websocket_bridge import AgentWebSocketBridge"
    got = qualified_of(plan, src, "AgentWebSocketBridge", module_name="netra_backend.app.x.mod")
    assert got == f"{BRIDGE}.AgentWebSocketBridge"


def test_relative_import_in_a_package_init_starts_at_the_package(plan: Plan) -> None:
    assert resolve_relative("a.b", True, 1, "c") == "a.b.c"
    assert resolve_relative("a.b", False, 1, "c") == "a.c"
    assert resolve_relative("a.b.c", False, 2, "") == "a"


def test_imports_inside_functions_and_type_checking_blocks_count(plan: Plan) -> None:
    src = f"""
    from typing import TYPE_CHECKING
    if TYPE_CHECKING:
        from {BRIDGE} import AgentWebSocketBridge
    def f():
        from {BRIDGE} import create_agent_websocket_bridge as make
    """
    assert qualified_of(plan, src, "AgentWebSocketBridge") == f"{BRIDGE}.AgentWebSocketBridge"
    assert qualified_of(plan, src, "make") == f"{BRIDGE}.create_agent_websocket_bridge"


def test_import_error_fallback_keeps_the_path_the_plan_knows(plan: Plan) -> None:
    factory = "netra_backend.app.agents.supervisor.agent_instance_factory"
    src = f"""
    try:
        from {factory} import UserWebSocketEmitter
    except ImportError:
        from netra_backend.app.agents.agent_instance_factory import UserWebSocketEmitter
    """
    assert qualified_of(plan, src, "UserWebSocketEmitter") == f"{factory}.UserWebSocketEmitter"


def test_star_import_of_a_legacy_module_binds_its_plan_names(plan: Plan) -> None:
    src = f"from {BRIDGE} import *"
    assert qualified_of(plan, src, "AgentWebSocketBridge") == f"{BRIDGE}.AgentWebSocketBridge"


def test_unimported_name_has_no_qualified_name(plan: Plan) -> None:
    assert qualified_of(plan, "", "AgentWebSocketBridge") is None


# ------------------------------------------------------------- receivers ----
def test_local_bound_to_constructor_is_that_api(plan: Plan) -> None:
    got = one(
        plan,
        f"""
        from {BRIDGE} import AgentWebSocketBridge
        def f(ctx):
            bridge = AgentWebSocketBridge(ctx)
            probe(bridge)
        """,
    )
    assert got == Receiver(api="bridge")


def test_shim_path_resolves_like_the_legacy_path(plan: Plan) -> None:
    got = one(
        plan,
        f"""
        from {SHIM_BRIDGE} import create_agent_websocket_bridge
        def f(ctx):
            bridge = create_agent_websocket_bridge(ctx)
            probe(bridge)
        """,
    )
    assert got.api == "bridge"


def test_target_class_resolves_as_unified_not_as_the_old_unified_emitter(plan: Plan) -> None:
    old, new = probes(
        plan,
        """
        from compat.unified_emitter import UnifiedWebSocketEmitter as Old
        from target_emitter import UnifiedWebSocketEmitter
        def f(a: Old, b: UnifiedWebSocketEmitter):
            probe(a)
            probe(b)
        """,
    )
    assert old.api == "old_unified" and not old.unified
    assert new.unified and new.api is None


def test_factory_class_method_on_a_reexported_name_is_a_constructor(plan: Plan) -> None:
    got = one(
        plan,
        """
        from netra_backend.app.websocket_core import WebSocketEmitterFactory
        def f(m, ctx):
            emitter = WebSocketEmitterFactory.create_emitter(m, "u1", ctx)
            probe(emitter)
        """,
    )
    assert got.api == "old_unified"


def test_same_class_name_from_two_modules_is_told_apart_by_path(plan: Plan) -> None:
    per_user, old = probes(
        plan,
        """
        from netra_backend.app.agents.supervisor.agent_instance_factory import UserWebSocketEmitter
        from netra_backend.app.websocket_core import UserWebSocketEmitter as Old
        def f(a: UserWebSocketEmitter, b: Old):
            probe(a)
            probe(b)
        """,
    )
    assert per_user.api == "factory_emitter"
    assert old.api == "old_unified"


@pytest.mark.parametrize(
    "annotation",
    [
        "AgentWebSocketBridge",
        "Optional[AgentWebSocketBridge]",
        "typing.Optional[AgentWebSocketBridge]",
        "AgentWebSocketBridge | None",
        "None | AgentWebSocketBridge",
        "Union[AgentWebSocketBridge, None]",
        '"AgentWebSocketBridge"',
        '"Optional[AgentWebSocketBridge]"',
        '"awb.AgentWebSocketBridge"',
    ],
)
def test_annotated_parameter_forms_are_typed(plan: Plan, annotation: str) -> None:
    got = one(
        plan,
        f"""
        import typing
        from typing import Optional, Union
        import {BRIDGE} as awb
        from {BRIDGE} import AgentWebSocketBridge
        async def f(bridge: {annotation} = None):
            probe(bridge)
        """,
    )
    assert got.api == "bridge"


def test_union_of_two_classes_is_unknown(plan: Plan) -> None:
    got = one(
        plan,
        f"""
        from {BRIDGE} import AgentWebSocketBridge
        def f(bridge: AgentWebSocketBridge | str):
            probe(bridge)
        """,
    )
    assert not got.known
    assert "does not name a single class" in got.reason


def test_annotated_local_variable_is_typed(plan: Plan) -> None:
    got = one(
        plan,
        f"""
        from {BRIDGE} import AgentWebSocketBridge
        def f(registry):
            bridge: AgentWebSocketBridge = registry.lookup()
            probe(bridge)
        """,
    )
    assert got.api == "bridge"


def test_self_attribute_from_annotated_init_parameter(plan: Plan) -> None:
    got = one(
        plan,
        f"""
        from {BRIDGE} import AgentWebSocketBridge
        class Service:
            def __init__(self, bridge: AgentWebSocketBridge) -> None:
                self.bridge = bridge
            async def go(self):
                probe(self.bridge)
        """,
    )
    assert got.api == "bridge"


def test_self_attribute_from_setup_mock_spec(plan: Plan) -> None:
    got = one(
        plan,
        f"""
        import unittest
        from unittest import mock
        from {BRIDGE} import AgentWebSocketBridge
        class T(unittest.TestCase):
            def setUp(self):
                self.bridge = mock.MagicMock(spec=AgentWebSocketBridge)
            def test_it(self):
                probe(self.bridge)
        """,
    )
    assert got.api == "bridge"


def test_mock_forms_carry_their_spec(plan: Plan) -> None:
    results = probes(
        plan,
        f"""
        from unittest.mock import AsyncMock, Mock, create_autospec
        from {BRIDGE} import AgentWebSocketBridge
        def f():
            a = Mock(spec=AgentWebSocketBridge)
            b = create_autospec(AgentWebSocketBridge)
            c = AsyncMock(spec_set=AgentWebSocketBridge)
            d = Mock()
            probe(a); probe(b); probe(c); probe(d)
        """,
    )
    assert [r.api for r in results] == ["bridge", "bridge", "bridge", None]
    assert "without spec=" in results[3].reason


def test_dotted_local_assignment_types_the_attribute_in_that_function(plan: Plan) -> None:
    inside, elsewhere = probes(
        plan,
        f"""
        from unittest.mock import Mock
        from {BRIDGE} import AgentWebSocketBridge
        def test_one(notifier):
            notifier.bridge = Mock(spec=AgentWebSocketBridge)
            probe(notifier.bridge)
        def test_two(notifier):
            probe(notifier.bridge)
        """,
    )
    assert inside.api == "bridge"
    assert not elsewhere.known
    assert "`notifier.bridge` is an attribute of `notifier`" in elsewhere.reason


def test_self_attribute_assigned_only_outside_init_is_unknown(plan: Plan) -> None:
    got = one(
        plan,
        f"""
        from {BRIDGE} import AgentWebSocketBridge
        class S:
            def connect(self, ctx):
                self.bridge = AgentWebSocketBridge(ctx)
            def go(self):
                probe(self.bridge)
        """,
    )
    assert not got.known
    assert "assigned in `connect`, not in `__init__`" in got.reason


def test_self_attribute_reassigned_to_another_type_is_unknown(plan: Plan) -> None:
    got = one(
        plan,
        f"""
        from {BRIDGE} import AgentWebSocketBridge
        class S:
            def __init__(self, ctx):
                self.bridge = AgentWebSocketBridge(ctx)
            def swap(self, other):
                self.bridge = other
            def go(self):
                probe(self.bridge)
        """,
    )
    assert not got.known
    assert "more than once" in got.reason


def test_self_attribute_set_to_none_first_is_typed_by_the_real_value(plan: Plan) -> None:
    got = one(
        plan,
        f"""
        from {BRIDGE} import create_agent_websocket_bridge
        class S:
            def __init__(self, ctx):
                self.bridge = None
                self.bridge = create_agent_websocket_bridge(ctx)
            def go(self):
                probe(self.bridge)
        """,
    )
    assert got.api == "bridge"


def test_self_attribute_declared_in_class_body(plan: Plan) -> None:
    got = one(
        plan,
        f"""
        from dataclasses import dataclass
        from {BRIDGE} import AgentWebSocketBridge
        @dataclass
        class S:
            bridge: AgentWebSocketBridge
            def go(self):
                probe(self.bridge)
        """,
    )
    assert got.api == "bridge"


def test_self_in_subclass_of_legacy_class(plan: Plan) -> None:
    got = one(
        plan,
        """
        from netra_backend.app.agents.base_agent import BaseAgent
        class Triage(BaseAgent):
            async def run(self):
                probe(self)
        """,
    )
    assert got.api == "base_agent"
    assert got.defines == frozenset({"run"})


def test_self_through_an_intermediate_class_in_the_same_file(plan: Plan) -> None:
    got = one(
        plan,
        """
        from compat.base_agent import BaseAgent as Agent
        class Middle(Agent):
            pass
        class Leaf(Middle):
            async def run(self):
                probe(self)
        """,
    )
    assert got.api == "base_agent"


def test_self_in_nested_function_of_a_method(plan: Plan) -> None:
    got = one(
        plan,
        """
        from netra_backend.app.agents.base_agent import BaseAgent
        class Triage(BaseAgent):
            async def run(self):
                async def inner():
                    probe(self)
                await inner()
        """,
    )
    assert got.api == "base_agent"


def test_self_in_a_plain_class_is_unknown_with_the_class_name(plan: Plan) -> None:
    got = one(
        plan,
        """
        class Plain:
            def run(self):
                probe(self)
        """,
    )
    assert not got.known
    assert "`self` is a `Plain`" in got.reason


def test_staticmethod_first_parameter_is_not_self(plan: Plan) -> None:
    got = one(
        plan,
        """
        from netra_backend.app.agents.base_agent import BaseAgent
        class Triage(BaseAgent):
            @staticmethod
            def helper(self):
                probe(self)
        """,
    )
    assert not got.known
    assert "unannotated parameter" in got.reason


def test_unknown_receivers_explain_why(plan: Plan) -> None:
    results = probes(
        plan,
        """
        from netra_backend.app.agents.base_agent import BaseAgent
        class A(BaseAgent):
            def run(self, context, bridges, fixture):
                probe(context.websocket_bridge)
                probe(bridges[0])
                probe(super())
                probe(fixture)
                probe(get_bridge())
                probe(undefined)
        """,
    )
    reasons = [r.reason for r in results]
    assert not any(r.known for r in results)
    assert "`context.websocket_bridge` is an attribute of `context`" in reasons[0]
    assert "subscript" in reasons[1]
    assert "super()" in reasons[2]
    assert "`fixture` is an unannotated parameter" in reasons[3]
    assert "`get_bridge(...)` returns something the tool cannot type" in reasons[4]
    assert "`undefined` is not assigned" in reasons[5]


def test_name_reassigned_to_other_values_is_unknown(plan: Plan) -> None:
    got = one(
        plan,
        f"""
        from {BRIDGE} import AgentWebSocketBridge
        def f(ctx, other):
            bridge = AgentWebSocketBridge(ctx)
            if ctx:
                bridge = other
            probe(bridge)
        """,
    )
    assert not got.known
    assert "assigned more than once" in got.reason


def test_loop_and_with_targets_are_unknown(plan: Plan) -> None:
    loop, managed = probes(
        plan,
        """
        def f(bridges, cm):
            for bridge in bridges:
                probe(bridge)
            with cm as b:
                probe(b)
        """,
    )
    assert "loop variable" in loop.reason
    assert "`with` statement" in managed.reason


def test_module_level_binding_is_seen_from_functions(plan: Plan) -> None:
    got = one(
        plan,
        f"""
        from {BRIDGE} import create_agent_websocket_bridge
        BRIDGE = create_agent_websocket_bridge(None)
        async def f():
            probe(BRIDGE)
        """,
    )
    assert got.api == "bridge"


def test_function_parameter_shadows_a_module_binding(plan: Plan) -> None:
    got = one(
        plan,
        f"""
        from {BRIDGE} import create_agent_websocket_bridge
        bridge = create_agent_websocket_bridge(None)
        async def f(bridge):
            probe(bridge)
        """,
    )
    assert not got.known


def test_alias_of_a_typed_local_keeps_its_type(plan: Plan) -> None:
    got = one(
        plan,
        f"""
        from {BRIDGE} import AgentWebSocketBridge
        def f(b: AgentWebSocketBridge):
            alias = b
            probe(alias)
        """,
    )
    assert got.api == "bridge"


def test_bound_unified_emitter_stays_unified(plan: Plan) -> None:
    got = one(
        plan,
        """
        from target_emitter import UnifiedWebSocketEmitter
        def f(ctx):
            e = UnifiedWebSocketEmitter.from_context(ctx).bind(run_id="r")
            probe(e)
        """,
    )
    assert got.unified


def test_function_call_that_returns_no_emitter_is_not_an_emitter(plan: Plan) -> None:
    got = one(
        plan,
        """
        from netra_backend.app.websocket_core import get_websocket_manager
        def f():
            m = get_websocket_manager()
            probe(m)
        """,
    )
    assert not got.known
    assert "returns no emitter" in got.reason


def test_annotation_naming_a_project_subclass_uses_the_index(plan: Plan) -> None:
    project = ProjectIndex(derived={"TriageAgent": "base_agent"})
    got = one(
        plan,
        """
        from app.agents.triage import TriageAgent
        async def f(agent: TriageAgent):
            probe(agent)
        """,
        project=project,
    )
    assert got.api == "base_agent"


# ------------------------------------------------------------ the index ----
def index(plan: Plan, files: dict[str, str]) -> ProjectIndex:
    return build_index(((p, textwrap.dedent(s).encode()) for p, s in files.items()), plan)


def test_index_finds_subclasses_through_intermediate_classes_across_files(plan: Plan) -> None:
    idx = index(
        plan,
        {
            "app/agents/knowledge.py": """
                from netra_backend.app.agents.base_agent import BaseAgent
                class KnowledgeAgent(BaseAgent):
                    pass
            """,
            "app/agents/triage.py": """
                from app.agents.knowledge import KnowledgeAgent
                class TriageAgent(KnowledgeAgent):
                    pass
            """,
            "app/agents/deep.py": """
                from app.agents import triage
                class DeepAgent(
                    triage.TriageAgent,  # comment ) with a paren
                    metaclass=Meta,
                ):
                    pass
                class Unrelated:
                    pass
            """,
        },
    )
    assert idx.derived == {
        "KnowledgeAgent": "base_agent",
        "TriageAgent": "base_agent",
        "DeepAgent": "base_agent",
    }
    assert b"DeepAgent" in idx.extra_tokens and b"TriageAgent" in idx.extra_tokens
    assert idx.ambiguous == {}


def test_index_resolves_relative_imports_and_aliases(plan: Plan) -> None:
    idx = index(
        plan,
        {
            "netra_backend/app/agents/my_agents.py": """
                from .base_agent import BaseAgent as Agent
                class Mine(Agent):
                    pass
            """,
            "app/emitters.py": """
                from compat.agent_websocket_bridge import (
                    AgentWebSocketBridge as B,  # shim path
                )
                class Custom(B):
                    pass
            """,
        },
    )
    assert idx.derived == {"Mine": "base_agent", "Custom": "bridge"}


def test_index_marks_a_name_defined_twice_with_different_ancestry_ambiguous(plan: Plan) -> None:
    idx = index(
        plan,
        {
            "a/helper.py": """
                from netra_backend.app.agents.base_agent import BaseAgent
                class Helper(BaseAgent):
                    pass
            """,
            "b/helper.py": """
                class Helper:
                    pass
            """,
            "c/user.py": """
                from a.helper import Helper
                class Child(Helper):
                    pass
            """,
        },
    )
    assert "Helper" in idx.ambiguous and "Child" in idx.ambiguous
    assert "a/helper.py, b/helper.py" in idx.ambiguous["Helper"]
    assert "Helper" not in idx.derived


def test_ambiguous_base_makes_self_unknown_with_the_index_reason(plan: Plan) -> None:
    project = ProjectIndex(ambiguous={"Helper": "class `Helper` is defined more than once"})
    got = one(
        plan,
        """
        from a.helper import Helper
        class Child(Helper):
            async def run(self):
                probe(self)
        """,
        project=project,
    )
    assert not got.known
    assert "class `Helper` is defined more than once" in got.reason


def test_index_skips_the_legacy_modules_themselves(plan: Plan) -> None:
    idx = index(
        plan,
        {
            "netra_backend/app/agents/base_agent.py": """
                class BaseAgent:
                    pass
            """,
            "app/agent.py": """
                from netra_backend.app.agents.base_agent import BaseAgent
                class A(BaseAgent):
                    pass
            """,
        },
    )
    assert idx.derived == {"A": "base_agent"}
    assert idx.ambiguous == {}


def test_index_digest_changes_with_the_facts_only(plan: Plan) -> None:
    files = {"x.py": "from compat.base_agent import BaseAgent\nclass A(BaseAgent): pass\n"}
    same = {
        "y.py": "from compat.base_agent import BaseAgent\n\nclass A(BaseAgent):  # hi\n  pass\n"
    }
    other = {"x.py": "class A: pass\n"}
    assert index(plan, files).digest == index(plan, same).digest
    assert index(plan, files).digest != index(plan, other).digest


def test_module_name_of_paths() -> None:
    assert module_name_of("a/b/c.py") == "a.b.c"
    assert module_name_of("a/b/__init__.py") == "a.b"


def test_instance_of_a_project_subclass_is_typed_through_the_index(plan: Plan) -> None:
    project = ProjectIndex(derived={"TriageAgent": "base_agent"}, ambiguous={"Helper": "why"})
    typed, ambiguous = probes(
        plan,
        """
        from app.agents.triage import TriageAgent
        from app.helper import Helper
        def f():
            agent = TriageAgent()
            helper = Helper()
            probe(agent)
            probe(helper)
        """,
        project=project,
    )
    assert typed.api == "base_agent"
    assert not ambiguous.known and ambiguous.reason == "why"


def test_mentions_legacy_tells_files_with_nothing_to_do(plan: Plan) -> None:
    def mentions(source: str) -> bool:
        tree = cst.parse_module(textwrap.dedent(source))
        return Resolver(plan, "app.mod").run(tree).mentions_legacy

    assert not mentions("import os\nx = 'notify_agent_started'\n")
    assert mentions("def f(b):\n    return b.notify_agent_started('r', 'a')\n")
    assert mentions(f"from {SHIM_BRIDGE} import AgentWebSocketBridge\n")
    assert mentions("from netra_backend.app.websocket_core import get_websocket_manager\n")
