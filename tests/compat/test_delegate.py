"""The delegation mechanism applies each rule of the plan's mapping table to a legacy call."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from compat._mapping import unified_call


def call(api: str, method: str, legacy_self: Any = None, receiver: Any = None, **values: Any):
    return unified_call(api, method, values, legacy_self=legacy_self, receiver=receiver)


def test_renamed_parameters_pass_under_their_unified_keyword() -> None:
    c = call("transparent", "emit_agent_thinking", thought="hmm", step_number=2)

    assert c.target.name == "emit_agent_thinking"
    assert c.kwargs == {"reasoning": "hmm", "step_number": 2}


def test_parameters_left_at_their_legacy_default_are_not_passed() -> None:
    c = call("bridge", "notify_tool_completed", run_id="r", agent_name="a", tool_name="t",
             result=None, execution_time_ms=None)  # fmt: skip

    assert c.kwargs == {"run_id": "r", "agent_name": "a", "tool_name": "t"}


def test_a_template_whose_parameters_were_all_omitted_is_left_out() -> None:
    omitted = call("transparent", "emit_agent_started", agent_name="a", agent_description=None)
    given = call("transparent", "emit_agent_started", agent_name="a", agent_description="d")

    assert omitted.kwargs == {"agent_name": "a"}
    assert given.kwargs == {"agent_name": "a", "context": {"agent_description": "d"}}


def test_a_template_for_a_required_keyword_is_built_from_the_legacy_defaults() -> None:
    agent = SimpleNamespace(name="billing")
    c = call("base_agent", "emit_progress", agent, content="half way", is_complete=False)

    assert c.target.name == "emit_progress"
    assert c.kwargs == {
        "message": "half way",
        "agent_name": "billing",
        "progress": {"is_complete": False},
    }


def test_self_in_a_template_is_the_legacy_receiver() -> None:
    agent = SimpleNamespace(name="triage")
    c = call("base_agent", "emit_subagent_started", agent, subagent_name="kb", subagent_id=None)

    assert c.target.name == "emit_custom"
    assert c.kwargs == {
        "event_type": "subagent_started",
        "agent_name": "triage",
        "data": {"subagent_name": "kb", "subagent_id": None},
    }


def test_a_manual_if_value_with_no_unified_keyword_is_merged_into_the_details_field() -> None:
    c = call("old_unified", "notify_agent_started", agent_name="a", metadata={"m": 1},
             context={"c": 2})  # fmt: skip

    assert c.kwargs == {"agent_name": "a", "context": {"m": 1, "c": 2}}


def test_extra_keyword_arguments_are_merged_into_the_details_field() -> None:
    c = call("old_unified", "notify_agent_error", error="boom", kwargs={"code": 5})

    assert c.target.name == "emit_agent_error"
    assert c.kwargs == {"error": "boom", "error_context": {"code": 5}}


def test_a_manual_if_value_the_target_accepts_passes_on_and_the_agent_name_comes_from_the_receiver() -> (
    None
):
    receiver = SimpleNamespace(agent_name="status")
    c = call("transparent", "emit_agent_completed", None, receiver, result={"ok": 1},
             execution_time_ms=None)  # fmt: skip

    assert c.kwargs == {"result": {"ok": 1}, "agent_name": "status"}


def test_an_agent_name_hook_on_the_legacy_receiver_wins() -> None:
    legacy = SimpleNamespace(_compat_agent_name=lambda: "announced")
    c = call("transparent", "emit_agent_completed", legacy, legacy, result=1, execution_time_ms=5.0)

    assert c.kwargs["agent_name"] == "announced"


def test_an_expanded_dict_becomes_keywords_its_unknown_keys_details_and_wire_keys_are_dropped() -> (
    None
):
    data = {
        "agent_name": "a",
        "run_id": "r2",
        "thread_id": "t",
        "timestamp": 1.0,
        "message": "hi",
        "context": {"c": 1},
    }
    c = call("old_unified", "emit_agent_started", data=data)

    assert c.kwargs == {"agent_name": "a", "run_id": "r2", "context": {"message": "hi", "c": 1}}


def test_extras_beside_a_non_mapping_details_value_keep_it_under_value() -> None:
    c = call("old_unified", "emit_tool_completed", data={"tool_name": "t", "result": "ok", "n": 1})

    assert c.kwargs == {"tool_name": "t", "result": {"n": 1, "value": "ok"}}


def test_dispatch_picks_the_unified_method_of_a_known_event_type() -> None:
    c = call("bridge", "emit_agent_event", event_type="Tool_Executing ",
             data={"tool_name": "t", "agent_name": "from-data"}, run_id=None,
             agent_name="explicit")  # fmt: skip

    assert c.target.name == "emit_tool_executing"
    assert c.kwargs == {"tool_name": "t", "agent_name": "explicit"}


def test_dispatch_sends_other_event_types_as_custom_events() -> None:
    c = call("old_unified", "emit", event_type="progress_update", data={"pct": 5})

    assert c.target.name == "emit_custom"
    assert c.kwargs == {"event_type": "progress_update", "data": {"pct": 5}}


def test_when_two_legacy_parameters_map_to_one_keyword_the_first_given_wins() -> None:
    both = call("old_unified", "notify_agent_thinking", agent_name=None, reasoning="r",
                thought="t", step_number=None, metadata=None)  # fmt: skip
    thought_only = call("old_unified", "notify_agent_thinking", agent_name=None, reasoning=None,
                        thought="t", step_number=None, metadata=None)  # fmt: skip

    assert both.kwargs == {"reasoning": "r"}
    assert thought_only.kwargs == {"reasoning": "t"}


def test_a_call_missing_what_the_unified_method_requires_raises_naming_the_legacy_method() -> None:
    with pytest.raises(TypeError, match=r"old_unified\.notify_agent_thinking.*reasoning"):
        call("old_unified", "notify_agent_thinking", agent_name="a", reasoning=None, thought=None,
             step_number=None, metadata=None)  # fmt: skip
    with pytest.raises(TypeError, match=r"old_unified\.emit_agent_started.*agent_name"):
        call("old_unified", "emit_agent_started", None, SimpleNamespace(agent_name=None), data={})


def test_expanded_data_that_is_not_a_dict_raises() -> None:
    with pytest.raises(TypeError, match="must be a dict"):
        call("old_unified", "emit_tool_executing", data=["tool"])


def test_a_method_the_plan_marks_manual_is_not_mapped() -> None:
    with pytest.raises(LookupError, match="by hand"):
        call("bridge", "create_user_emitter", user_context=None)


def _samples(api: str, method: str) -> list[dict[str, Any]]:
    """Bound legacy arguments: required only, then each optional one given in turn."""
    from compat._mapping import REQUIRED, compiled

    defaults = compiled(api, method).defaults
    base = {n: (f"v-{n}" if d is REQUIRED else d) for n, d in defaults.items()}
    samples = [base]
    for name, default in defaults.items():
        if default is not REQUIRED:
            samples.append({**base, name: {"given": name} if default is None else f"x-{name}"})
    samples.append({n: (v if defaults[n] is REQUIRED else f"all-{n}") for n, v in base.items()})
    return samples


def _outcome(build: Any, values: dict[str, Any], legacy: Any, receiver: Any) -> Any:
    try:
        target, kwargs = build(values, legacy, receiver)
    except TypeError as exc:
        return ("raised", str(exc))
    return (target.name, kwargs)


@pytest.mark.parametrize(
    ("api", "method"),
    [
        (api.id, method)
        for api in __import__("codemods.plan", fromlist=["load_plan"]).load_plan().apis.values()
        for method, mapping in api.methods.items()
        if not mapping.manual
    ],
)
def test_the_generated_build_agrees_with_the_generic_one(api: str, method: str) -> None:
    from compat._fastpath import specialise
    from compat._mapping import compiled

    plan = compiled(api, method)
    fast = specialise(plan)
    if fast is None:  # only these keep the generic build
        assert plan.event_param or plan.expand or plan.manual
        return
    legacy = SimpleNamespace(name="agent-x", _compat_agent_name=lambda: None)
    for receiver in (SimpleNamespace(agent_name=None), SimpleNamespace(agent_name="bound")):
        for values in _samples(api, method):
            assert _outcome(fast, values, legacy, receiver) == _outcome(
                plan.build, values, legacy, receiver
            ), values
