"""Throughput and per-event latency of the unified emitter, in-process.

Each scenario builds, for one user, a coroutine function ``emit(i) -> bool`` that
sends event ``i`` of a repeating agent run (started, thinking, tool executing,
tool completed, completed). Every scenario runs for 1, 100 and 1,000 users
against two sinks behind an InMemoryConnectionRegistry:

- inline: the connection counts the message and returns without yielding;
- yield:  the connection yields to the event loop once per send, as a socket
          write that has to wait would, so users' tasks interleave and latency
          includes time spent waiting for the loop.

To add a scenario, register a factory and call ``main``::

    from benchmarks.emitter_bench import SCENARIOS, main
    SCENARIOS["bridge"] = lambda manager, user_id: make_bridge_emit(manager, user_id)
    main()

Two loads: "flood" (every user emits back to back: throughput) and "paced"
(``--rate`` events/s offered in all, default 10,000 = ten times the mission
floor: latency at a load the event loop can carry). Every
scenario other than "direct" is also printed as a ratio to "direct" from the
same run. Usage: python benchmarks/emitter_bench.py [--events N] [--seed S] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import random
import sys
from array import array
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from target_emitter import (
    ConnectionManager,
    InMemoryConnectionRegistry,
    UnifiedWebSocketEmitter,
)

EmitFn = Callable[[int], Awaitable[bool]]
ScenarioFactory = Callable[[ConnectionManager, str], EmitFn]

FLOOR = {"events_per_s": 1_000, "mean_ms": 5.0, "p99_ms": 20.0}
AIM = {"events_per_s": 100_000, "p99_ms": 1.0}
RESULT = {"hits": [{"id": 1, "score": 0.93}, {"id": 7, "score": 0.41}], "total": 2}


def direct(manager: ConnectionManager, user_id: str) -> EmitFn:
    """The unified emitter called the way migrated code calls it."""
    emitter = UnifiedWebSocketEmitter(
        manager, user_id, thread_id=f"thread-{user_id}", run_id=f"run-{user_id}"
    ).bind(agent_name="bench_agent")
    steps: list[Callable[[int], Awaitable[bool]]] = [
        lambda i: emitter.emit_agent_started(agent_name="bench_agent", context={"i": i}),
        lambda i: emitter.emit_agent_thinking(reasoning="planning the search", step_number=i),
        lambda i: emitter.emit_tool_executing(tool_name="search", parameters={"q": "why"}),
        lambda i: emitter.emit_tool_completed(
            tool_name="search", result=RESULT, execution_time_ms=1.5
        ),
        lambda i: emitter.emit_agent_completed(agent_name="bench_agent", result={"ok": True}),
    ]

    def emit(i: int) -> Awaitable[bool]:
        return steps[i % len(steps)](i)

    return emit


SCENARIOS: dict[str, ScenarioFactory] = {"direct": direct}


class InlineSink:
    """Counts what it is sent and keeps nothing, so memory stays flat."""

    def __init__(self) -> None:
        self.sent = 0

    async def send(self, message: dict[str, Any]) -> None:
        self.sent += 1


class YieldingSink(InlineSink):
    async def send(self, message: dict[str, Any]) -> None:
        await asyncio.sleep(0)
        self.sent += 1


SINKS: dict[str, type[InlineSink]] = {"inline": InlineSink, "yield": YieldingSink}


@dataclass
class Result:
    scenario: str
    users: int
    sink: str
    events: int
    delivered: int
    seconds: float
    mean_ms: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    offered: float | None = None  # events/s offered in a paced run

    @property
    def events_per_s(self) -> float:
        return self.events / self.seconds


async def _run(
    factory: ScenarioFactory,
    users: int,
    per_user: int,
    sink_kind: str,
    seed: int,
    interval: float | None = None,
) -> tuple[int, int, float, array[float]]:
    """Run every user's emits; with ``interval`` each user emits once per interval."""
    registry = InMemoryConnectionRegistry()
    user_ids = [f"user-{seed}-{n}" for n in range(users)]
    sinks = [SINKS[sink_kind]() for _ in user_ids]
    for user_id, sink in zip(user_ids, sinks, strict=True):
        registry.connect(user_id, sink)
    emits = [factory(registry, user_id) for user_id in user_ids]
    latencies = array("d", bytes(8 * users * per_user))
    accepted = [0] * users

    rng = random.Random(seed)
    loop = asyncio.get_running_loop()

    async def one_user(k: int, emit: EmitFn) -> None:
        base = k * per_user
        ok = 0
        next_at = loop.time() + rng.random() * (interval or 0.0)
        for i in range(per_user):
            if interval is not None:
                # Open loop: keep the schedule; a late user catches up without sleeping.
                delay = next_at - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                next_at += interval
            started = perf_counter()
            ok += await emit(i)
            latencies[base + i] = perf_counter() - started
        accepted[k] = ok

    order = list(range(users))
    rng.shuffle(order)  # users start in a seeded order
    gc.collect()
    started = perf_counter()
    await asyncio.gather(*(one_user(k, emits[k]) for k in order))
    seconds = perf_counter() - started
    # Accepted means queued per connection; the writers finish outside the timing.
    await registry.flush(timeout=600)
    return sum(accepted), sum(s.sent for s in sinks), seconds, latencies


