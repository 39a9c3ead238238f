"""Binding legacy call arguments and mapping them onto the unified keyword call."""

from __future__ import annotations

import libcst as cst
import pytest

from codemods.analysis.binding import (
    BindError,
    Mapped,
    Refusal,
    bind_arguments,
    keyword_args,
    map_call,
    target_params,
)
from codemods.analysis.cst_text import code
from codemods.plan import Mapping_, Plan, Signature, load_plan

BRIDGE_MODULE = "netra_backend.app.services.agent_websocket_bridge"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


def _call(source: str) -> cst.Call:
    node = cst.parse_expression(source)
    assert isinstance(node, cst.Call)
    return node


def _sig(plan: Plan, api: str, method: str) -> Signature:
    sig = plan.apis[api].methods[method].signature
    assert sig is not None
    return sig


def rewrite(
    plan: Plan,
    mapping: Mapping_,
    source: str,
    *,
    receiver: str | None = "self",
    constructor: bool = False,
) -> str:
    """The rewritten call as source (`<target>(...)`), or `REFUSED: <reason>`."""
    call = _call(source)
    recv = cst.parse_expression(receiver) if receiver else None
    result = map_call(plan, mapping, call.args, receiver=recv, constructor=constructor)
    if isinstance(result, Refusal):
        return f"REFUSED: {result.reason}"
    assert isinstance(result, Mapped)
    new = call.with_changes(
        func=cst.parse_expression(result.target), args=keyword_args(result.keywords, call.args)
    )
    return code(new)


def method(plan: Plan, api: str, name: str) -> Mapping_:
    return plan.apis[api].methods[name]


# ---------------------------------------------------------------- binding ----
def test_positional_and_keyword_arguments_bind_by_legacy_name(plan: Plan) -> None:
    call = _call('f(run_id, "a", "search", parameters={"q": 1})')
    bound = bind_arguments(_sig(plan, "bridge", "notify_tool_executing"), call.args)
    assert list(bound.values) == ["run_id", "agent_name", "tool_name", "parameters"]
    assert code(bound.values["tool_name"].value) == '"search"'


def test_bound_values_come_in_legacy_order_whatever_the_call_order(plan: Plan) -> None:
    call = _call("f(tool_name=t, agent_name=a, run_id=r)")
    bound = bind_arguments(_sig(plan, "bridge", "notify_tool_executing"), call.args)
    assert list(bound.values) == ["run_id", "agent_name", "tool_name"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("f(r, a, t, p, extra)", "5 positional arguments"),
        ("f(r, a, t, colour=1)", "`colour=`"),
        ("f(r, a)", "required `tool_name`"),
        ("f(r, a, t, run_id=r)", "passes `run_id` twice"),
        ("f(*args)", "unpacks `*args`"),
        ("f(r, a, **extra)", "unpacks `**extra`"),
    ],
)
def test_calls_that_do_not_bind_say_why(plan: Plan, source: str, message: str) -> None:
    with pytest.raises(BindError) as info:
        bind_arguments(_sig(plan, "bridge", "notify_tool_executing"), _call(source).args)
    assert message in str(info.value)


def test_var_keyword_parameter_collects_unknown_keywords(plan: Plan) -> None:
    bound = bind_arguments(
        _sig(plan, "old_unified", "notify_agent_error"), _call("f(err, code=3)").args
    )
    assert list(bound.values) == ["error"]
    assert [a.keyword.value for a in bound.extra_keywords if a.keyword] == ["code"]


# ---------------------------------------------------------------- mapping ----
def test_bridge_call_passed_positionally_becomes_keywords_in_legacy_order(plan: Plan) -> None:
    got = rewrite(
        plan,
        method(plan, "bridge", "notify_tool_executing"),
        'f(run_id, SPECIALIST, "create_ticket", {"reason": reason})',
    )
    assert got == (
        'emit_tool_executing(run_id=run_id, agent_name=SPECIALIST, tool_name="create_ticket", '
        'parameters={"reason": reason})'
    )


def test_renamed_argument_uses_the_unified_keyword(plan: Plan) -> None:
    got = rewrite(plan, method(plan, "transparent", "emit_agent_thinking"), 'f("hmm", 2)')
    assert got == 'emit_agent_thinking(reasoning="hmm", step_number=2)'


def test_base_agent_thinking_supplies_the_agent_name_from_the_receiver(plan: Plan) -> None:
    got = rewrite(plan, method(plan, "base_agent", "emit_thinking"), 'f("why", step_number=1)')
    assert got == 'emit_agent_thinking(reasoning="why", agent_name=self.name, step_number=1)'


