"""The WebSocket adapter, alone and behind a real ``websockets`` server."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve

from target_emitter import (
    InMemoryConnectionRegistry,
    RetryPolicy,
    UnifiedWebSocketEmitter,
    WebSocketConnection,
    dumps_compact,
)
from tests.emitter.schema_check import assert_wire_message

MESSAGE = {"type": "progress", "payload": {"progress": 1, "message": "ünïcode ✓"}}


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []


class _JsonOnly(_Recorder):
    async def send_json(self, obj: Any) -> None:
        self.calls.append(("send_json", obj))


class _StarletteLike(_JsonOnly):
    async def send_text(self, text: str) -> None:
        self.calls.append(("send_text", text))

    async def send(self, asgi_message: dict[str, Any]) -> None:
        self.calls.append(("send", asgi_message))


class _AiohttpLike(_JsonOnly):
    async def send_str(self, text: str) -> None:
        self.calls.append(("send_str", text))


class _WebsocketsLike(_Recorder):
    async def send(self, text: str) -> None:
        self.calls.append(("send", text))


@pytest.mark.parametrize(
    ("socket", "method"),
    [
        (_StarletteLike(), "send_text"),
        (_AiohttpLike(), "send_str"),
        (_WebsocketsLike(), "send"),
    ],
)
def test_text_senders_get_the_compact_json_text(socket: _Recorder, method: str) -> None:
    asyncio.run(WebSocketConnection(socket).send(MESSAGE))
    [(called, text)] = socket.calls
    assert called == method
    assert text == '{"type":"progress","payload":{"progress":1,"message":"ünïcode ✓"}}'
    assert json.loads(text) == MESSAGE


def test_an_object_with_only_send_json_gets_the_message_itself() -> None:
    socket = _JsonOnly()
    asyncio.run(WebSocketConnection(socket).send(MESSAGE))
    assert socket.calls == [("send_json", MESSAGE)]


def test_an_object_that_cannot_send_is_refused_at_wrapping() -> None:
    with pytest.raises(TypeError, match="send_text, send_str, send, send_json"):
        WebSocketConnection(object())


def test_compact_dumps_refuses_nan() -> None:
    with pytest.raises(ValueError):
        dumps_compact({"x": float("nan")})


async def _serve_and_collect(
    users: list[str], connections_per_user: dict[str, int], events_per_user: int
) -> dict[tuple[str, int], list[str]]:
    registry = InMemoryConnectionRegistry()

    async def handler(websocket: ServerConnection) -> None:
        hello = json.loads(await websocket.recv())
        handle = registry.connect(hello["user_id"], WebSocketConnection(websocket))
        await websocket.send(json.dumps({"registered": hello["user_id"]}))
        try:
            await websocket.wait_closed()
        finally:
            registry.disconnect(handle)

    async def client(url: str, user: str, ready: asyncio.Event, count: int) -> list[str]:
        async with connect(url) as websocket:
            await websocket.send(json.dumps({"user_id": user}))
            assert json.loads(await websocket.recv()) == {"registered": user}
            ready.set()
            return [await websocket.recv() for _ in range(count)]

    async def agent(user: str) -> list[bool]:
        emitter = UnifiedWebSocketEmitter(registry, user, thread_id=f"t-{user}", run_id="r1")
        results = [await emitter.emit_agent_started(agent_name="triage")]
        for step in range(events_per_user - 2):
            results.append(await emitter.emit_agent_thinking(reasoning=f"{user} {step}"))
        results.append(await emitter.emit_agent_completed(agent_name="triage", result=user))
        return results

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        url = f"ws://127.0.0.1:{port}"
        clients: dict[tuple[str, int], asyncio.Task[list[str]]] = {}
        readies = []
        for user in users:
            for n in range(connections_per_user.get(user, 1)):
                ready = asyncio.Event()
                readies.append(ready.wait())
                clients[user, n] = asyncio.create_task(client(url, user, ready, events_per_user))
        await asyncio.wait_for(asyncio.gather(*readies), timeout=10)
        outcomes = await asyncio.gather(*(agent(user) for user in users))
        assert all(all(per_user) for per_user in outcomes)
        received = await asyncio.wait_for(asyncio.gather(*clients.values()), timeout=10)
    return dict(zip(clients, received, strict=True))


def test_real_websocket_clients_each_receive_only_their_own_events_in_order() -> None:
    users = [f"user-{n}" for n in range(5)]
    received = asyncio.run(_serve_and_collect(users, {"user-2": 2}, events_per_user=12))

    assert len(received) == 6
    for (user, _), texts in received.items():
        messages = [json.loads(text) for text in texts]
        assert [text for text in texts if text != dumps_compact(json.loads(text))] == []
        assert {m["user_id"] for m in messages} == {user}
        assert {m["thread_id"] for m in messages} == {f"t-{user}"}
        assert [m["seq"] for m in messages] == list(range(1, 13))
        assert messages[0]["type"] == "agent_started"
        assert messages[-1]["type"] == "agent_completed"
        assert messages[-1]["payload"] == {"result": user}
        assert [m["payload"]["reasoning"] for m in messages[1:-1]] == [
            f"{user} {step}" for step in range(10)
        ]
        for message in messages:
            assert_wire_message(message)


def test_a_closed_client_is_cleaned_up_and_its_user_then_gets_false() -> None:
    async def run() -> tuple[bool, bool, int, int]:
        registry = InMemoryConnectionRegistry()
        connected = asyncio.Event()

        async def handler(websocket: ServerConnection) -> None:
            # Registered but never unregistered: only the failed send can remove it.
            registry.connect("u1", WebSocketConnection(websocket))
            connected.set()
            await websocket.wait_closed()

        policy = RetryPolicy(max_attempts=2, base_delay=0, max_delay=0)
        emitter = UnifiedWebSocketEmitter(registry, "u1", retry=policy)
        async with serve(handler, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            async with connect(f"ws://127.0.0.1:{port}") as websocket:
                await asyncio.wait_for(connected.wait(), timeout=10)
                first = await emitter.emit_progress(progress=1)
                assert json.loads(await websocket.recv())["seq"] == 1
            await asyncio.sleep(0.05)  # let the server see the close
            second = await emitter.emit_progress(progress=2)
        return first, second, registry.closed_connections_removed, registry.connection_count()

    first, second, removed, remaining = asyncio.run(run())
    # The closed socket is noticed before anything is queued for it: not "sent".
    assert (first, second, removed, remaining) == (True, False, 1, 0)
