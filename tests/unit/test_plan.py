"""The plan loader: the bundled plan is valid and complete, and mistakes are
reported with their line and key before anything is touched."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from codemods.plan import PlanError, iter_mappings, load_plan

# The validator tests edit a copy of a full plan; the fixture keeps every kind of stanza.
BUNDLED = Path(__file__).resolve().parents[1] / "plans" / "shim_routing.toml"

# Every method of every legacy API named in shared/spec/legacy-emitters.md.
SPEC_METHODS = {
    "old_unified": {
        "emit_agent_started",
        "emit_agent_thinking",
        "emit_tool_executing",
        "emit_tool_completed",
        "emit_agent_completed",
        "emit",
        "notify_agent_started",
        "notify_agent_thinking",
        "notify_tool_executing",
        "notify_tool_completed",
        "notify_agent_completed",
        "notify_agent_error",
        "notify_progress_update",
        "notify_custom",
    },
    "bridge": {
        "notify_agent_started",
        "notify_agent_thinking",
        "notify_tool_executing",
        "notify_tool_completed",
        "notify_agent_completed",
        "notify_agent_error",
        "notify_agent_death",
        "notify_progress_update",
        "notify_custom",
        "emit_agent_event",
        "create_user_emitter",
        "create_user_emitter_from_ids",
    },
    "base_agent": {
        "emit_agent_started",
        "emit_thinking",
        "emit_tool_executing",
        "emit_tool_started",
        "emit_tool_completed",
        "emit_agent_completed",
        "emit_progress",
        "emit_error",
        "emit_subagent_started",
        "emit_subagent_completed",
        "set_websocket_bridge",
    },
    "transparent": {
        "emit_agent_started",
        "emit_agent_thinking",
        "emit_tool_executing",
        "emit_tool_completed",
        "emit_agent_completed",
        "emit_service_initializing",
        "emit_service_ready",
        "emit_service_degraded",
        "emit_service_unavailable",
        "emit_service_recovered",
        "emit_system_status",
        "emit_user_queue_position",
    },
    "factory_emitter": {
        "notify_agent_started",
        "notify_agent_thinking",
        "notify_tool_executing",
        "notify_tool_completed",
        "notify_agent_completed",
        "notify_agent_error",
    },
}


def write_plan(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def bundled_with(tmp_path: Path, old: str, new: str) -> Path:
    text = BUNDLED.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in the bundled plan"
    return write_plan(tmp_path, text.replace(old, new, 1))


def problems_of(path: Path) -> list[str]:
    with pytest.raises(PlanError) as info:
        load_plan(path)
    return [p.render(str(path)) for p in info.value.problems]


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not found")


def test_bundled_plan_loads_and_checks_against_the_real_target() -> None:
    plan = load_plan()
    assert [s.name for s in plan.stages] == ["compat-imports", "call-sites", "strings", "cleanup"]
    assert set(plan.apis) == set(SPEC_METHODS)


@pytest.mark.parametrize("api_id", sorted(SPEC_METHODS))
def test_every_spec_method_is_mapped_or_manual_with_a_reason(api_id: str) -> None:
    api = load_plan().apis[api_id]
    assert set(api.methods) == SPEC_METHODS[api_id]
    for m in api.methods.values():
        assert m.manual or m.target, m.key
        if m.manual:
            assert len(m.manual.split()) >= 6, f"{m.key}: reason too thin to act on"


def test_every_mapped_keyword_exists_on_the_target_method() -> None:
    import target_emitter

    plan = load_plan()
    for api_id, m in iter_mappings(plan):
        if m.manual or api_id is None:
            continue
        params = inspect.signature(
            getattr(target_emitter.UnifiedWebSocketEmitter, m.target)
        ).parameters
        for p in m.signature.params:
            kw = m.keyword_for(p.name)
            if kw is not None and p.kind == "positional":
                assert kw in params, f"{m.key}: {p.name} -> {kw}"


def test_the_two_user_websocket_emitters_are_told_apart_by_module() -> None:
    plan = load_plan()
    old = plan.symbols["netra_backend.app.websocket_core.unified_emitter.UserWebSocketEmitter"]
    per_user = plan.symbols[
        "netra_backend.app.agents.supervisor.agent_instance_factory.UserWebSocketEmitter"
    ]
    assert (old.api, per_user.api) == ("old_unified", "factory_emitter")
    assert old.shim != per_user.shim


def test_prefilter_tokens_cover_every_symbol_and_skip_bare_names() -> None:
    plan = load_plan()
    tokens = plan.prefilter_tokens
    for dotted in plan.symbols:
        name = dotted.rsplit(".", 1)[1].encode()
        assert any(t in name for t in tokens), name
    assert b"emit" not in tokens


def test_waves_take_the_first_matching_glob() -> None:
    plan = load_plan()
    assert plan.wave_of("tests/unit/test_bridge.py") == "tests"
    assert plan.wave_of("netra_backend/app/agents/triage.py") == "agents"
    assert plan.wave_of("netra_backend/app/services/agents/x.py") == "agents"
    assert plan.wave_of("scripts/run.py") == "rest"


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write_plan(tmp_path, 'schema_version = 1\nname = "x"\nstages = [\n  oops\n]\n')
    [message] = problems_of(path)
    assert message.startswith(f"{path}:4: ")
    assert "TOML syntax error" in message


def test_unknown_key_is_reported_with_line_and_suggestion(tmp_path: Path) -> None:
    path = bundled_with(
        tmp_path,
        '[apis.bridge.methods.notify_tool_executing]\nsignature = "run_id, agent_name, tool_name, parameters=None"\n',
        '[apis.bridge.methods.notify_tool_executing]\nsignatur = "run_id, agent_name, tool_name, parameters=None"\n',
    )
    messages = problems_of(path)
    line = line_of(path, "signatur =")
    assert any(
        f":{line}: apis.bridge.methods.notify_tool_executing.signatur: unknown key (did you mean 'signature'?)"
        in m
        for m in messages
    ), messages


def test_rename_to_a_method_the_target_lacks_is_refused(tmp_path: Path) -> None:
    path = bundled_with(
        tmp_path,
        'signature = "run_id, agent_name, tool_name, parameters=None"\ntarget = "emit_tool_executing"',
        'signature = "run_id, agent_name, tool_name, parameters=None"\ntarget = "emit_tool_launching"',
    )
    messages = problems_of(path)
    assert any(
        "apis.bridge.methods.notify_tool_executing.target: the target has no 'emit_tool_launching'"
        in m
        for m in messages
    ), messages


def test_rename_to_a_keyword_the_target_lacks_is_refused(tmp_path: Path) -> None:
    path = bundled_with(
        tmp_path,
        'args = { notification_type = "event_type" }',
        'args = { notification_type = "kind" }',
    )
    messages = problems_of(path)
    line = line_of(path, 'notification_type = "kind"')
    assert any(f":{line}: " in m and "has no keyword 'kind'" in m for m in messages), messages


def test_a_parameter_claimed_by_two_rules_is_refused(tmp_path: Path) -> None:
    path = bundled_with(
        tmp_path,
        'args = { notification_type = "event_type" }',
        'args = { notification_type = "event_type" }\nmanual_if = { notification_type = "x y z" }',
    )
    messages = problems_of(path)
    assert any("'notification_type' is claimed by more than one rule" in m for m in messages), (
        messages
    )


def test_one_shim_name_claimed_for_two_apis_is_refused(tmp_path: Path) -> None:
    # Both APIs have a UserWebSocketEmitter; sharing a shim module makes one name mean two things.
    path = bundled_with(
        tmp_path,
        'shim_module = "compat.agent_instance_factory"',
        'shim_module = "compat.unified_emitter"',
    )
    messages = problems_of(path)
    assert any(
        "claims shim 'compat.unified_emitter.UserWebSocketEmitter' already claimed by" in m
        for m in messages
    ), messages


def test_bad_template_and_unknown_placeholder_are_reported(tmp_path: Path) -> None:
    path = bundled_with(
        tmp_path,
        "supply = { event_type = \"'agent_death'\",",
        "supply = { event_type = \"'agent_death' +\",",
    )
    path.write_text(path.read_text().replace("{death_context}}}", "{death_reason}}}", 1))
    messages = problems_of(path)
    assert any("supply.event_type: template is not a Python expression" in m for m in messages), (
        messages
    )
    assert any("{death_reason} is neither a legacy parameter nor {self}" in m for m in messages), (
        messages
    )


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = bundled_with(tmp_path, 'codemod = "calls"', 'codemod = "callz"')
    path.write_text(path.read_text().replace('on_failure = "raise"', 'on_failure = "explode"'))
    messages = problems_of(path)
    assert any("unknown codemod 'callz'" in m for m in messages)
    assert any("apis.factory_emitter.on_failure: must be one of" in m for m in messages)


def test_missing_plan_file_is_a_clear_error(tmp_path: Path) -> None:
    [message] = problems_of(tmp_path / "nope.toml")
    assert message.endswith("plan file does not exist")


def test_plan_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_bytes(b'name = "\xff"\n')
    [message] = problems_of(path)
    assert "not valid UTF-8" in message


def test_stage_order_must_name_earlier_stages(tmp_path: Path) -> None:
    path = bundled_with(tmp_path, 'after = ["compat-imports"]', 'after = ["cleanup"]')
    messages = problems_of(path)
    assert any("'cleanup' is not an earlier stage" in m for m in messages), messages


def test_digest_changes_with_the_plan_bytes(tmp_path: Path) -> None:
    a = load_plan()
    path = bundled_with(tmp_path, 'name = "shim_routing"', 'name = "shim_routing2"')
    assert load_plan(path).digest != a.digest


def test_a_target_without_its_event_table_is_refused(tmp_path: Path) -> None:
    # The table is the one place that says which unified method sends which wire event.
    text = BUNDLED.read_text(encoding="utf-8")
    start = text.index("[target.events]")
    end = text.index("# ---", start)
    [message] = problems_of(write_plan(tmp_path, text[:start] + text[end:]))
    assert message.endswith("target.events: required: wire event type -> the unified method")