def test_supply_template_fills_omitted_parameters_with_legacy_defaults(plan: Plan) -> None:
    got = rewrite(
        plan, method(plan, "base_agent", "emit_error"), 'f("boom", error_type="validation")'
    )
    assert got == (
        'emit_agent_error(error="boom", agent_name=self.name, '
        'error_context={"error_type": "validation", "error_details": None})'
    )


def test_supply_template_with_every_parameter_omitted_is_left_out(plan: Plan) -> None:
    got = rewrite(plan, method(plan, "base_agent", "emit_agent_started"), "f()")
    assert got == "emit_agent_started(agent_name=self.name)"


def test_required_unified_keyword_is_built_from_legacy_defaults(plan: Plan) -> None:
    # emit_progress needs progress=; the template builds it from is_complete's default.
    got = rewrite(plan, method(plan, "base_agent", "emit_progress"), 'f("half way")')
    assert got == (
        'emit_progress(agent_name=self.name, message="half way", progress={"is_complete": False})'
    )


def test_constant_supply_goes_where_the_unified_signature_puts_it(plan: Plan) -> None:
    got = rewrite(plan, method(plan, "bridge", "notify_agent_death"), 'f(r, a, "oom")')
    assert got == (
        'emit_custom(event_type="agent_death", run_id=r, agent_name=a, '
        'data={"death_cause": "oom", "death_context": None})'
    )


def test_template_needing_the_receiver_twice_refuses_a_complex_receiver(plan: Plan) -> None:
    got = rewrite(plan, method(plan, "base_agent", "emit_thinking"), 'f("x")', receiver="agents[0]")
    assert got.startswith("REFUSED: the receiver `agents[0]` is not a plain name")
    assert "assign it to a local first" in got


def test_manual_if_parameter_passed_refuses_with_the_plan_reason(plan: Plan) -> None:
    got = rewrite(
        plan, method(plan, "old_unified", "notify_agent_started"), 'f("a", metadata={"k": 1})'
    )
    assert (
        got
        == "REFUSED: " + method(plan, "old_unified", "notify_agent_started").manual_if["metadata"]
    )


def test_manual_if_on_var_keyword_refuses_extra_keywords(plan: Plan) -> None:
    got = rewrite(plan, method(plan, "old_unified", "notify_agent_error"), "f(err, code=3)")
    assert got.startswith("REFUSED: extra keyword arguments")
    assert rewrite(plan, method(plan, "old_unified", "notify_agent_error"), "f(err)") == (
        "emit_agent_error(error=err)"
    )


def test_two_legacy_arguments_for_one_keyword_refuse(plan: Plan) -> None:
    got = rewrite(
        plan, method(plan, "old_unified", "notify_agent_thinking"), 'f(thought="a", reasoning="b")'
    )
    assert "become the unified `reasoning=`" in got
    assert rewrite(
        plan, method(plan, "old_unified", "notify_agent_thinking"), 'f("agent", thought="a")'
    ) == ('emit_agent_thinking(agent_name="agent", reasoning="a")')


def test_missing_required_unified_keyword_refuses(plan: Plan) -> None:
    got = rewrite(plan, method(plan, "old_unified", "notify_agent_thinking"), 'f("agent")')
    assert got.startswith("REFUSED: the unified `emit_agent_thinking` needs reasoning=")


def test_expand_spreads_a_literal_dict_into_keywords(plan: Plan) -> None:
    got = rewrite(
        plan,
        method(plan, "old_unified", "emit_agent_completed"),
        'f({"agent_name": "triage", "result": {"sources": hits}})',
    )
    assert got == 'emit_agent_completed(agent_name="triage", result={"sources": hits})'


@pytest.mark.parametrize("data", ["payload", "{**base}", "{key: 1}", '{"not an id": 1}'])
def test_expand_refuses_anything_but_a_literal_dict_of_names(plan: Plan, data: str) -> None:
    got = rewrite(plan, method(plan, "old_unified", "emit_agent_started"), f"f({data})")
    assert got.startswith("REFUSED: ") and "not a dict literal with string keys" in got


def test_expand_refuses_keys_the_unified_method_does_not_take(plan: Plan) -> None:
    got = rewrite(
        plan, method(plan, "old_unified", "emit_agent_started"), 'f({"agent_name": "a", "x": 1})'
    )
    assert got == "REFUSED: the unified `emit_agent_started` takes no `x=`: move that value by hand"


def test_dispatch_literal_event_and_dict_picks_the_specific_method(plan: Plan) -> None:
    got = rewrite(
        plan,
        method(plan, "bridge", "emit_agent_event"),
        'f("agent_started", {"agent_name": "a", "context": ctx}, run_id=r)',
    )
    assert got == 'emit_agent_started(agent_name="a", context=ctx, run_id=r)'


