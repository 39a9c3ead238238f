"""Stage 1 (imports): legacy imports in every form are routed to the compat shims."""

from __future__ import annotations

import textwrap

import pytest

from codemods.plan import Plan, load_plan
from codemods.report import AUTO, MANUAL, Site
from codemods.stages.imports import ImportsCodemod
from tests.stage_check import run_stage

BRIDGE = "netra_backend.app.services.agent_websocket_bridge"
CORE = "netra_backend.app.websocket_core"
FACTORY = "netra_backend.app.agents.supervisor.agent_instance_factory"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


def run(
    plan: Plan, src: str, path: str = "app/mod.py", module: str | None = "app.mod"
) -> tuple[str, list[Site]]:
    """Run the stage, and check the output parses, a second run changes nothing, and the
    manual sites stay the same on the rewritten output."""
    r = run_stage(ImportsCodemod, plan, src, stage="compat-imports", path=path, module=module)
    again = run_stage(
        ImportsCodemod, plan, r.code, stage="compat-imports", path=path, module=module
    )
    manual_first = sorted((s.symbol, s.reason) for s in r.manual())
    manual_again = sorted((s.symbol, s.reason) for s in again.manual())
    assert manual_again == manual_first, "manual sites differ on the rewritten output"
    return r.code, r.sites


def dedent(src: str) -> str:
    return textwrap.dedent(src)


def manual(sites: list[Site]) -> list[Site]:
    return [s for s in sites if s.status == MANUAL]


def test_mixed_import_is_split_into_shim_and_unrelated_names(plan: Plan) -> None:
    out, sites = run(plan, f"from {CORE} import UnifiedWebSocketEmitter, websocket_manager\n")
    assert out == dedent(
        f"""\
        from compat.unified_emitter import UnifiedWebSocketEmitter
        from {CORE} import websocket_manager
        """
    )
    assert [(s.symbol, s.status) for s in sites if s.status == AUTO] == [
        (f"{CORE}.UnifiedWebSocketEmitter", AUTO)
    ]


def test_parenthesised_import_keeps_layout_and_comments(plan: Plan) -> None:
    out, _ = run(
        plan,
        f"""\
        from {BRIDGE} import (
            AgentWebSocketBridge,  # the bridge
            # the factory, sync
            create_agent_websocket_bridge,
        )
        """,
    )
    assert out == dedent(
        """\
        from compat.agent_websocket_bridge import (
            AgentWebSocketBridge,  # the bridge
            # the factory, sync
            create_agent_websocket_bridge,
        )
        """
    )


def test_aliased_import_is_rewritten_and_alias_kept(plan: Plan) -> None:
    out, sites = run(plan, f"from {CORE} import WebSocketEventEmitter as Emitter\nEmitter\n")
    assert out == "from compat.unified_emitter import WebSocketEventEmitter as Emitter\nEmitter\n"
    assert sites[0].line == 1 and sites[0].col > 1


def test_module_alias_in_test_function_is_routed_when_every_use_is_a_plan_name(
    plan: Plan,
) -> None:
    out, _ = run(
        plan,
        f"""\
        def test_bridge():
            import {BRIDGE} as awb
            return awb.AgentWebSocketBridge(awb.create_agent_websocket_bridge())
        """,
    )
    assert "    import compat.agent_websocket_bridge as awb\n" in out


def test_module_alias_used_for_unknown_names_is_manual(plan: Plan) -> None:
    src = f"""\
        def test_bridge():
            import {BRIDGE} as awb
            return awb.SomethingElse
        """
    out, sites = run(plan, src)
    assert out == dedent(src)
    (site,) = manual(sites)
    assert (
        "awb.SomethingElse" in site.reason and "from compat.agent_websocket_bridge" in site.reason
    )


def test_module_alias_used_as_a_value_is_manual(plan: Plan) -> None:
    out, sites = run(plan, f"import {BRIDGE} as awb\nregistry = [awb]\n")
    assert out.startswith(f"import {BRIDGE} as awb")
    assert "used as a value" in manual(sites)[0].reason


