"""Delivery under a misbehaving client, and across two instances through Redis.

Two measurements, each with a baseline from the same run:

1. slow-client: 1,000 users on one InMemoryConnectionRegistry, events offered at
   ``--rate`` per second in all; every connection yields once per write, as a socket
   does. In the measured run one user's connection never completes a write (a frozen
   tab). Reported for the 999 others: emit latency (call to accepted), and delivery
   latency (call to written on their socket). Baseline: the same run without the
   frozen tab.
2. redis: two instances, each its own process, through a redis-server this script
   starts on 127.0.0.1. Instance B holds ``--redis-users`` sockets, and this process
   (instance A) floods events to those users. B timestamps each arrival with the
   same wall clock the payload carries, so the end-to-end latency spans
   A's emit -> Redis -> B's socket. Baseline: the same flood in-process, straight
   into a registry (no Redis). Run twice: a flood (throughput; its latency is
   queueing) and paced at ``--redis-rate`` events/s (latency below saturation).

Usage: python benchmarks/delivery_bench.py [--quick] [--rate 10000] [--redis-events 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from time import perf_counter
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from target_emitter import InMemoryConnectionRegistry, UnifiedWebSocketEmitter

ROOT = Path(__file__).resolve().parents[1]


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50, p99 and max in milliseconds of samples in seconds."""
    ordered = sorted(samples)
    n = len(ordered)
    if n == 0:
        return {"p50": 0.0, "p99": 0.0, "max": 0.0}
    return {
        "p50": ordered[n // 2] * 1e3,
        "p99": ordered[min(n - 1, int(n * 0.99))] * 1e3,
        "max": ordered[-1] * 1e3,
    }


# ----------------------------------------------------------------- slow client ----
class TimedSocket:
    """Yields once per write, as a socket does, and notes when each event was written."""

    def __init__(self, written: dict[int, float]) -> None:
        self.written = written

    async def send(self, message: dict[str, Any]) -> None:
        await asyncio.sleep(0)
        self.written[message["payload"]["k"]] = perf_counter()


class FrozenSocket:
    """A tab that stopped reading: its first write never completes."""

    async def send(self, message: dict[str, Any]) -> None:
        await asyncio.Event().wait()


async def slow_client_run(users: int, rate: float, seconds: float, frozen: bool) -> dict[str, Any]:
    registry = InMemoryConnectionRegistry(max_queue=256, send_timeout=1.0)
    written: dict[int, float] = {}
    ids = [f"user-{n}" for n in range(users)]
    for user in ids[1:]:
        registry.connect(user, TimedSocket(written))
    registry.connect(ids[0], FrozenSocket() if frozen else TimedSocket(written))
    emitters = [UnifiedWebSocketEmitter(registry, user) for user in ids]
    per_user = max(1, int(rate * seconds / users))
    interval = users / rate
    started_at: dict[int, float] = {}
    emit_latency: list[float] = []
    loop = asyncio.get_running_loop()

    async def one(n: int) -> None:
        next_at = loop.time() + interval * n / users
        for i in range(per_user):
            delay = next_at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            next_at += interval
            k = n * per_user + i
            begun = started_at[k] = perf_counter()
            await emitters[n].emit_custom("chunk", {"k": k})
            if n:
                emit_latency.append(perf_counter() - begun)

    began = perf_counter()
    await asyncio.gather(*(one(n) for n in range(users)))
    elapsed = perf_counter() - began
    await registry.flush(timeout=60)
    others = [written[k] - started_at[k] for k in written if k >= per_user]
    return {
        "events": users * per_user,
        "events_per_s": users * per_user / elapsed,
        "emit": percentiles(emit_latency),
        "delivery": percentiles(others),
        "others_written": len(others),
        "others_expected": (users - 1) * per_user,
        "dropped": registry.stalled_connections_dropped + registry.slow_connections_dropped,
    }


# ----------------------------------------------------------------------- redis ----
def start_redis() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


async def instance_b(url: str, users: int, expected: int) -> None:
    """Run as a child process: hold the sockets, print arrival latencies as JSON."""
    from target_emitter.redis_fanout import RedisFanoutManager

    manager = RedisFanoutManager.from_url(url)
    latencies: list[float] = []

    class Arrival:
        async def send(self, message: dict[str, Any]) -> None:
            latencies.append(time.time() - message["payload"]["t"])

    for n in range(users):
        await manager.connect(f"user-{n}", Arrival())
    print("READY", flush=True)
    try:
        async with asyncio.timeout(120):
            while len(latencies) < expected:
                await asyncio.sleep(0.01)
    except TimeoutError:
        pass
    print(json.dumps({"received": len(latencies), "latency": percentiles(latencies)}), flush=True)
    await manager.aclose()


async def flood(
    manager: Any, users: int, events: int, rate: float | None = None
) -> tuple[float, int]:
    """Every user emits back to back or, with ``rate``, the users offer that many events/s."""
    emitters = [UnifiedWebSocketEmitter(manager, f"user-{n}") for n in range(users)]
    per_user = events // users
    loop = asyncio.get_running_loop()
    interval = None if rate is None else users / rate

    async def one(n: int, emitter: UnifiedWebSocketEmitter) -> int:
        ok = 0
        next_at = loop.time() + (interval or 0.0) * n / users
        for i in range(per_user):
            if interval is not None:
                delay = next_at - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                next_at += interval
            ok += await emitter.emit_custom("chunk", {"i": i, "t": time.time()})
        return ok

    began = perf_counter()
    accepted = sum(await asyncio.gather(*(one(n, e) for n, e in enumerate(emitters))))
    return perf_counter() - began, accepted


def redis_run(users: int, events: int, rate: float | None = None) -> dict[str, Any]:
    from target_emitter.redis_fanout import RedisFanoutManager

    server, url = start_redis()
    try:
        child = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--instance-b", url, str(users),
             str(events)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert child.stdout is not None
        if child.stdout.readline().strip() != "READY":
            raise RuntimeError("instance B did not start")

        async def run() -> tuple[float, int]:
            manager = RedisFanoutManager.from_url(url)
            try:
                return await flood(manager, users, events, rate)
            finally:
                await manager.aclose()

        seconds, accepted = asyncio.run(run())
        out, _ = child.communicate(timeout=180)
        b = json.loads(out.strip().splitlines()[-1])
    finally:
        server.kill()
        server.wait()
    return {
        "events": events,
        "accepted": accepted,
        "received": b["received"],
        "events_per_s": accepted / seconds,
        "e2e": b["latency"],
    }


def in_process_run(users: int, events: int, rate: float | None = None) -> dict[str, Any]:
    latencies: list[float] = []

    class Arrival:
        async def send(self, message: dict[str, Any]) -> None:
            latencies.append(time.time() - message["payload"]["t"])

    async def run() -> tuple[float, int]:
        registry = InMemoryConnectionRegistry()
        for n in range(users):
            registry.connect(f"user-{n}", Arrival())
        result = await flood(registry, users, events, rate)
        await registry.flush(timeout=60)
        return result

    seconds, accepted = asyncio.run(run())
    return {
        "events": events,
        "accepted": accepted,
        "received": len(latencies),
        "events_per_s": accepted / seconds,
        "e2e": percentiles(latencies),
    }


# ------------------------------------------------------------------------ main ----
def _row(label: str, r: dict[str, Any], key: str) -> str:
    lat = r[key]
    return (
        f"| {label} | {r['events']:,} | {r['events_per_s']:,.0f} | {lat['p50']:.3f} | "
        f"{lat['p99']:.3f} | {lat['max']:.3f} |"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs")
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--rate", type=float, default=10_000, help="slow-client: events/s")
    parser.add_argument("--seconds", type=float, default=3.0, help="slow-client: run length")
    parser.add_argument("--redis-users", type=int, default=100)
    parser.add_argument("--redis-events", type=int, default=20_000)
    parser.add_argument("--redis-rate", type=float, default=10_000, help="paced: events/s")
    parser.add_argument("--instance-b", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.instance_b:
        url, users, expected = args.instance_b
        asyncio.run(instance_b(url, int(users), int(expected)))
        return
    if args.quick:
        args.seconds, args.redis_events = 1.0, 5_000
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}"
    )

    print(f"\n## one frozen tab among {args.users:,} users, {args.rate:,.0f} events/s offered")
    print("| run | events | events/s | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|")
    base = asyncio.run(slow_client_run(args.users, args.rate, args.seconds, frozen=False))
    slow = asyncio.run(slow_client_run(args.users, args.rate, args.seconds, frozen=True))
    print(_row("baseline: emit latency, others", base, "emit"))
    print(_row("frozen tab: emit latency, others", slow, "emit"))
    print(_row("baseline: emit to written, others", base, "delivery"))
    print(_row("frozen tab: emit to written, others", slow, "delivery"))
    print(
        f"frozen tab dropped: {slow['dropped']}; others written: "
        f"{slow['others_written']:,} of {slow['others_expected']:,}; p99 emit latency "
        f"x{slow['emit']['p99'] / max(base['emit']['p99'], 1e-9):.2f} of baseline"
    )

    if shutil.which("redis-server") is None:
        print("\nredis: skipped, redis-server is not installed")
        return
    users, events = args.redis_users, args.redis_events
    print(f"\n## two instances through Redis: {users} users, {events:,} events flooded")
    print("| run | events | events/s | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|")
    local = in_process_run(users, events)
    remote = redis_run(users, events)
    print(_row("baseline: in-process, emit to socket", local, "e2e"))
    print(_row("Redis: emit on A to socket on B", remote, "e2e"))
    print(
        f"Redis: {remote['accepted']:,} accepted, {remote['received']:,} received on B; "
        f"throughput x{remote['events_per_s'] / local['events_per_s']:.3f} of in-process"
    )
    rate = args.redis_rate
    print(f"\n## the same, paced: {rate:,.0f} events/s offered (latency below saturation)")
    print("| run | events | events/s | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|")
    local = in_process_run(users, events, rate)
    remote = redis_run(users, events, rate)
    print(_row("baseline: in-process, emit to socket", local, "e2e"))
    print(_row("Redis: emit on A to socket on B", remote, "e2e"))
    print(
        f"Redis: {remote['accepted']:,} accepted, {remote['received']:,} received on B; "
        f"p99 x{remote['e2e']['p99'] / max(local['e2e']['p99'], 1e-9):.1f} of in-process"
    )


if __name__ == "__main__":
    main()
