"""Delivery metrics: counters, latency percentiles, bounded memory, snapshot shape."""

from __future__ import annotations

import asyncio
import json
import random
import sys

import pytest

from target_emitter import EmitterMetrics, RetryPolicy, UnifiedWebSocketEmitter
from target_emitter.metrics import OTHER_EVENTS, LatencyHistogram
from tests.emitter.fakes import ScriptedManager


def _exact_percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(fraction * len(ordered) + 0.999999) - 1)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_percentiles_are_within_five_percent_of_the_exact_values(seed: int) -> None:
    rng = random.Random(seed)
    # Latencies spread over four orders of magnitude, heavy-tailed like real ones.
    values = [10 ** rng.uniform(-6, -2) for _ in range(20_000)]
    histogram = LatencyHistogram()
    for value in values:
        histogram.record(value)
    for fraction in (0.5, 0.9, 0.99):
        exact = _exact_percentile(values, fraction)
        assert histogram.percentile(fraction) == pytest.approx(exact, rel=0.05)
    assert histogram.count == len(values)
    assert histogram.total == pytest.approx(sum(values))
    assert (histogram.minimum, histogram.maximum) == (min(values), max(values))


def test_percentiles_stay_inside_the_observed_range() -> None:
    histogram = LatencyHistogram()
    assert histogram.percentile(0.5) == 0.0
    histogram.record(0.0000002)
    assert histogram.percentile(0.99) == 0.0000002
    histogram.record(500.0)  # beyond the last bucket: clamped, still counted
    assert histogram.percentile(1.0) == 500.0


def test_histogram_memory_does_not_grow_with_the_number_of_samples() -> None:
    histogram = LatencyHistogram()
    before = sys.getsizeof(histogram._buckets)
    for i in range(100_000):
        histogram.record((i % 977) * 1e-5)
    assert sys.getsizeof(histogram._buckets) == before < 2048


def test_distinct_event_names_beyond_the_cap_are_pooled() -> None:
    metrics = EmitterMetrics(max_event_types=3)
    for n in range(10):
        metrics.record_failed(f"custom-{n}")
    snapshot = metrics.snapshot()
    assert set(snapshot["events"]) == {"custom-0", "custom-1", "custom-2", OTHER_EVENTS}
    assert snapshot["events"][OTHER_EVENTS]["failed"] == 7
    assert snapshot["totals"]["failed"] == 10
    with pytest.raises(ValueError):
        EmitterMetrics(max_event_types=0)


def test_snapshot_reports_each_event_type_and_is_json_serialisable() -> None:
    manager = ScriptedManager([False, "ok", RuntimeError("bug"), "ok", "ok"])
    policy = RetryPolicy(max_attempts=3, base_delay=0, max_delay=0)
    emitter = UnifiedWebSocketEmitter(manager, "u1", retry=policy)

    async def run() -> None:
        await emitter.emit_tool_executing(tool_name="t")  # False, then ok: retried once
        await emitter.emit_tool_executing(tool_name="t")  # raises: failed
        await emitter.emit_tool_completed(tool_name="t")  # ok
        await emitter.emit_custom("mine", {})  # ok

    asyncio.run(run())
    snapshot = json.loads(json.dumps(emitter.metrics.snapshot()))

    assert set(snapshot) == {"events", "totals"}
    assert set(snapshot["events"]) == {"tool_executing", "tool_completed", "mine"}
    executing = snapshot["events"]["tool_executing"]
    assert {k: executing[k] for k in ("sent", "failed", "retried", "cancelled")} == {
        "sent": 1,
        "failed": 1,
        "retried": 1,
        "cancelled": 0,
    }
    assert executing["not_connected"] == 0
    latency = executing["latency_ms"]
    assert set(latency) == {"count", "total", "mean", "min", "p50", "p99", "max"}
    assert latency["count"] == 1
    assert 0 < latency["min"] <= latency["p50"] <= latency["p99"] <= latency["max"]
    assert latency["mean"] == pytest.approx(latency["total"])
    assert snapshot["totals"] == {
        "sent": 3,
        "failed": 1,
        "retried": 1,
        "cancelled": 0,
        "not_connected": 0,
    }


def test_metrics_can_be_shared_by_many_emitters() -> None:
    shared = EmitterMetrics()
    manager = ScriptedManager()
    emitters = [UnifiedWebSocketEmitter(manager, f"u{n}", metrics=shared) for n in range(4)]

    async def run() -> None:
        await asyncio.gather(*(e.emit_progress(progress=1) for e in emitters))

    asyncio.run(run())
    assert shared.snapshot()["events"]["progress"]["sent"] == 4
