"""codemods.analysis.legacy_aliases: which unified methods a decorated legacy class answers."""

from __future__ import annotations

import libcst as cst
import pytest

from codemods.analysis.binding import Mapped, map_call
from codemods.analysis.legacy_aliases import Alias, alias_for, aliases_of, receiver_attribute
from codemods.analysis.project_index import _method_finder, stand_ins_in
from codemods.plan import Plan, load_plan
from tests.conftest import FLAGSHIP


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(FLAGSHIP)


def _aliasable(plan: Plan) -> list[tuple[str, str]]:
    return [
        (api_id, method)
        for api_id, api in plan.apis.items()
        for method in api.methods
        if isinstance(alias_for(plan, api_id, method), Alias)
    ]


def test_the_shipped_plan_aliases_these_methods(plan: Plan):
    assert _aliasable(plan) == [
        ("old_unified", "notify_agent_error"),
        ("old_unified", "notify_progress_update"),
        ("old_unified", "notify_custom"),
        ("bridge", "notify_agent_started"),
        ("bridge", "notify_agent_thinking"),
        ("bridge", "notify_tool_executing"),
        ("bridge", "notify_tool_completed"),
        ("bridge", "notify_agent_completed"),
        ("bridge", "notify_agent_error"),
        ("bridge", "notify_progress_update"),
        ("bridge", "notify_custom"),
        ("base_agent", "emit_agent_started"),
        ("base_agent", "emit_thinking"),
        ("base_agent", "emit_tool_executing"),
        ("base_agent", "emit_tool_completed"),
        ("base_agent", "emit_agent_completed"),
        ("base_agent", "emit_progress"),
        ("base_agent", "emit_error"),
        ("factory_emitter", "notify_agent_started"),
        ("factory_emitter", "notify_agent_thinking"),
        ("factory_emitter", "notify_tool_executing"),
        ("factory_emitter", "notify_tool_completed"),
        ("factory_emitter", "notify_agent_completed"),
        ("factory_emitter", "notify_agent_error"),
    ]


@pytest.mark.parametrize(
    ("api_id", "method", "reason"),
    [
        ("old_unified", "emit_agent_started", "depends on the call's values"),
        ("bridge", "emit_agent_event", "depends on the call's values"),
        ("old_unified", "notify_agent_started", "already has its own `emit_agent_started`"),
        ("transparent", "emit_agent_started", "already has its own `emit_agent_started`"),
        ("bridge", "notify_agent_death", "`'agent_death'`, which cannot be read back"),
        ("base_agent", "emit_tool_started", "already stands for `emit_tool_executing`"),
        ("bridge", "create_user_emitter", "by hand"),
    ],
)
def test_what_cannot_be_mapped_back_is_refused_with_why(plan, api_id, method, reason):
    found = alias_for(plan, api_id, method)
    assert isinstance(found, str)
    assert reason in found


def test_an_agent_gets_its_aliases_on_the_receiver_attribute(plan: Plan):
    api = plan.apis["base_agent"]
    assert receiver_attribute(api) == "unified_events"
    assert receiver_attribute(plan.apis["bridge"]) is None
    # On the adapter, names the agent class already has do not clash.
    assert "emit_agent_started" in aliases_of(plan, "base_agent")


def test_legacy_arguments_read_dicts_back_and_drop_what_the_object_knows(plan: Plan):
    alias = alias_for(plan, "base_agent", "emit_error")
    assert isinstance(alias, Alias)
    got = alias.legacy_arguments(
        {
            "agent_name": "triage",
            "error": "boom",
            "error_context": {"error_type": "E", "error_details": None},
        }
    )
    assert got == {"error_message": "boom", "error_type": "E", "error_details": None}
    assert alias.legacy_arguments(
        {"agent_name": "triage", "error": "x", "error_context": None}
    ) == {"error_message": "x"}
    with pytest.raises(TypeError, match="must be a mapping"):
        alias.legacy_arguments({"error": "x", "error_context": "not a dict"})


@pytest.mark.parametrize("api_id, method", _aliasable(load_plan(FLAGSHIP)))
def test_a_rewritten_call_reaches_the_legacy_method_with_the_same_arguments(plan, api_id, method):
    """Codemod and runtime read one table: the keywords stage 2 writes for a legacy call,
    mapped back by the alias, are that call's legacy arguments, for every aliasable method."""
    mapping = plan.apis[api_id].methods[method]
    params = [
        p
        for p in mapping.signature.params
        if p.kind not in ("var_positional", "var_keyword") and p.name not in mapping.manual_if
    ]
    args = [cst.Arg(cst.Name(f"v_{p.name}"), keyword=cst.Name(p.name)) for p in params]
    mapped = map_call(plan, mapping, args, receiver=cst.Name("obj"))
    assert isinstance(mapped, Mapped), mapped
    alias = alias_for(plan, api_id, method)
    assert isinstance(alias, Alias) and mapped.target == alias.target
    values = {f"v_{p.name}": object() for p in params}
    namespace = {**values, "obj": type("Obj", (), {"name": "the agent"})()}
    keywords = {
        k: eval(cst.Module([]).code_for_node(expr), namespace)  # our own generated text
        for k, expr in mapped.keywords
    }
    assert alias.legacy_arguments(keywords) == {p.name: values[f"v_{p.name}"] for p in params}


def test_stand_ins_are_every_mention_but_a_plain_call(plan: Plan):
    finder = _method_finder(plan)
    assert finder is not None
    text = (
        "await bridge.notify_agent_started(r, a)\n"
        "await bridge . notify_agent_started (r, a)\n"
        "bridge.notify_tool_executing.assert_awaited_once()\n"
        "bridge.notify_agent_completed = AsyncMock()\n"
        "async def notify_agent_error(self, run_id, agent_name, error): ...\n"
        "patch.object(Bridge, 'notify_custom')\n"
        "Mock(notify_progress_update=AsyncMock())\n"
        "x.notify_agent_started_later(1)\n"
    )
    assert stand_ins_in(text, finder) == [
        ("notify_tool_executing", 3),
        ("notify_agent_completed", 4),
        ("notify_agent_error", 5),
        ("notify_custom", 6),
        ("notify_progress_update", 7),
    ]
