"""The shims and the codemods read one table: every legacy name and method in the plan
exists on its shim with the plan's signature, and the mapping comes from the plan."""

from __future__ import annotations

import asyncio
import importlib
import inspect
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest.mock import AsyncMock, Mock

import pytest

import compat
from codemods.plan import Api, Plan, default_plan_path, load_plan
from compat import _mapping
from compat._plan import current_plan
from compat.agent_websocket_bridge import AgentWebSocketBridge
from target_emitter import RecordingManager, UnifiedWebSocketEmitter

PLAN = load_plan()


def _shim(dotted: str) -> Any:
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def _class_shims(plan: Plan, api: Api) -> list[tuple[str, type]]:
    """(shim path, class) of every symbol whose instances are this API."""
    found = {s.shim: _shim(s.shim) for s in plan.symbols.values() if s.api == api.id}
    classes = [(p, c) for p, c in found.items() if isinstance(c, type)]
    return [
        (p, c)
        for p, c in classes
        if any(s.kind == "class" and s.shim == p for s in plan.symbols.values())
    ]


def _plan_parameters(text: str) -> list[inspect.Parameter]:
    namespace: dict[str, Any] = {}
    exec(f"def legacy({text}): pass", namespace)
    return list(inspect.signature(namespace["legacy"]).parameters.values())


def _same(a: inspect.Parameter, b: inspect.Parameter) -> bool:
    return (a.name, a.kind, a.default) == (b.name, b.kind, b.default)


METHODS = [(api.id, method) for api in PLAN.apis.values() for method in api.methods]


def test_the_shims_follow_the_bundled_plan() -> None:
    assert current_plan().source == str(default_plan_path())
    assert {api.shim_module for api in PLAN.apis.values()} == {
        "compat.unified_emitter",
        "compat.agent_websocket_bridge",
        "compat.base_agent",
        "compat.transparent_websocket_events",
        "compat.agent_instance_factory",
    }


@pytest.mark.parametrize("dotted", sorted(PLAN.symbols))
def test_every_legacy_name_is_exported_by_its_shim_module(dotted: str) -> None:
    symbol = PLAN.symbols[dotted]
    module_name, name = symbol.shim.rsplit(".", 1)
    module = importlib.import_module(module_name)

    assert module_name == PLAN.apis[symbol.api].shim_module
    assert name in module.__all__
    assert getattr(module, name) is not None


@pytest.mark.parametrize(("api_id", "method"), METHODS)
def test_every_plan_method_exists_on_its_shims_with_the_plan_signature(
    api_id: str, method: str
) -> None:
    api = PLAN.apis[api_id]
    mapping = api.methods[method]
    shims = _class_shims(PLAN, api)
    assert shims, f"no class shim for API {api_id}"
    for path, cls in shims:
        function = getattr(cls, method, None)
        assert function is not None, f"{path} has no {method}"
        if mapping.signature is None:  # manual: implemented by hand, any signature
            continue
        params = list(inspect.signature(function).parameters.values())
        assert params[0].name == "self"
        legacy = _plan_parameters(mapping.signature.text)
        shown = params[1 : 1 + len(legacy)]
        assert [p.name for p in shown] == [p.name for p in legacy], path
        assert all(_same(a, b) for a, b in zip(shown, legacy, strict=True)), path
        extra = params[1 + len(legacy) :]
        if extra:  # a dual-shape method: the rest are the unified method's keywords
            unified = inspect.signature(getattr(UnifiedWebSocketEmitter, method)).parameters
            assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in extra)
            assert {p.name for p in extra} <= set(unified)
        assert inspect.iscoroutinefunction(function) or getattr(function, "_is_coroutine", None), (
            f"{path}.{method} must look async to Mock(spec=...)"
        )


@pytest.mark.parametrize(("api_id", "method"), METHODS)
def test_every_automatic_mapping_compiles_against_the_unified_api(api_id: str, method: str) -> None:
    mapping = PLAN.apis[api_id].methods[method]
    if mapping.manual:
        with pytest.raises(LookupError, match="by hand"):
            _mapping.compiled(api_id, method)
    else:
        compiled = _mapping.compiled(api_id, method)
        assert compiled.target.name == mapping.target


def test_every_emitter_shim_is_a_unified_emitter() -> None:
    for api in PLAN.apis.values():
        for path, cls in _class_shims(PLAN, api):
            if api.receiver == "{self}":
                assert issubclass(cls, UnifiedWebSocketEmitter), path
            else:  # agents are not emitters: they hold one
                assert not issubclass(cls, UnifiedWebSocketEmitter), path


def test_a_mock_specced_on_a_shim_has_async_legacy_methods() -> None:
    bridge = Mock(spec=AgentWebSocketBridge)

    assert isinstance(bridge.notify_agent_started, AsyncMock)
    assert isinstance(bridge.emit_tool_executing, AsyncMock)
    with pytest.raises(AttributeError):
        _ = bridge.no_such_method


def _plan_with(tmp_path: Path, extra: str, replace: tuple[str, str] = ("", "")) -> Plan:
    text = default_plan_path().read_text(encoding="utf-8")
    if replace[0]:
        assert replace[0] in text
        text = text.replace(replace[0], replace[1])
    path = tmp_path / "plan.toml"
    path.write_text(text + extra, encoding="utf-8")
    return load_plan(path)


def test_a_method_added_to_the_table_is_mapped_without_code(tmp_path: Path) -> None:
    compat.use_plan(
        _plan_with(
            tmp_path,
            """
[apis.bridge.methods.notify_tool_started]
signature = "run_id, agent_name, tool, args=None, note=None"
target = "emit_tool_executing"
args = { tool = "tool_name", args = "parameters" }
manual_if = { note = "no unified keyword" }
""",
        )
    )
    values = {"run_id": "r9", "agent_name": "a", "tool": "grep", "args": {"x": 1}, "note": "hi"}

    call = _mapping.unified_call("bridge", "notify_tool_started", values)

    assert call.target.name == "emit_tool_executing"
    assert call.kwargs == {
        "run_id": "r9",
        "agent_name": "a",
        "tool_name": "grep",
        "parameters": {"note": "hi", "x": 1},
    }


def test_a_changed_rename_in_the_table_changes_what_the_shim_sends(
    tmp_path: Path, manager: RecordingManager, quiet: None
) -> None:
    compat.use_plan(
        _plan_with(
            tmp_path,
            "",
            replace=(
                'signature = "run_id, agent_name, tool_name, parameters=None"\n'
                'target = "emit_tool_executing"',
                'signature = "run_id, agent_name, tool_name, parameters=None"\n'
                'target = "emit_tool_executing"\n'
                "supply = { parameters = \"{{'wrapped': {parameters}}}\" }",
            ),
        )
    )
    bridge = AgentWebSocketBridge(SimpleNamespace(user_id="u1", thread_id="t", run_id="r"))

    asyncio.run(bridge.notify_tool_executing("r", "a", "search", {"q": 1}))

    assert manager.sent[0][1]["payload"]["parameters"] == {"wrapped": {"q": 1}}