def test_legacy_submodule_imported_from_its_package(plan: Plan) -> None:
    out, _ = run(
        plan,
        """\
        from netra_backend.app.services import agent_websocket_bridge, user_execution_context
        agent_websocket_bridge.AgentWebSocketBridge
        """,
    )
    assert out.splitlines()[:2] == [
        "from compat import agent_websocket_bridge",
        "from netra_backend.app.services import user_execution_context",
    ]


def test_relative_import_of_legacy_module_becomes_absolute_shim_import(plan: Plan) -> None:
    out, _ = run(
        plan,
        "from .agent_websocket_bridge import AgentWebSocketBridge, helper\n",
        path="netra_backend/app/services/notifier.py",
        module="netra_backend.app.services.notifier",
    )
    assert out == dedent(
        """\
        from compat.agent_websocket_bridge import AgentWebSocketBridge
        from .agent_websocket_bridge import helper
        """
    )


def test_relative_import_resolves_under_a_longer_root_prefix(plan: Plan) -> None:
    out, _ = run(
        plan,
        "from ..websocket_core import UnifiedWebSocketEmitter\n",
        path="src/netra_backend/app/services/__init__.py",
        module="vendor.netra_backend.app.services",
    )
    assert out == "from compat.unified_emitter import UnifiedWebSocketEmitter\n"


def test_relative_import_without_a_module_name_is_manual(plan: Plan) -> None:
    src = "from .agent_websocket_bridge import AgentWebSocketBridge\n"
    out, sites = run(plan, src, module=None)
    assert out == src
    assert "absolute import" in manual(sites)[0].reason


def test_imports_in_functions_type_checking_and_try_blocks(plan: Plan) -> None:
    out, _ = run(
        plan,
        f"""\
        if TYPE_CHECKING:
            from {BRIDGE} import AgentWebSocketBridge
        def build():
            from {BRIDGE} import create_agent_websocket_bridge
            return create_agent_websocket_bridge()
        try:
            from {CORE} import get_websocket_manager
        finally:
            pass
        if True: from {CORE} import set_websocket_manager
        """,
    )
    assert out == dedent(
        """\
        if TYPE_CHECKING:
            from compat.agent_websocket_bridge import AgentWebSocketBridge
        def build():
            from compat.agent_websocket_bridge import create_agent_websocket_bridge
            return create_agent_websocket_bridge()
        try:
            from compat.unified_emitter import get_websocket_manager
        finally:
            pass
        if True: from compat.unified_emitter import set_websocket_manager
        """
    )


def test_try_import_error_fallback_is_reported_and_left(plan: Plan) -> None:
    out, sites = run(
        plan,
        f"""\
        try:
            from {FACTORY} import UserWebSocketEmitter
        except ImportError:  # older deployments
            from netra_backend.app.agents.agent_instance_factory import UserWebSocketEmitter
        """,
    )
    assert out == dedent(
        """\
        try:
            from compat.agent_instance_factory import UserWebSocketEmitter
        except ImportError:  # older deployments
            from netra_backend.app.agents.agent_instance_factory import UserWebSocketEmitter
        """
    )
    (site,) = manual(sites)
    assert site.line == 4 and "delete this `except ImportError` branch" in site.reason


def test_fallback_that_is_not_an_import_is_not_reported(plan: Plan) -> None:
    _, sites = run(
        plan,
        f"""\
        try:
            from {BRIDGE} import AgentWebSocketBridge
        except ImportError:
            AgentWebSocketBridge = None
        """,
    )
    assert manual(sites) == []


