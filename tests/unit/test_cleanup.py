"""Stage 4 (cleanup): unused compat imports go; remaining shim uses are reported."""

from __future__ import annotations

import textwrap

import pytest

from codemods.plan import Plan, load_plan
from codemods.report import AUTO, MANUAL, Site
from codemods.stages.cleanup import CleanupCodemod
from tests.stage_check import run_stage

SHIM = "compat.agent_websocket_bridge"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


def run(
    plan: Plan, src: str, path: str = "app/mod.py", module: str | None = "app.mod"
) -> tuple[str, list[Site]]:
    """Run the stage, and check the output parses and a second run changes nothing."""
    r = run_stage(CleanupCodemod, plan, src, stage="cleanup", path=path, module=module)
    return r.code, r.sites


def test_unused_compat_import_is_removed_and_others_kept(plan: Plan) -> None:
    out, sites = run(
        plan,
        f"""\
        import os
        from {SHIM} import AgentWebSocketBridge, create_agent_websocket_bridge
        from target_emitter import UnifiedWebSocketEmitter
        x = create_agent_websocket_bridge(os.environ)
        """,
    )
    assert out == textwrap.dedent(
        f"""\
        import os
        from {SHIM} import create_agent_websocket_bridge
        from target_emitter import UnifiedWebSocketEmitter
        x = create_agent_websocket_bridge(os.environ)
        """
    )
    auto = [s for s in sites if s.status == AUTO]
    assert [(s.symbol, s.line) for s in auto] == [(f"{SHIM}.AgentWebSocketBridge", 2)]


def test_still_used_shim_name_is_reported_with_the_lines_using_it(plan: Plan) -> None:
    _, sites = run(
        plan,
        f"""\
        from {SHIM} import create_agent_websocket_bridge

        def f(ctx):
            return create_agent_websocket_bridge(ctx)
        """,
    )
    (site,) = sites
    assert (site.status, site.kind, site.line) == (MANUAL, "reference", 1)
    assert "(line 4)" in site.reason and "finish the manual sites in this file" in site.reason


def test_emptied_import_statement_goes_and_its_comment_moves_down(plan: Plan) -> None:
    out, _ = run(
        plan,
        f"""\
        import os
        # the old bridge
        from {SHIM} import AgentWebSocketBridge
        x = 1
        """,
    )
    assert out == "import os\n# the old bridge\nx = 1\n"


def test_function_level_import_is_judged_by_its_function(plan: Plan) -> None:
    out, sites = run(
        plan,
        f"""\
        from {SHIM} import create_agent_websocket_bridge
        def build(ctx):
            from {SHIM} import create_agent_websocket_bridge
            return ctx
        def other(ctx):
            return create_agent_websocket_bridge(ctx)
        """,
    )
    assert out == textwrap.dedent(
        f"""\
        from {SHIM} import create_agent_websocket_bridge
        def build(ctx):
            return ctx
        def other(ctx):
            return create_agent_websocket_bridge(ctx)
        """
    )
    assert [s.status for s in sites] == [MANUAL, AUTO]


def test_type_checking_block_left_empty_gets_pass(plan: Plan) -> None:
    out, _ = run(
        plan,
        f"""\
        if TYPE_CHECKING:
            from {SHIM} import AgentWebSocketBridge
        """,
    )
    assert out == "if TYPE_CHECKING:\n    pass\n"


def test_string_annotation_counts_as_a_use(plan: Plan) -> None:
    out, sites = run(
        plan,
        f"""\
        if TYPE_CHECKING:
            from {SHIM} import AgentWebSocketBridge
        def f(b: "AgentWebSocketBridge") -> None: ...
        """,
    )
    assert "import AgentWebSocketBridge" in out
    assert "(line 3)" in sites[0].reason


def test_module_alias_and_aliased_module_imports(plan: Plan) -> None:
    out, sites = run(
        plan,
        f"""\
        from compat import agent_websocket_bridge, unified_emitter
        import {SHIM} as awb
        unified_emitter.UnifiedWebSocketEmitter
        """,
    )
    assert out == "from compat import unified_emitter\nunified_emitter.UnifiedWebSocketEmitter\n"
    assert sorted(s.symbol for s in sites if s.status == AUTO) == [SHIM, SHIM]


def test_reexports_are_kept_and_reported(plan: Plan) -> None:
    src = textwrap.dedent(
        f"""\
        from {SHIM} import AgentWebSocketBridge as AgentWebSocketBridge
        from compat.unified_emitter import UserWebSocketEmitter
        __all__ = ["UserWebSocketEmitter"]
        """
    )
    out, sites = run(plan, src)
    assert out == src
    assert [s.kind for s in sites] == ["reference", "reference"]
    assert all(
        "re-export the unified target_emitter.UnifiedWebSocketEmitter" in s.reason for s in sites
    )


def test_package_init_top_level_imports_are_reexports(plan: Plan) -> None:
    src = f"from {SHIM} import AgentWebSocketBridge\ndef f():\n    from {SHIM} import create_agent_websocket_bridge\n"
    out, sites = run(plan, src, path="app/__init__.py", module="app")
    assert out == f"from {SHIM} import AgentWebSocketBridge\ndef f():\n    pass\n"
    assert [s.status for s in sites] == [MANUAL, AUTO]


def test_legacy_imports_and_unrelated_imports_are_not_cleanup_sites(plan: Plan) -> None:
    src = "from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge\nimport os\n"
    out, sites = run(plan, src)
    assert out == src and sites == []


def test_shim_and_legacy_module_files_are_left_alone(plan: Plan) -> None:
    src = "from compat.unified_emitter import UnifiedWebSocketEmitter\n"
    assert run(plan, src, path="compat/agent_websocket_bridge.py", module=SHIM) == (src, [])
    legacy = "netra_backend.app.services.agent_websocket_bridge"
    assert run(plan, src, path="x.py", module=legacy) == (src, [])


def test_relative_import_inside_compat_package_resolves(plan: Plan) -> None:
    out, sites = run(
        plan, "from .agent_websocket_bridge import AgentWebSocketBridge\n", module="compat.helpers"
    )
    assert out.strip() == "" and sites[0].symbol == f"{SHIM}.AgentWebSocketBridge"
