"""RetryPolicy: defaults, validation and the backoff curve."""

from __future__ import annotations

import dataclasses

import pytest

from target_emitter import RetryPolicy


def test_defaults_match_the_documented_policy() -> None:
    policy = RetryPolicy()
    assert dataclasses.astuple(policy) == (4, 0.005, 0.2, 2.0, 5.0)


def test_policy_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        RetryPolicy().max_attempts = 9  # type: ignore[misc]


def test_delay_doubles_from_the_base_and_stops_at_the_cap() -> None:
    policy = RetryPolicy(base_delay=0.005, max_delay=0.03, multiplier=2.0)
    assert [policy.delay_after(n) for n in range(1, 6)] == pytest.approx(
        [0.005, 0.01, 0.02, 0.03, 0.03]
    )
    assert policy.delay_after(10_000) == 0.03


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"max_attempts": 0}, ValueError, "max_attempts"),
        ({"max_attempts": 2.5}, TypeError, "max_attempts"),
        ({"max_attempts": True}, TypeError, "max_attempts"),
        ({"base_delay": -1}, ValueError, "base_delay"),
        ({"max_delay": float("inf")}, ValueError, "max_delay"),
        ({"multiplier": 0.5}, ValueError, "multiplier"),
        ({"attempt_timeout": 0}, ValueError, "attempt_timeout"),
        ({"attempt_timeout": float("nan")}, ValueError, "attempt_timeout"),
    ],
)
def test_nonsense_settings_are_refused(
    kwargs: dict[str, object], error: type, fragment: str
) -> None:
    with pytest.raises(error, match=fragment):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]
