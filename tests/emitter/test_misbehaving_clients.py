"""Delivery over real sockets when clients misbehave: nothing hangs, nothing is sent twice,
and what is lost is counted. Each test has a healthy client beside the bad one."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, serve

from target_emitter import (
    InMemoryConnectionRegistry,
    UnifiedWebSocketEmitter,
    WebSocketConnection,
)

BIG = "x" * 262_144  # 300 of these (75 MiB) are more than loopback buffers (36 MiB) hold
# Liveness bound for a whole test: far above what a passing run takes, so only a hang hits it.
HANG = 30


@asynccontextmanager
async def server(registry: InMemoryConnectionRegistry) -> AsyncIterator[Callable[..., Any]]:
    """A WebSocket server that registers each client under the user named in its path."""
    registered: asyncio.Queue[str] = asyncio.Queue()

    async def handler(websocket: ServerConnection) -> None:
        user = websocket.request.path.strip("/")
        handle = registry.connect(user, WebSocketConnection(websocket))
        await registered.put(user)
        try:
            await websocket.wait_closed()
        finally:
            registry.disconnect(handle)

    # No compression: the test means bytes on the wire, not how well "xxx" compresses.
    async with serve(handler, "127.0.0.1", 0, write_limit=1024, compression=None) as srv:
        port = srv.sockets[0].getsockname()[1]

        async def client(user: str, **kwargs: Any) -> ClientConnection:
            websocket = await connect(f"ws://127.0.0.1:{port}/{user}", **kwargs)
            await asyncio.wait_for(registered.get(), HANG)
            return websocket

        yield client


async def _receive_all(websocket: ClientConnection, count: int) -> list[dict[str, Any]]:
    return [json.loads(await websocket.recv()) for _ in range(count)]


def _run(main: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(asyncio.wait_for(main(), HANG))


def test_a_client_that_stops_reading_is_dropped_and_never_stalls_the_agent_or_its_other_tab():
    registry = InMemoryConnectionRegistry(max_queue=32, send_timeout=0.5)
    events = 300

    async def main() -> tuple[list[bool], list[dict[str, Any]], int]:
        async with server(registry) as client:
            stalled = await client("u1")
            stalled.transport.pause_reading()  # a frozen tab: its socket is never read again
            healthy = await client("u1")
            emitter = UnifiedWebSocketEmitter(registry, "u1")
            reader = asyncio.create_task(_receive_all(healthy, events))
            results = [
                await emitter.emit_custom("chunk", {"i": i, "blob": BIG}) for i in range(events)
            ]
            received = await reader
            stalled.transport.abort()
            await healthy.close()
            return results, received, registry.connection_count("u1")

    results, received, left = _run(main)
    assert all(results)
    assert [m["seq"] for m in received] == list(range(1, events + 1))  # each once, in order
    assert registry.slow_connections_dropped + registry.stalled_connections_dropped == 1
    assert registry.frames_dropped > 0
    assert left == 1


def test_a_client_that_disconnects_mid_run_costs_nothing_but_its_own_events():
    registry = InMemoryConnectionRegistry()

    async def main() -> tuple[list[bool], list[dict[str, Any]], dict[str, Any]]:
        async with server(registry) as client:
            leaving = await client("u1")
            other = await client("u2")
            u1 = UnifiedWebSocketEmitter(registry, "u1")
            u2 = UnifiedWebSocketEmitter(registry, "u2")
            results = []
            for i in range(40):
                if i == 10:
                    await leaving.close()
                    await asyncio.sleep(0.05)  # the server notices the close
                results.append(await u1.emit_progress(progress=i))
                await u2.emit_progress(progress=i)
            received = await _receive_all(other, 40)
            await other.close()
            return results, received, u1.metrics.snapshot()["totals"]

    results, received, u1_totals = _run(main)
    assert results[:10] == [True] * 10
    assert results[10:] == [False] * 30  # not connected: answered at once, not retried
    assert (u1_totals["not_connected"], u1_totals["retried"]) == (30, 0)
    assert [m["payload"]["progress"] for m in received] == list(range(40))


def test_after_a_reconnect_the_stream_goes_on_and_nothing_sent_while_away_counts_as_sent():
    registry = InMemoryConnectionRegistry()

    async def main() -> tuple[list[bool], list[int], list[int]]:
        async with server(registry) as client:
            emitter = UnifiedWebSocketEmitter(registry, "u1")
            first = await client("u1")
            results = [await emitter.emit_progress(progress=i) for i in range(3)]
            before = [m["seq"] for m in await _receive_all(first, 3)]
            await first.close()
            await asyncio.sleep(0.05)
            results += [await emitter.emit_progress(progress=i) for i in range(3, 6)]
            again = await client("u1")
            results += [await emitter.emit_progress(progress=i) for i in range(6, 9)]
            after = [m["seq"] for m in await _receive_all(again, 3)]
            await again.close()
            return results, before, after

    results, before, after = _run(main)
    assert results == [True] * 3 + [False] * 3 + [True] * 3
    assert before == [1, 2, 3]
    assert after == [7, 8, 9]  # the gap 4-6 tells the client what it missed


def test_a_payload_changed_after_the_emit_is_sent_as_it_was_and_breaks_nothing():
    registry = InMemoryConnectionRegistry()

    async def main() -> tuple[dict[str, Any], dict[str, Any], int]:
        async with server(registry) as client:
            websocket = await client("u1")
            emitter = UnifiedWebSocketEmitter(registry, "u1")
            data: dict[str, Any] = {"rows": [1, 2]}
            await emitter.emit_custom("report", data)
            data["rows"].append(object())  # no longer JSON-serialisable
            data["late"] = True
            await emitter.emit_custom("report", {"rows": []})
            first, second = await _receive_all(websocket, 2)
            await websocket.close()
            return first, second, registry.dead_connections_removed

    first, second, dead = _run(main)
    assert first["payload"] == {"rows": [1, 2]}
    assert second["seq"] == 2
    assert dead == 0


def test_two_emitters_for_one_user_share_one_seq_stream():
    registry = InMemoryConnectionRegistry()

    async def main() -> list[tuple[int, str]]:
        async with server(registry) as client:
            websocket = await client("u1")
            bridge = UnifiedWebSocketEmitter(registry, "u1", run_id="r-bridge")
            agent = UnifiedWebSocketEmitter(registry, "u1", run_id="r-agent")
            await asyncio.gather(
                *((bridge if i % 2 else agent).emit_progress(progress=i) for i in range(20))
            )
            received = await _receive_all(websocket, 20)
            await websocket.close()
            return [(m["seq"], m["run_id"]) for m in received]

    got = _run(main)
    assert [seq for seq, _ in got] == list(range(1, 21))
    assert {run for _, run in got} == {"r-bridge", "r-agent"}
