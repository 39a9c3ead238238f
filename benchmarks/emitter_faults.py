"""Soak the unified emitter under a manager that fails, raises, stalls and reorders.

1,000 users (``--users``) emit bursts of concurrent events for ``--seconds``.
The manager at random returns False, raises ConnectionResetError (transient),
raises RuntimeError (fatal), stalls past the attempt timeout, or delays so that
users' deliveries interleave in random order. Now and then a user starts a new
session (a fresh emitter, seq back to 1) so old emitters must be collectable.

Checked continuously, in memory that does not grow with the run length:
- each delivery reaches its own user, with seq and call order strictly rising;
- an emit that returned True was delivered exactly once, one that returned
  False was not delivered; the shared metrics count exactly those outcomes.
Printed over time: events/s, tracemalloc current/peak and RSS, to show memory
stays flat. Exit status 1 on any violation (correctness only, never timing).

Usage: python benchmarks/emitter_faults.py [--seconds 20] [--users 1000] [--seed 0]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import random
import sys
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from target_emitter import EmitterMetrics, RetryPolicy, UnifiedWebSocketEmitter

POLICY = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.008, attempt_timeout=0.02)


@dataclass
class Inbox:
    """What one user's client has seen of its current session."""

    session: str = ""
    last_seq: int = 0
    last_id: int = -1
    unconfirmed: dict[int, int] = field(default_factory=dict)  # id -> deliveries


@dataclass
class Tally:
    emitted: int = 0
    accepted: int = 0
    failed: int = 0
    violations: int = 0
    examples: list[str] = field(default_factory=list)

    def violation(self, text: str) -> None:
        self.violations += 1
        if len(self.examples) < 10:
            self.examples.append(text)


class ChaosManager:
    """A send_to_user that misbehaves at random and checks every delivery it makes."""

    def __init__(self, rng: random.Random, tally: Tally) -> None:
        self.rng = rng
        self.tally = tally
        self.inboxes: dict[str, Inbox] = {}
        self.calls = 0

    async def send_to_user(self, user_id: str, message: dict[str, Any]) -> bool:
        self.calls += 1
        roll = self.rng.random()
        if roll < 0.04:
            return False
        if roll < 0.08:
            raise ConnectionResetError("chaos: reset")
        if roll < 0.09:
            raise RuntimeError("chaos: manager bug")
        if roll < 0.10:
            await asyncio.sleep(3600)  # cut off by the emitter's attempt_timeout
        if roll < 0.40:
            await asyncio.sleep(self.rng.random() * 0.003)  # reorders users' deliveries
        # Nothing awaits below: a call cut off above has delivered nothing.
        self._check_delivery(user_id, message)
        return True

    def _check_delivery(self, user_id: str, message: dict[str, Any]) -> None:
        inbox = self.inboxes[user_id]
        ident = message["payload"]["id"]
        if message["user_id"] != user_id or message["run_id"] != inbox.session:
            self.tally.violation(f"{user_id} got {message['user_id']}/{message['run_id']}")
        if message["seq"] <= inbox.last_seq or ident <= inbox.last_id:
            self.tally.violation(
                f"{user_id}: seq {message['seq']} id {ident} after "
                f"seq {inbox.last_seq} id {inbox.last_id}"
            )
        inbox.last_seq, inbox.last_id = message["seq"], ident
        inbox.unconfirmed[ident] = inbox.unconfirmed.get(ident, 0) + 1