def measure(
    name: str, users: int, events: int, sink: str, seed: int, rate: float | None = None
) -> Result:
    """Flood (every user back to back) or, with ``rate``, offer that many events/s in all."""
    factory = SCENARIOS[name]
    per_user = max(1, events // users)
    interval = None if rate is None else users / rate
    asyncio.run(_run(factory, users, max(1, per_user // 20), sink, seed))  # warm-up
    accepted, delivered, seconds, latencies = asyncio.run(
        _run(factory, users, per_user, sink, seed, interval)
    )
    ordered = sorted(latencies)
    total = len(ordered)
    if accepted != total or delivered != total:
        print(f"  !! {name}: {total} emitted, {accepted} accepted, {delivered} delivered")
    return Result(
        scenario=name,
        users=users,
        sink=sink,
        events=total,
        delivered=delivered,
        seconds=seconds,
        mean_ms=sum(ordered) / total * 1e3,
        p50_ms=ordered[total // 2] * 1e3,
        p99_ms=ordered[min(total - 1, int(total * 0.99))] * 1e3,
        max_ms=ordered[-1] * 1e3,
        offered=rate,
    )


def _verdict(result: Result) -> str:
    """Flood rows judge throughput; paced rows judge latency at the offered load."""
    if result.offered is None:
        floor = result.events_per_s > FLOOR["events_per_s"]
        aim = result.events_per_s >= AIM["events_per_s"]
        kind = "throughput"
    else:
        floor = result.mean_ms < FLOOR["mean_ms"] and result.p99_ms < FLOOR["p99_ms"]
        aim = result.p99_ms < AIM["p99_ms"]
        kind = "latency"
        if result.events_per_s < 0.95 * result.offered:
            kind += f" (only {result.events_per_s / result.offered:.0%} of the offered load)"
    return f"{kind}: {'floor ok' if floor else 'FLOOR MISSED'}, {'aim ok' if aim else 'aim missed'}"


def _print_header(args: argparse.Namespace) -> None:
    print(
        f"emitter benchmark: Python {platform.python_version()}, {os.cpu_count()} CPU(s), "
        f"seed={args.seed}"
    )
    print(
        f"mission floor: >{FLOOR['events_per_s']:,} events/s, mean <{FLOOR['mean_ms']} ms, "
        f"p99 <{FLOOR['p99_ms']} ms | aim: >={AIM['events_per_s']:,} events/s, "
        f"p99 <{AIM['p99_ms']} ms"
    )


def _print_table_header(title: str) -> None:
    print(f"\n{title}")
    print(
        f"{'scenario':<12}{'users':>6} {'sink':<7}{'events':>8}{'events/s':>11}"
        f"{'mean ms':>10}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}  verdict"
    )


def _print_row(result: Result) -> None:
    print(
        f"{result.scenario:<12}{result.users:>6} {result.sink:<7}{result.events:>8}"
        f"{result.events_per_s:>11,.0f}{result.mean_ms:>10.4f}{result.p50_ms:>9.4f}"
        f"{result.p99_ms:>9.4f}{result.max_ms:>9.3f}  {_verdict(result)}"
    )


def _print_ratios(results: list[Result]) -> None:
    baseline = {(r.users, r.sink): r for r in results if r.scenario == "direct"}
    others = [r for r in results if r.scenario != "direct" and (r.users, r.sink) in baseline]
    if not others:
        return
    print("\nagainst direct in the same run (throughput share; mean-latency ratio, 1.00 = equal)")
    for r in others:
        base = baseline[r.users, r.sink]
        print(
            f"{r.scenario:<12}{r.users:>6} {r.sink:<7} throughput "
            f"{r.events_per_s / base.events_per_s:.2f} of direct, "
            f"mean latency x{r.mean_ms / base.mean_ms:.2f}"
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000, help="events per flood run")
    parser.add_argument("--seed", type=int, default=0, help="seeds user ids and start order")
    parser.add_argument("--quick", action="store_true", help="10,000 events, 1 and 100 users")
    parser.add_argument("--scenario", action="append", help="only this scenario (repeatable)")
    parser.add_argument("--users", type=int, action="append", help="user counts (repeatable)")
    parser.add_argument("--sink", choices=sorted(SINKS), action="append", help="repeatable")
    parser.add_argument("--rate", type=float, default=10_000, help="paced runs: events/s offered")
    parser.add_argument("--paced-seconds", type=float, default=2.0, help="0 skips paced runs")
    args = parser.parse_args(argv)
    if args.quick:
        args.events = min(args.events, 10_000)
        args.paced_seconds = min(args.paced_seconds, 0.5)
    args.users = args.users or ([1, 100] if args.quick else [1, 100, 1_000])
    args.sink = args.sink or ["inline", "yield"]
    args.scenario = args.scenario or list(SCENARIOS)
    unknown = set(args.scenario) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s) {sorted(unknown)}; known: {sorted(SCENARIOS)}")
    if "direct" not in args.scenario:
        args.scenario.insert(0, "direct")  # every ratio needs its baseline
    return args


def main(argv: list[str] | None = None) -> list[Result]:
    args = parse_args(argv)
    _print_header(args)
    results = []
    _print_table_header(
        f"flood: each user emits back to back, {args.events:,} events per run "
        "(with many users on the yield sink, latency is queueing: users / throughput)"
    )
    for users in args.users:
        for sink in args.sink:
            for name in args.scenario:
                result = measure(name, users, args.events, sink, args.seed)
                _print_row(result)
                results.append(result)
    _print_ratios(results)
    if args.paced_seconds > 0:
        paced_events = int(args.rate * args.paced_seconds)
        _print_table_header(
            f"paced: {args.rate:,.0f} events/s offered across all users for "
            f"{args.paced_seconds:g} s, yield sink (latency at a load the loop can carry)"
        )
        paced = []
        for users in args.users:
            for name in args.scenario:
                result = measure(name, users, paced_events, "yield", args.seed, args.rate)
                _print_row(result)
                paced.append(result)
        _print_ratios(paced)
        results += paced
    return results


if __name__ == "__main__":
    main()