def test_names_the_plan_does_not_know_stay_and_are_manual(plan: Plan) -> None:
    out, sites = run(plan, f"from {BRIDGE} import AgentWebSocketBridge, WebSocketNotifier\n")
    assert out == dedent(
        f"""\
        from compat.agent_websocket_bridge import AgentWebSocketBridge
        from {BRIDGE} import WebSocketNotifier
        """
    )
    (site,) = manual(sites)
    assert site.symbol == f"{BRIDGE}.WebSocketNotifier"
    assert "delete it from the import" in site.reason and "[symbols]" in site.reason


def test_reexport_in_package_init_keeps_dunder_all_working(plan: Plan) -> None:
    out, _ = run(
        plan,
        f"""\
        from {CORE} import UserWebSocketEmitter as UserWebSocketEmitter
        from {CORE} import IsolatedWebSocketEventEmitter
        __all__ = ["UserWebSocketEmitter", "IsolatedWebSocketEventEmitter"]
        """,
        path="app/__init__.py",
        module="app",
    )
    assert out == dedent(
        """\
        from compat.unified_emitter import UserWebSocketEmitter as UserWebSocketEmitter
        from compat.unified_emitter import IsolatedWebSocketEventEmitter
        __all__ = ["UserWebSocketEmitter", "IsolatedWebSocketEventEmitter"]
        """
    )


def test_commented_out_legacy_import_is_a_manual_reference_and_untouched(plan: Plan) -> None:
    src = f"# from {BRIDGE} import AgentWebSocketBridge\nimport os  # import {CORE}\n"
    out, sites = run(plan, src)
    assert out == src
    assert [(s.kind, s.line, s.col) for s in manual(sites)] == [
        ("reference", 1, 1),
        ("reference", 2, 12),
    ]
    assert "delete the comment" in sites[0].reason


def test_unrelated_comment_is_not_reported(plan: Plan) -> None:
    _, sites = run(plan, "# import os\n# from app.bridge import thing\nx = 1\n")
    assert sites == []


def test_new_shim_import_merges_into_existing_one(plan: Plan) -> None:
    out, _ = run(
        plan,
        f"""\
        from compat.agent_websocket_bridge import AgentWebSocketBridge
        from {BRIDGE} import AgentWebSocketBridge, create_agent_websocket_bridge
        """,
    )
    assert out == (
        "from compat.agent_websocket_bridge import AgentWebSocketBridge, "
        "create_agent_websocket_bridge\n"
    )


def test_two_legacy_paths_of_one_shim_do_not_duplicate_a_name(plan: Plan) -> None:
    out, _ = run(
        plan,
        f"""\
        # emitters
        from {CORE} import UnifiedWebSocketEmitter
        # again, by its home module
        from {CORE}.unified_emitter import UnifiedWebSocketEmitter
        x = 1
        """,
    )
    assert out == dedent(
        """\
        # emitters
        from compat.unified_emitter import UnifiedWebSocketEmitter
        # again, by its home module
        x = 1
        """
    )


def test_later_existing_shim_import_repeating_a_new_one_is_dropped(plan: Plan) -> None:
    out, _ = run(
        plan,
        f"""\
        from {BRIDGE} import AgentWebSocketBridge
        from compat.agent_websocket_bridge import AgentWebSocketBridge, Extra
        """,
    )
    assert out == dedent(
        """\
        from compat.agent_websocket_bridge import AgentWebSocketBridge
        from compat.agent_websocket_bridge import Extra
        """
    )


def test_merge_that_would_overflow_the_line_stays_separate(plan: Plan) -> None:
    out, _ = run(
        plan,
        f"""\
        from {CORE} import UnifiedWebSocketEmitter as UWE, get_websocket_manager
        from {CORE}.unified_emitter import WebSocketEmitterFactory
        """,
    )
    assert out.splitlines() == [
        "from compat.unified_emitter import UnifiedWebSocketEmitter as UWE, get_websocket_manager",
        "from compat.unified_emitter import WebSocketEmitterFactory",
    ]


def test_imports_in_separate_blocks_are_not_merged(plan: Plan) -> None:
    out, _ = run(
        plan,
        f"""\
        from {BRIDGE} import AgentWebSocketBridge
        def f():
            from {BRIDGE} import AgentWebSocketBridge
        """,
    )
    assert out.count("from compat.agent_websocket_bridge import AgentWebSocketBridge") == 2