async def _user(
    user_id: str,
    manager: ChaosManager,
    metrics: EmitterMetrics,
    tally: Tally,
    rng: random.Random,
    deadline: float,
) -> None:
    session_number = 0
    while perf_counter() < deadline:
        session_number += 1
        session = f"{user_id}:{session_number}"
        inbox = manager.inboxes[user_id] = Inbox(session=session)
        emitter = UnifiedWebSocketEmitter(
            manager, user_id, run_id=session, retry=POLICY, metrics=metrics
        )
        next_id = 0
        for _ in range(rng.randrange(5, 40)):  # bursts in this session
            if perf_counter() >= deadline:
                break
            ids = list(range(next_id, next_id + rng.randrange(1, 5)))
            next_id += len(ids)
            # Concurrent emits: call order is the order gather starts them (= id order).
            outcomes = await asyncio.gather(*(emitter.emit_custom("soak", {"id": i}) for i in ids))
            for ident, ok in zip(ids, outcomes, strict=True):
                deliveries = inbox.unconfirmed.pop(ident, 0)
                tally.emitted += 1
                if ok:
                    tally.accepted += 1
                if not ok:
                    tally.failed += 1
                if deliveries != (1 if ok else 0):
                    tally.violation(f"{session} id {ident}: ok={ok}, delivered {deliveries}x")
            await asyncio.sleep(rng.random() * 0.002)
        if inbox.unconfirmed:
            tally.violation(f"{session}: delivered but never confirmed {inbox.unconfirmed}")


def _rss_mib() -> float:
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        return float("nan")
    return pages * 4096 / 2**20


async def _sampler(tally: Tally, deadline: float, every: float, samples: list[float]) -> None:
    started = last_time = perf_counter()
    last_count = 0
    print(
        f"{'t s':>6}{'events':>10}{'events/s':>10}{'traced MiB':>12}{'peak MiB':>10}{'RSS MiB':>9}"
    )
    while perf_counter() < deadline:
        await asyncio.sleep(min(every, max(0.0, deadline - perf_counter())))
        now = perf_counter()
        current, peak = tracemalloc.get_traced_memory() if tracemalloc.is_tracing() else (0, 0)
        rate = (tally.emitted - last_count) / (now - last_time)
        print(
            f"{now - started:>6.1f}{tally.emitted:>10}{rate:>10,.0f}"
            f"{current / 2**20:>12.2f}{peak / 2**20:>10.2f}{_rss_mib():>9.1f}"
        )
        samples.append(current / 2**20 if tracemalloc.is_tracing() else _rss_mib())
        last_time, last_count = now, tally.emitted


async def soak(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    tally = Tally()
    metrics = EmitterMetrics()
    manager = ChaosManager(random.Random(rng.random()), tally)
    deadline = perf_counter() + args.seconds
    samples: list[float] = []
    sampler = asyncio.create_task(_sampler(tally, deadline, args.sample_every, samples))
    await asyncio.gather(
        *(
            _user(f"user-{n}", manager, metrics, tally, random.Random(rng.random()), deadline)
            for n in range(args.users)
        )
    )
    await sampler
    totals = metrics.snapshot()["totals"]
    if (totals["sent"], totals["failed"]) != (tally.accepted, tally.failed):
        tally.violation(f"metrics {totals} != outcomes ok={tally.accepted} failed={tally.failed}")
    if totals["cancelled"]:
        tally.violation(f"{totals['cancelled']} emits cancelled; none should be")
    print(
        f"\nemitted {tally.emitted:,}: delivered {tally.accepted:,}, failed and counted "
        f"{tally.failed:,}; manager calls {manager.calls:,}, retries {totals['retried']:,}"
    )
    if len(samples) >= 4:
        settled = samples[len(samples) // 4]
        print(
            f"memory after warm-up {settled:.2f} MiB, at the end {samples[-1]:.2f} MiB "
            f"({samples[-1] - settled:+.2f} MiB)"
        )
    print(f"violations: {tally.violations}")
    for example in tally.examples:
        print(f"  {example}")
    return 1 if tally.violations else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample-every", type=float, default=2.0, help="seconds between samples")
    parser.add_argument("--no-tracemalloc", action="store_true", help="faster; RSS only")
    args = parser.parse_args(argv)
    # The chaos makes the emitter log every failure; the soak counts them instead.
    logging.getLogger("target_emitter").setLevel(logging.CRITICAL)
    if not args.no_tracemalloc:
        tracemalloc.start()
    gc.collect()
    print(f"fault soak: {args.users} users, {args.seconds:g} s, seed {args.seed}, retry {POLICY}")
    status = asyncio.run(soak(args))
    tracemalloc.stop()
    return status


if __name__ == "__main__":
    sys.exit(main())
