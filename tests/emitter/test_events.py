"""Payload builders, the wire-message builder and the shipped schema."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime, timedelta

import pytest

from target_emitter import RESERVED_EVENTS, WIRE_KEYS, build_message, events, load_schema
from tests.emitter.schema_check import assert_wire_message


def test_reserved_events_are_the_five_critical_plus_error_and_progress() -> None:
    assert set(events.CRITICAL_EVENTS) == {
        "agent_started",
        "agent_thinking",
        "tool_executing",
        "tool_completed",
        "agent_completed",
    }
    assert RESERVED_EVENTS == {*events.CRITICAL_EVENTS, "agent_error", "progress"}


def test_wire_message_has_exactly_the_spec_keys_in_order() -> None:
    message = build_message(
        "tool_completed",
        user_id="u1",
        thread_id=None,
        run_id="r1",
        agent_name=None,
        seq=1,
        payload={"tool_name": "search"},
    )
    assert (
        tuple(message)
        == WIRE_KEYS
        == (
            "type",
            "user_id",
            "thread_id",
            "run_id",
            "agent_name",
            "seq",
            "timestamp",
            "payload",
        )
    )
    assert_wire_message(message)


def test_timestamp_is_iso_utc_with_microseconds_and_close_to_now() -> None:
    stamp = events.utc_timestamp()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", stamp)
    parsed = datetime.fromisoformat(stamp)
    assert parsed.tzinfo is not None and parsed.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - parsed) < timedelta(seconds=5)


def test_timestamp_matches_datetime_formatting_across_a_second_boundary(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Fractions exact in binary, so truncation and datetime's rounding agree.
    base = 1_767_225_599  # 2025-12-31T23:59:59Z: the next second is a new year
    instants = [base + 0.5, base + 0.75, base + 1.125, base + 1.25, base + 3600.0625]
    for instant in instants:
        monkeypatch.setattr(events.time, "time", lambda instant=instant: instant)
        expected = datetime.fromtimestamp(instant, UTC).isoformat(timespec="microseconds")
        assert events.utc_timestamp() == expected


def test_arguments_left_as_none_are_absent_from_the_payload() -> None:
    assert events.agent_started_payload() == {}
    assert events.tool_completed_payload(tool_name="search") == {"tool_name": "search"}
    assert events.agent_thinking_payload(reasoning="r", step_number=0) == {
        "reasoning": "r",
        "step_number": 0,
    }


def test_every_given_argument_is_kept_under_its_own_name() -> None:
    payload = events.tool_completed_payload(
        tool_name="search", result={"hits": [1, 2]}, execution_time_ms=12.5
    )
    assert payload == {"tool_name": "search", "result": {"hits": [1, 2]}, "execution_time_ms": 12.5}
    assert events.agent_completed_payload(result=False, execution_time_ms=0) == {
        "result": False,
        "execution_time_ms": 0,
    }


def test_an_exception_as_error_becomes_message_and_type() -> None:
    assert events.agent_error_payload(error=KeyError("missing")) == {
        "error": "'missing'",
        "error_type": "KeyError",
    }
    assert events.agent_error_payload(error=RuntimeError()) == {
        "error": "RuntimeError",
        "error_type": "RuntimeError",
    }
    assert events.agent_error_payload(error="boom", error_context={"step": 2}) == {
        "error": "boom",
        "error_context": {"step": 2},
    }


def test_progress_is_a_number_or_a_mapping() -> None:
    assert events.progress_payload(progress=0.5, message="half") == {
        "progress": 0.5,
        "message": "half",
    }
    assert events.progress_payload(progress={"done": 3, "total": 4}) == {
        "progress": {"done": 3, "total": 4}
    }
    with pytest.raises(TypeError, match="progress must be a number"):
        events.progress_payload(progress="half")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="progress must be a number or a mapping"):
        events.progress_payload(progress=None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("build", "error", "fragment"),
    [
        (lambda: events.tool_executing_payload(tool_name=""), ValueError, "tool_name"),
        (lambda: events.tool_executing_payload(tool_name=3), TypeError, "tool_name"),
        (lambda: events.agent_thinking_payload(reasoning=None), TypeError, "reasoning"),
        (
            lambda: events.agent_thinking_payload(reasoning="r", step_number=-1),
            ValueError,
            "step_number",
        ),
        (
            lambda: events.agent_thinking_payload(reasoning="r", step_number=True),
            TypeError,
            "step_number",
        ),
        (
            lambda: events.agent_thinking_payload(reasoning="r", step_number=1.0),
            TypeError,
            "step_number",
        ),
        (
            lambda: events.agent_thinking_payload(reasoning="r", progress_percentage=100.5),
            ValueError,
            "progress_percentage",
        ),
        (
            lambda: events.tool_completed_payload(tool_name="t", execution_time_ms=math.inf),
            ValueError,
            "execution_time_ms",
        ),
        (
            lambda: events.agent_completed_payload(execution_time_ms=-0.1),
            ValueError,
            "execution_time_ms",
        ),
        (lambda: events.agent_error_payload(error=42), TypeError, "error"),
        (lambda: events.progress_payload(progress=1, message=5), TypeError, "message"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(build, error, fragment) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=fragment):
        build()


@pytest.mark.parametrize(
    "value",
    [object(), {1, 2}, float("nan"), {"deep": [float("inf")]}, {"k": object()}, b"bytes"],
)
def test_a_value_json_cannot_carry_raises_type_error_naming_the_field(value: object) -> None:
    with pytest.raises(TypeError, match=r"tool_completed: payload field 'result'"):
        events.tool_completed_payload(tool_name="t", result=value)


def test_a_circular_payload_raises_type_error() -> None:
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(TypeError, match="'parameters'"):
        events.tool_executing_payload(tool_name="t", parameters=loop)


def test_values_json_encodes_by_conversion_are_accepted() -> None:
    payload = events.tool_completed_payload(tool_name="t", result={"pair": (1, 2), 3: "int key"})
    assert json.loads(json.dumps(payload)) == {
        "tool_name": "t",
        "result": {"pair": [1, 2], "3": "int key"},
    }


@pytest.mark.parametrize("name", [*sorted(RESERVED_EVENTS), "Agent_Started", " progress "])
def test_custom_event_type_refuses_reserved_names_and_their_case_variants(name: str) -> None:
    with pytest.raises(ValueError, match="reserved event"):
        events.check_custom_event_type(name)


def test_custom_event_type_must_be_a_non_empty_string() -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        events.check_custom_event_type("  ")
    with pytest.raises(TypeError, match="must be a str"):
        events.check_custom_event_type(None)
    assert events.check_custom_event_type("deploy_finished") == "deploy_finished"


def test_custom_data_is_sent_as_given_and_must_be_a_str_keyed_mapping() -> None:
    assert events.custom_payload("x", {"a": None, "b": [1]}) == {"a": None, "b": [1]}
    assert events.custom_payload("x", None) == {}
    with pytest.raises(TypeError, match="data must be a mapping"):
        events.custom_payload("x", [1, 2])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="data keys must be str"):
        events.custom_payload("x", {1: "a"})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="payload field 'when'"):
        events.custom_payload("x", {"when": datetime.now(UTC)})


def test_schema_is_shipped_as_package_data_and_declares_draft_2020_12() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == list(WIRE_KEYS)
    assert set(schema["$defs"]) == RESERVED_EVENTS
