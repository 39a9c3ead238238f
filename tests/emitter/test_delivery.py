"""Delivery outcomes: accepted, retried, failed, timed out; and the counters that report them."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest

from target_emitter import RetryPolicy, UnifiedWebSocketEmitter
from tests.emitter.fakes import ScriptedManager

FAST = RetryPolicy(max_attempts=4, base_delay=0.0005, max_delay=0.002)


def _emit_once(manager: ScriptedManager, retry: RetryPolicy = FAST) -> tuple[bool, dict[str, Any]]:
    emitter = UnifiedWebSocketEmitter(manager, "u1", retry=retry)
    ok = asyncio.run(emitter.emit_tool_executing(tool_name="search"))
    return ok, emitter.metrics.snapshot()


@pytest.mark.parametrize("accepted", ["ok", True, "yes", 1])
def test_none_true_or_a_truthy_answer_counts_as_accepted(accepted: object) -> None:
    manager = ScriptedManager([accepted])
    ok, metrics = _emit_once(manager)
    assert ok is True
    assert len(manager.calls) == 1
    assert metrics["events"]["tool_executing"]["sent"] == 1


@pytest.mark.parametrize(
    "transient",
    [False, 0, ConnectionResetError("reset"), OSError("io")],
)
def test_transient_failures_are_retried_until_delivered(transient: object) -> None:
    manager = ScriptedManager([transient, transient, "ok"])
    ok, metrics = _emit_once(manager)
    assert ok is True
    assert len(manager.calls) == 3
    # Every attempt carries the same message: same seq, same timestamp.
    assert len({json.dumps(m, sort_keys=True) for _, m in manager.calls}) == 1
    stats = metrics["events"]["tool_executing"]
    assert (stats["sent"], stats["retried"], stats["failed"]) == (1, 2, 0)


def test_a_permanently_failing_manager_gives_false_after_the_bounded_attempts() -> None:
    manager = ScriptedManager([False] * 10)
    ok, metrics = _emit_once(manager, RetryPolicy(max_attempts=3, base_delay=0, max_delay=0))
    assert ok is False
    assert len(manager.calls) == 3
    stats = metrics["events"]["tool_executing"]
    assert (stats["sent"], stats["retried"], stats["failed"]) == (0, 2, 1)
    assert stats["latency_ms"]["count"] == 0
    assert metrics["totals"]["failed"] == 1


def test_a_non_transient_exception_fails_at_once_is_logged_and_never_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    manager = ScriptedManager([RuntimeError("manager bug")])
    with caplog.at_level(logging.WARNING, logger="target_emitter"):
        ok, metrics = _emit_once(manager)
    assert ok is False
    assert len(manager.calls) == 1
    stats = metrics["events"]["tool_executing"]
    assert (stats["sent"], stats["retried"], stats["failed"]) == (0, 0, 1)
    [record] = caplog.records
    assert "tool_executing seq=1 for user u1 failed" in record.getMessage()
    assert record.exc_info is not None and "manager bug" in str(record.exc_info[1])


def test_exhausted_retries_are_logged_with_the_last_reason(
    caplog: pytest.LogCaptureFixture,
) -> None:
    manager = ScriptedManager([ConnectionRefusedError("refused")] * 2)
    with caplog.at_level(logging.WARNING, logger="target_emitter"):
        ok, _ = _emit_once(manager, RetryPolicy(max_attempts=2, base_delay=0, max_delay=0))
    assert ok is False
    [record] = caplog.records
    assert "not delivered after 2 attempt(s)" in record.getMessage()
    assert "ConnectionRefusedError: refused" in record.getMessage()


@pytest.mark.parametrize("script", [["stall", "ok"], [TimeoutError("manager's own timeout"), "ok"]])
def test_a_timed_out_attempt_is_counted_failed_and_never_sent_again(script: list[object]) -> None:
    # The attempt may have reached the client: sending it again could deliver a seq twice.
    manager = ScriptedManager(script)
    policy = RetryPolicy(max_attempts=3, base_delay=0, max_delay=0, attempt_timeout=0.01)
    ok, metrics = _emit_once(manager, policy)
    assert ok is False
    assert len(manager.calls) == 1
    stats = metrics["events"]["tool_executing"]
    assert (stats["failed"], stats["retried"], stats["sent"]) == (1, 0, 0)


def test_the_default_policy_bounds_every_attempt() -> None:
    assert RetryPolicy().attempt_timeout == 5.0


def test_a_manager_that_always_stalls_ends_false_instead_of_hanging() -> None:
    manager = ScriptedManager(["stall"] * 5)
    policy = RetryPolicy(max_attempts=2, base_delay=0, max_delay=0, attempt_timeout=0.01)
    ok, metrics = _emit_once(manager, policy)
    assert ok is False
    assert metrics["events"]["tool_executing"]["failed"] == 1


def test_backoff_waits_grow_exponentially_up_to_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    real_sleep = asyncio.sleep

    async def recording_sleep(delay: float, result: Any = None) -> Any:
        waits.append(delay)
        return await real_sleep(0, result)

    monkeypatch.setattr(asyncio, "sleep", recording_sleep)
    policy = RetryPolicy(max_attempts=6, base_delay=0.01, max_delay=0.05, multiplier=2)
    ok, _ = _emit_once(ScriptedManager([False] * 6), policy)
    assert ok is False
    assert waits == pytest.approx([0.01, 0.02, 0.04, 0.05, 0.05])


def test_a_failed_event_leaves_a_seq_gap_and_the_next_event_is_delivered() -> None:
    manager = ScriptedManager(["ok", RuntimeError("once"), "ok"])
    emitter = UnifiedWebSocketEmitter(manager, "u1", retry=FAST)

    async def run() -> list[bool]:
        return [await emitter.emit_progress(progress=i) for i in range(3)]

    assert asyncio.run(run()) == [True, False, True]
    assert [m["seq"] for _, m in manager.delivered] == [1, 3]
    assert emitter.metrics.snapshot()["totals"] == {
        "not_connected": 0,
        "sent": 2,
        "failed": 1,
        "retried": 0,
        "cancelled": 0,
    }


def test_retried_deliveries_keep_call_order_for_concurrent_emits() -> None:
    # The first event fails twice; the ones queued behind it must wait, not overtake.
    manager = ScriptedManager([False, ConnectionError("x")])
    emitter = UnifiedWebSocketEmitter(manager, "u1", retry=FAST)

    async def run() -> list[bool]:
        return await asyncio.gather(*(emitter.emit_progress(progress=i) for i in range(10)))

    assert asyncio.run(run()) == [True] * 10
    assert [m["payload"]["progress"] for _, m in manager.delivered] == list(range(10))
    assert [m["seq"] for _, m in manager.delivered] == list(range(1, 11))
