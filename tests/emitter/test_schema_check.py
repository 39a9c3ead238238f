"""The test-only schema checker must itself catch violations, or schema tests prove nothing."""

from __future__ import annotations

import pytest

from tests.emitter.schema_check import WIRE_SCHEMA, SchemaError, errors


def _valid_message(**changes: object) -> dict[str, object]:
    message: dict[str, object] = {
        "type": "tool_completed",
        "user_id": "u1",
        "thread_id": "t1",
        "run_id": None,
        "agent_name": "triage",
        "seq": 3,
        "timestamp": "2026-01-01T00:00:00.000000+00:00",
        "payload": {"tool_name": "search", "result": {"hits": 2}, "execution_time_ms": 12.5},
    }
    message.update(changes)
    return message


def test_a_well_formed_message_has_no_errors() -> None:
    assert errors(_valid_message(), WIRE_SCHEMA) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"seq": 0}, "minimum"),
        ({"seq": True}, "not of type"),
        ({"seq": 1.5}, "not of type"),
        ({"user_id": ""}, "shorter"),
        ({"thread_id": 7}, "not of type"),
        ({"timestamp": "2026-01-01T00:00:00+00:00"}, "does not match"),
        ({"timestamp": "2026-01-01T00:00:00.000000Z"}, "does not match"),
        ({"extra": 1}, "extra"),
        ({"payload": {"tool_name": ""}}, "oneOf"),
        ({"payload": {"result": 1}}, "oneOf"),
        ({"payload": {"tool_name": "x", "surprise": 1}}, "oneOf"),
        ({"payload": {"tool_name": "x", "execution_time_ms": -1}}, "oneOf"),
        ({"type": "agent_started", "agent_name": None, "payload": {}}, "oneOf"),
        ({"type": "progress", "payload": {"progress": "half"}}, "oneOf"),
    ],
)
def test_each_kind_of_violation_is_reported(changes: dict[str, object], expected: str) -> None:
    found = errors(_valid_message(**changes), WIRE_SCHEMA)
    assert any(expected in problem for problem in found), found


def test_a_missing_key_is_reported_by_name() -> None:
    message = _valid_message()
    del message["run_id"]
    assert "$: missing 'run_id'" in errors(message, WIRE_SCHEMA)


def test_custom_events_accept_any_object_payload_but_not_a_reserved_name() -> None:
    custom = _valid_message(type="deploy_finished", payload={"anything": [1, None]})
    assert errors(custom, WIRE_SCHEMA) == []
    assert errors(_valid_message(type="agent_error", payload={"anything": 1}), WIRE_SCHEMA)


def test_const_and_enum_do_not_confuse_true_with_one() -> None:
    assert errors(1, {"const": True}) != []
    assert errors(True, {"enum": [1]}) != []
    assert errors([1, {"a": False}], {"const": [1, {"a": False}]}) == []


def test_anyof_and_not_are_checked() -> None:
    schema = {"anyOf": [{"type": "string"}, {"type": "integer"}], "not": {"const": 3}}
    assert errors("x", schema) == []
    assert errors(2, schema) == []
    assert errors(3, schema) != []
    assert errors(None, schema) != []


def test_unknown_keywords_raise_instead_of_being_ignored() -> None:
    with pytest.raises(SchemaError, match="maxLength"):
        errors("abc", {"maxLength": 2})
