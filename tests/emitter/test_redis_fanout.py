"""Multi-instance delivery through a real redis-server on 127.0.0.1, with the second
instance in its own process. .ci/run installs redis-server; without it these tests are
skipped with the reason (and fail under CI=true, where it must be there)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from target_emitter import RecordingConnection, RetryPolicy, UnifiedWebSocketEmitter
from target_emitter.redis_fanout import RedisFanoutManager

ROOT = Path(__file__).resolve().parents[2]
HANG = 30  # liveness bound: only a hang reaches it

if shutil.which("redis-server") is None:
    if os.environ.get("CI") == "true":
        raise RuntimeError("redis-server is not installed; .ci/run installs it")
    pytest.skip(
        "redis-server not installed (apt-get install redis-server)", allow_module_level=True
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.kill()


def test_two_instances_deliver_each_users_events_in_order_and_to_that_user_only(redis_server):
    users, count = ["u1", "u2", "u3"], 100
    other = subprocess.Popen(
        [sys.executable, "-m", "tests.emitter.redis_instance", redis_server.url, ",".join(users),
         str(count)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert other.stdout is not None
    assert other.stdout.readline().strip() == "READY"

    async def instance_a() -> tuple[dict[str, list[bool]], bool, dict[str, int]]:
        manager = RedisFanoutManager.from_url(redis_server.url)
        emitters = {u: UnifiedWebSocketEmitter(manager, u) for u in users}

        async def run(user: str) -> list[bool]:
            return [
                await emitters[user].emit_custom("step", {"i": i, "owner": user})
                for i in range(count)
            ]

        results = await asyncio.gather(*(run(u) for u in users))
        nobody = UnifiedWebSocketEmitter(manager, "nobody")
        unreached = await nobody.emit_progress(progress=1)
        totals = nobody.metrics.snapshot()["totals"]
        await manager.aclose()
        return dict(zip(users, results, strict=True)), unreached, totals

    results, unreached, totals = asyncio.run(asyncio.wait_for(instance_a(), HANG))
    out, _ = other.communicate(timeout=HANG)
    received = json.loads(out)
    for user in users:
        assert all(results[user])
        assert [seq for seq, _ in received[user]] == list(range(1, count + 1))
        assert [p["i"] for _, p in received[user]] == list(range(count))
        assert {p["owner"] for _, p in received[user]} == {user}
    assert unreached is False
    assert (totals["not_connected"], totals["retried"]) == (1, 0)


def test_a_broker_outage_gives_counted_failures_fast_and_delivery_resumes_after_it(redis_server):
    async def main() -> tuple[list[bool], list[bool], list[bool], dict[str, int], float, int]:
        receiver = RedisFanoutManager.from_url(redis_server.url, reconnect_delay=0.1)
        inbox = RecordingConnection()
        await receiver.connect("u1", inbox)
        sender = RedisFanoutManager.from_url(redis_server.url)
        policy = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)
        emitter = UnifiedWebSocketEmitter(sender, "u1", retry=policy)

        before = [await emitter.emit_progress(progress=i) for i in range(3)]
        redis_server.kill()
        started = time.monotonic()
        during = [await emitter.emit_progress(progress=i) for i in range(3, 6)]
        outage = time.monotonic() - started
        redis_server.start()  # same port: both clients reconnect by themselves
        after: list[bool] = []
        for i in range(6, 200):
            after.append(await emitter.emit_progress(progress=i))
            if after[-1]:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        await receiver.local.flush()
        seqs = [m["seq"] for m in inbox.messages]
        totals = emitter.metrics.snapshot()["totals"]
        await receiver.aclose()
        await sender.aclose()
        return before, during, after, totals, outage, seqs

    before, during, after, totals, outage, seqs = asyncio.run(asyncio.wait_for(main(), HANG))
    assert before == [True] * 3
    assert during == [False] * 3
    assert totals["failed"] >= 3 and totals["retried"] >= 1
    assert outage < HANG / 2  # failed within the emitter's bounds, not hung
    assert after[-1] is True
    assert seqs[:3] == [1, 2, 3] and seqs[-1] == 6 + len(after)  # the outage shows as a gap
