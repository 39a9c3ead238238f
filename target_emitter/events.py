"""Event names, payload builders and the one wire format every event uses.

Payload rule: an argument left as ``None`` is absent from the payload, so a
payload holds exactly the arguments the caller gave (clients treat a missing key
and ``null`` alike). Builders raise on programmer errors: ``TypeError`` for a
wrong type or a value JSON cannot carry, ``ValueError`` for a bad value.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping
from importlib import resources
from typing import Any, Final

AGENT_STARTED: Final = "agent_started"
AGENT_THINKING: Final = "agent_thinking"
TOOL_EXECUTING: Final = "tool_executing"
TOOL_COMPLETED: Final = "tool_completed"
AGENT_COMPLETED: Final = "agent_completed"
AGENT_ERROR: Final = "agent_error"
PROGRESS: Final = "progress"

CRITICAL_EVENTS: Final = (
    AGENT_STARTED,
    AGENT_THINKING,
    TOOL_EXECUTING,
    TOOL_COMPLETED,
    AGENT_COMPLETED,
)
# Names only the dedicated methods may send; emit_custom refuses them.
RESERVED_EVENTS: Final = frozenset((*CRITICAL_EVENTS, AGENT_ERROR, PROGRESS))

WIRE_KEYS: Final = (
    "type",
    "user_id",
    "thread_id",
    "run_id",
    "agent_name",
    "seq",
    "timestamp",
    "payload",
)

Payload = dict[str, Any]

_PLAIN_TYPES: Final = (str, int, bool, type(None))


_second_cache: tuple[int, str] = (-1, "")


def utc_timestamp() -> str:
    """Now as ISO-8601 UTC with microseconds, e.g. 2026-01-01T00:00:00.000000+00:00."""
    global _second_cache
    now = time.time()
    second = int(now)
    cached_second, prefix = _second_cache
    if second != cached_second:
        # Formatting the date part once per second saves about 1 us per event.
        prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        _second_cache = (second, prefix)
    return f"{prefix}.{int((now - second) * 1e6):06d}+00:00"


def build_message(
    event_type: str,
    *,
    user_id: str,
    thread_id: str | None,
    run_id: str | None,
    agent_name: str | None,
    seq: int,
    payload: Payload,
    timestamp: str | None = None,
) -> dict[str, Any]:
    """The wire message: exactly the keys in ``WIRE_KEYS``, in that order."""
    return {
        "type": event_type,
        "user_id": user_id,
        "thread_id": thread_id,
        "run_id": run_id,
        "agent_name": agent_name,
        "seq": seq,
        "timestamp": timestamp if timestamp is not None else utc_timestamp(),
        "payload": payload,
    }


def _is_plain_json(value: object) -> bool:
    """True for str/int/bool/None/finite float and dicts (str keys) and lists of them."""
    # Plain loops, not all(<genexpr>): this runs for every container in every payload.
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return True
    if kind is float:
        return math.isfinite(value)  # type: ignore[arg-type]
    if kind is dict:
        for key, item in value.items():  # type: ignore[attr-defined]
            if type(key) is not str or not _is_plain_json(item):
                return False
        return True
    if kind is list:
        for item in value:  # type: ignore[attr-defined]
            if not _is_plain_json(item):
                return False
        return True
    return False


_STRICT_ENCODER = json.JSONEncoder(allow_nan=False)
# The wire's form: compact, UTF-8 kept, NaN refused (websocket.dumps_compact is this).
encode_compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


class EncodedPayload(dict[str, Any]):
    """A payload and its wire text, encoded when it was built (the emit's snapshot)."""

    __slots__ = ("text",)

    def __init__(self, payload: Payload, text: str) -> None:
        super().__init__(payload)
        self.text = text


def ensure_json(event_type: str, payload: Payload) -> Payload:
    """The payload with its wire text; TypeError naming the first field JSON cannot carry
    (NaN included)."""
    try:
        return EncodedPayload(payload, encode_compact(payload))
    except (TypeError, ValueError, RecursionError):
        pass
    for field, value in payload.items():  # only to say which field it was
        try:
            if _is_plain_json(value):
                continue
        except RecursionError:
            pass
        # Not plain (a tuple, a subclass, int keys, ...): let the encoder decide.
        try:
            _STRICT_ENCODER.encode(value)
        except (TypeError, ValueError, RecursionError) as exc:
            raise TypeError(
                f"{event_type}: payload field {field!r} is not JSON-serialisable ({exc})"
            ) from exc
    raise TypeError(f"{event_type}: payload is not JSON-serialisable")


def _text(event_type: str, field: str, value: object, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{event_type}: {field} must be a str, got {type(value).__name__}")
    if not value and not allow_empty:
        raise ValueError(f"{event_type}: {field} must not be empty")
    return value


def _optional_text(event_type: str, field: str, value: object) -> str | None:
    return None if value is None else _text(event_type, field, value, allow_empty=True)


def _number(
    event_type: str,
    field: str,
    value: object,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    integer: bool = False,
) -> float | int | None:
    if value is None:
        return None
    wanted = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, wanted):
        kind = "an int" if integer else "a number"
        raise TypeError(f"{event_type}: {field} must be {kind}, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{event_type}: {field} must be finite, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{event_type}: {field} must be >= {minimum}, got {value!r}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{event_type}: {field} must be <= {maximum}, got {value!r}")
    return value


def _given(event_type: str, **fields: Any) -> Payload:
    return ensure_json(event_type, {k: v for k, v in fields.items() if v is not None})


def agent_started_payload(*, context: Any = None, trace_context: Any = None) -> Payload:
    return _given(AGENT_STARTED, context=context, trace_context=trace_context)


def agent_thinking_payload(
    *,
    reasoning: str,
    step_number: int | None = None,
    progress_percentage: float | None = None,
    trace_context: Any = None,
) -> Payload:
    return _given(
        AGENT_THINKING,
        reasoning=_text(AGENT_THINKING, "reasoning", reasoning, allow_empty=True),
        step_number=_number(AGENT_THINKING, "step_number", step_number, minimum=0, integer=True),
        progress_percentage=_number(
            AGENT_THINKING, "progress_percentage", progress_percentage, minimum=0, maximum=100
        ),
        trace_context=trace_context,
    )


def tool_executing_payload(*, tool_name: str, parameters: Any = None) -> Payload:
    return _given(
        TOOL_EXECUTING,
        tool_name=_text(TOOL_EXECUTING, "tool_name", tool_name),
        parameters=parameters,
    )


def tool_completed_payload(
    *, tool_name: str, result: Any = None, execution_time_ms: float | None = None
) -> Payload:
    return _given(
        TOOL_COMPLETED,
        tool_name=_text(TOOL_COMPLETED, "tool_name", tool_name),
        result=result,
        execution_time_ms=_number(
            TOOL_COMPLETED, "execution_time_ms", execution_time_ms, minimum=0
        ),
    )


def agent_completed_payload(
    *, result: Any = None, execution_time_ms: float | None = None, trace_context: Any = None
) -> Payload:
    return _given(
        AGENT_COMPLETED,
        result=result,
        execution_time_ms=_number(
            AGENT_COMPLETED, "execution_time_ms", execution_time_ms, minimum=0
        ),
        trace_context=trace_context,
    )


def agent_error_payload(*, error: str | BaseException, error_context: Any = None) -> Payload:
    """An exception becomes its message plus ``error_type`` (its class name)."""
    error_type = None
    if isinstance(error, BaseException):
        error_type = type(error).__name__
        error = str(error) or error_type
    return _given(
        AGENT_ERROR,
        error=_text(AGENT_ERROR, "error", error, allow_empty=True),
        error_type=error_type,
        error_context=error_context,
    )


def progress_payload(*, progress: float | Mapping[str, Any], message: str | None = None) -> Payload:
    """``progress`` is a number (no fixed scale) or a mapping of progress details."""
    if isinstance(progress, Mapping):
        progress = dict(progress)
    else:
        progress = _number(PROGRESS, "progress", progress)
        if progress is None:
            raise TypeError(f"{PROGRESS}: progress must be a number or a mapping, got None")
    return _given(PROGRESS, progress=progress, message=_optional_text(PROGRESS, "message", message))


def check_custom_event_type(event_type: object) -> str:
    """A custom event name: a non-empty str that is not (a case variant of) a reserved one."""
    if not isinstance(event_type, str):
        raise TypeError(f"custom event type must be a str, got {type(event_type).__name__}")
    if not event_type.strip():
        raise ValueError("custom event type must not be empty")
    if event_type.strip().lower() in RESERVED_EVENTS:
        raise ValueError(
            f"{event_type!r} is a reserved event; call its dedicated emit_* method instead "
            f"(reserved: {', '.join(sorted(RESERVED_EVENTS))})"
        )
    return event_type


def custom_payload(event_type: str, data: Mapping[str, Any] | None) -> Payload:
    """Custom data is sent as given (None values kept: the caller chose the keys)."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise TypeError(f"{event_type}: data must be a mapping, got {type(data).__name__}")
    for key in data:
        if not isinstance(key, str):
            raise TypeError(f"{event_type}: data keys must be str, got {key!r}")
    return ensure_json(event_type, dict(data))


def load_schema() -> dict[str, Any]:
    """The wire format as JSON Schema (draft 2020-12), shipped as package data."""
    text = resources.files("target_emitter").joinpath("schema.json").read_text(encoding="utf-8")
    return json.loads(text)