def test_star_and_plain_imports_are_manual(plan: Plan) -> None:
    src = f"from {CORE} import *\nimport {BRIDGE}\n"
    out, sites = run(plan, src)
    assert out == src
    reasons = [s.reason for s in manual(sites)]
    assert "import the names this file uses explicitly" in reasons[0]
    assert "from compat.agent_websocket_bridge import Name" in reasons[1]


def test_semicolon_line_stays_one_line(plan: Plan) -> None:
    out, _ = run(plan, f"import os; from {BRIDGE} import AgentWebSocketBridge, other\n")
    assert out == (
        "import os; from compat.agent_websocket_bridge import AgentWebSocketBridge; "
        f"from {BRIDGE} import other\n"
    )


def test_legacy_module_file_is_never_touched(plan: Plan) -> None:
    src = f"from {CORE}.unified_emitter import UnifiedWebSocketEmitter\n# import {BRIDGE}\n"
    out, sites = run(
        plan,
        src,
        path="netra_backend/app/websocket_core/__init__.py",
        module="netra_backend.app.websocket_core",
    )
    assert out == src and sites == []


def test_unrelated_and_shim_imports_report_nothing(plan: Plan) -> None:
    src = "import os\nfrom compat.agent_websocket_bridge import AgentWebSocketBridge\n"
    out, sites = run(plan, src)
    assert out == src and sites == []


def test_patch_targets_of_legacy_symbols_follow_the_import_to_the_shim(plan: Plan) -> None:
    out, sites = run(
        plan,
        f"""\
        from unittest import mock
        from unittest.mock import patch
        @mock.patch("{BRIDGE}.AgentWebSocketBridge.notify_agent_started")
        def test_x(started):
            with patch(target='{BRIDGE}.create_agent_websocket_bridge'):
                monkeypatch.setattr("{CORE}.get_websocket_manager", lambda: None)
            patch("{BRIDGE}.resolve_thread")
            patch.object(bridge, "notify_agent_started")
        """,
    )
    assert out == dedent(
        """\
        from unittest import mock
        from unittest.mock import patch
        @mock.patch("compat.agent_websocket_bridge.AgentWebSocketBridge.notify_agent_started")
        def test_x(started):
            with patch(target='compat.agent_websocket_bridge.create_agent_websocket_bridge'):
                monkeypatch.setattr("compat.unified_emitter.get_websocket_manager", lambda: None)
            patch("netra_backend.app.services.agent_websocket_bridge.resolve_thread")
            patch.object(bridge, "notify_agent_started")
        """
    )
    assert [(s.kind, s.status) for s in sites] == [("string", AUTO)] * 3


def test_a_new_import_with_comments_is_not_folded_away(plan: Plan) -> None:
    out, _ = run(
        plan,
        f"""\
        from {BRIDGE} import AgentWebSocketBridge as Bridge
        from {BRIDGE} import create_agent_websocket_bridge  # noqa: F401
        from {BRIDGE} import (
            # the plain name, for annotations
            AgentWebSocketBridge,
        )
        """,
    )
    assert out == dedent(
        """\
        from compat.agent_websocket_bridge import AgentWebSocketBridge as Bridge
        from compat.agent_websocket_bridge import create_agent_websocket_bridge  # noqa: F401
        from compat.agent_websocket_bridge import (
            # the plain name, for annotations
            AgentWebSocketBridge,
        )
        """
    )


def test_backslash_continued_import_is_split_cleanly(plan: Plan) -> None:
    out, _ = run(plan, f"from {CORE} import websocket_manager, \\\n    UnifiedWebSocketEmitter\n")
    assert out == (
        "from compat.unified_emitter import UnifiedWebSocketEmitter\n"
        f"from {CORE} import websocket_manager\n"
    )