def test_dispatch_non_literal_event_type_refuses(plan: Plan) -> None:
    got = rewrite(plan, method(plan, "bridge", "emit_agent_event"), "f(kind, {}, run_id=r)")
    assert got.startswith("REFUSED: the event type `kind` is not a string literal")


def test_dispatch_known_event_with_non_literal_data_refuses(plan: Plan) -> None:
    got = rewrite(plan, method(plan, "bridge", "emit_agent_event"), 'f("agent_started", data)')
    assert "the data `data` is not a dict literal" in got
    assert "`emit_agent_started(...)`" in got


def test_dispatch_application_event_goes_to_emit_custom(plan: Plan) -> None:
    got = rewrite(plan, method(plan, "old_unified", "emit"), 'f("ticket_opened", payload)')
    assert got == 'emit_custom(event_type="ticket_opened", data=payload)'


def test_dispatch_reserved_event_the_plan_does_not_map_refuses(plan: Plan) -> None:
    got = rewrite(plan, method(plan, "old_unified", "emit"), 'f("Agent_Started ", payload)')
    assert got.startswith("REFUSED: `Agent_Started ` is a reserved event")


def test_plan_manual_method_refuses_with_its_reason(plan: Plan) -> None:
    m = method(plan, "bridge", "create_user_emitter")
    assert rewrite(plan, m, "f(ctx)") == f"REFUSED: {m.manual}"


def test_non_binding_call_is_refused_with_the_signature(plan: Plan) -> None:
    got = rewrite(plan, method(plan, "factory_emitter", "notify_tool_executing"), "f(r, a, t, p)")
    assert got.startswith("REFUSED: `notify_tool_executing(...)` does not match the legacy")
    assert "(agent_name, tool_name, parameters=None)" in got
    assert "fix the call first" in got


def test_constructor_maps_onto_from_context(plan: Plan) -> None:
    key = "netra_backend.app.websocket_core.UnifiedWebSocketEmitter"
    got = rewrite(plan, plan.constructors[key], "f(manager, ctx.user_id, ctx)", constructor=True)
    assert got == (
        "UnifiedWebSocketEmitter.from_context(manager=manager, user_id=ctx.user_id, context=ctx)"
    )


def test_constructor_require_refuses_a_missing_or_none_argument(plan: Plan) -> None:
    mapping = plan.constructors[f"{BRIDGE_MODULE}.create_agent_websocket_bridge"]
    for source in ("f()", "f(None)", "f(user_context=None)"):
        got = rewrite(plan, mapping, source, constructor=True)
        assert got == f"REFUSED: {mapping.require['user_context']}"
    assert rewrite(plan, mapping, "f(ctx)", constructor=True) == (
        "UnifiedWebSocketEmitter.from_context(context=ctx)"
    )


def test_target_params_reads_the_unified_signature(plan: Plan) -> None:
    params = target_params(plan, "emit_tool_executing")
    assert params is not None
    assert params.order[:2] == ("tool_name", "agent_name")
    assert params.required == frozenset({"tool_name"})
    ctor = target_params(plan, "UnifiedWebSocketEmitter.from_context", constructor=True)
    assert ctor is not None and ctor.required == frozenset({"context"})
    assert target_params(plan, "no_such_method") is None


# ------------------------------------------------------------- arguments ----
def test_keyword_args_keep_a_hanging_layout_and_trailing_comma(plan: Plan) -> None:
    source = 'f(\n    run_id,\n    agent,  # who\n    "t",\n)'
    got = rewrite(plan, method(plan, "bridge", "notify_tool_executing"), source)
    assert (
        got
        == 'emit_tool_executing(\n    run_id=run_id,\n    agent_name=agent,  # who\n    tool_name="t",\n)'
    )


def test_keyword_args_keep_the_newline_before_the_closing_paren(plan: Plan) -> None:
    source = 'f(\n    "search", "index down", fallback_options=["kw"]\n)'
    got = rewrite(plan, method(plan, "transparent", "emit_service_degraded"), source)
    assert got.startswith('emit_custom(\n    event_type="service_degraded", data={')
    assert got.endswith('"performance_impact": None}\n)')


def test_keyword_args_keep_spacing_of_keywords_written_by_the_caller(plan: Plan) -> None:
    got = rewrite(plan, method(plan, "bridge", "notify_agent_started"), "f(r, agent_name = a)")
    assert got == "emit_agent_started(run_id=r, agent_name = a)"
