"""Per-event-type delivery counters and latency, in bounded memory."""

from __future__ import annotations

import math
from array import array
from typing import Any

# Latency buckets are log-spaced: 8 per doubling keeps a percentile within ~4.5%
# of the true value, and 27 doublings of a microsecond reach past two minutes.
_STEPS_PER_DOUBLING = 8
_BUCKETS = 27 * _STEPS_PER_DOUBLING + 2
OTHER_EVENTS = "_other"


class LatencyHistogram:
    """Count, total, min, max and a fixed log-bucket histogram for percentiles."""

    __slots__ = ("_buckets", "count", "maximum", "minimum", "total")

    def __init__(self) -> None:
        self.count = 0
        self.total = 0.0
        self.minimum = math.inf
        self.maximum = 0.0
        self._buckets = array("I", bytes(4 * _BUCKETS))

    def record(self, seconds: float) -> None:
        self.count += 1
        self.total += seconds
        if seconds < self.minimum:
            self.minimum = seconds
        if seconds > self.maximum:
            self.maximum = seconds
        micros = seconds * 1e6
        if micros < 1.0:
            index = 0
        else:
            index = min(int(math.log2(micros) * _STEPS_PER_DOUBLING) + 1, _BUCKETS - 1)
        self._buckets[index] += 1

    def percentile(self, fraction: float) -> float:
        """Estimated latency (seconds) at ``fraction`` (0..1); 0.0 when empty."""
        if self.count == 0:
            return 0.0
        rank = max(1, math.ceil(fraction * self.count))
        seen = 0
        index = 0
        while True:
            seen += self._buckets[index]
            if seen >= rank or index == _BUCKETS - 1:
                break
            index += 1
        if rank == self.count or index == _BUCKETS - 1:
            return self.maximum  # the top sample and the overflow bucket are known exactly
        # Bucket i >= 1 covers [2**((i-1)/s), 2**(i/s)) microseconds; take its geometric middle.
        estimate = 0.5e-6 if index == 0 else 2 ** ((index - 0.5) / _STEPS_PER_DOUBLING) * 1e-6
        return min(max(estimate, self.minimum), self.maximum)

    def snapshot_ms(self) -> dict[str, float | int]:
        empty = self.count == 0
        return {
            "count": self.count,
            "total": self.total * 1e3,
            "mean": 0.0 if empty else self.total / self.count * 1e3,
            "min": 0.0 if empty else self.minimum * 1e3,
            "p50": self.percentile(0.50) * 1e3,
            "p99": self.percentile(0.99) * 1e3,
            "max": self.maximum * 1e3,
        }


class EventStats:
    """What happened to the emits of one event type."""

    __slots__ = ("cancelled", "failed", "latency", "not_connected", "retried", "sent")

    def __init__(self) -> None:
        self.sent = 0
        self.failed = 0
        self.retried = 0
        self.cancelled = 0
        self.not_connected = 0
        self.latency = LatencyHistogram()

    def snapshot(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "failed": self.failed,
            "retried": self.retried,
            "cancelled": self.cancelled,
            "not_connected": self.not_connected,
            "latency_ms": self.latency.snapshot_ms(),
        }


class EmitterMetrics:
    """Counters per event type: sent, failed, retried (extra attempts), cancelled, and
    not_connected (the user had no connection; not retried).

    Latency is from the emit call to the manager's acceptance, for sent events only.
    Custom event names are caller-chosen, so after ``max_event_types`` distinct
    names further ones are pooled under ``"_other"`` to keep memory bounded.
    """

    __slots__ = ("_by_type", "max_event_types")

    def __init__(self, *, max_event_types: int = 64) -> None:
        if max_event_types < 1:
            raise ValueError(f"max_event_types must be >= 1, got {max_event_types}")
        self.max_event_types = max_event_types
        self._by_type: dict[str, EventStats] = {}

    def stats(self, event_type: str) -> EventStats:
        stats = self._by_type.get(event_type)
        if stats is None:
            if len(self._by_type) >= self.max_event_types:
                event_type = OTHER_EVENTS
                stats = self._by_type.get(event_type)
            if stats is None:
                stats = self._by_type[event_type] = EventStats()
        return stats

    def record_sent(self, event_type: str, seconds: float) -> None:
        stats = self._by_type.get(event_type) or self.stats(event_type)
        stats.sent += 1
        stats.latency.record(seconds)

    def record_failed(self, event_type: str) -> None:
        self.stats(event_type).failed += 1

    def record_retry(self, event_type: str) -> None:
        self.stats(event_type).retried += 1

    def record_cancelled(self, event_type: str) -> None:
        self.stats(event_type).cancelled += 1

    def record_not_connected(self, event_type: str) -> None:
        self.stats(event_type).not_connected += 1

    def snapshot(self) -> dict[str, Any]:
        """Plain JSON-serialisable dict: ``{"events": {type: {...}}, "totals": {...}}``."""
        events = {name: stats.snapshot() for name, stats in sorted(self._by_type.items())}
        totals = {
            key: sum(entry[key] for entry in events.values())
            for key in ("sent", "failed", "retried", "cancelled", "not_connected")
        }
        return {"events": events, "totals": totals}
