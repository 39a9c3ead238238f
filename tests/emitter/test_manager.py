"""The in-memory connection registry and the recording helpers."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from target_emitter import (
    Connection,
    ConnectionManager,
    InMemoryConnectionRegistry,
    NotConnected,
    RecordingConnection,
    RecordingManager,
    RetryPolicy,
    UnifiedWebSocketEmitter,
)


class _DeadConnection:
    def __init__(self) -> None:
        self.attempts = 0

    async def send(self, message: dict[str, Any]) -> None:
        self.attempts += 1
        raise ConnectionResetError("peer went away")


def _send(registry: InMemoryConnectionRegistry, user_id: str, text: str = "hi") -> bool:
    """One send, and its queued writes done, in one event loop."""

    async def go() -> bool:
        accepted = await registry.send_to_user(user_id, {"text": text})
        await registry.flush()
        return accepted

    return asyncio.run(go())


def test_registry_and_recorders_satisfy_the_protocols() -> None:
    assert isinstance(InMemoryConnectionRegistry(), ConnectionManager)
    assert isinstance(RecordingManager(), ConnectionManager)
    assert isinstance(RecordingConnection(), Connection)


def test_a_message_goes_to_every_connection_of_its_user_and_no_other() -> None:
    registry = InMemoryConnectionRegistry()
    phone, laptop, stranger = RecordingConnection(), RecordingConnection(), RecordingConnection()
    registry.connect("u1", phone)
    registry.connect("u1", laptop)
    registry.connect("u2", stranger)

    assert _send(registry, "u1") is True

    assert list(phone.messages) == list(laptop.messages) == [{"text": "hi"}]
    assert list(stranger.messages) == []
    assert registry.connection_count("u1") == 2
    assert registry.connection_count() == 3
    assert sorted(registry.users()) == ["u1", "u2"]


def test_a_user_without_a_connection_is_not_connected() -> None:
    registry = InMemoryConnectionRegistry()
    with pytest.raises(NotConnected, match="'nobody' has no connection"):
        _send(registry, "nobody")


def test_disconnect_forgets_one_connection_and_reports_repeats() -> None:
    registry = InMemoryConnectionRegistry()
    kept, gone = RecordingConnection(), RecordingConnection()
    registry.connect("u1", kept)
    handle = registry.connect("u1", gone)

    assert registry.disconnect(handle) is True
    assert registry.disconnect(handle) is False
    assert _send(registry, "u1") is True
    assert (kept.sent, gone.sent) == (1, 0)
    assert registry.connections("u1") == (kept,)

    solo = registry.connect("u3", gone)
    assert registry.disconnect(solo) is True
    assert "u3" not in registry.users()


def test_a_connection_whose_send_raises_is_removed_and_counted() -> None:
    registry = InMemoryConnectionRegistry()
    alive, dead = RecordingConnection(), _DeadConnection()
    registry.connect("u1", alive)
    registry.connect("u1", dead)

    assert _send(registry, "u1", "one") is True
    assert _send(registry, "u1", "two") is True

    assert dead.attempts == 1
    assert registry.dead_connections_removed == 1
    assert registry.connections("u1") == (alive,)
    assert [m["text"] for m in alive.messages] == ["one", "two"]


def test_when_the_only_connection_dies_the_user_is_forgotten_and_then_not_connected() -> None:
    registry = InMemoryConnectionRegistry()
    registry.connect("u1", _DeadConnection())
    assert _send(registry, "u1") is True  # queued by a connection that was open then
    assert registry.users() == []
    assert registry.dead_connections_removed == 1
    assert registry.frames_written == 0
    with pytest.raises(NotConnected):
        _send(registry, "u1")


def test_an_emitter_through_a_registry_with_no_connection_ends_false_without_retrying() -> None:
    registry = InMemoryConnectionRegistry()
    policy = RetryPolicy(max_attempts=4, base_delay=10, max_delay=10)
    emitter = UnifiedWebSocketEmitter(registry, "u1", retry=policy)
    assert asyncio.run(emitter.emit_progress(progress=1)) is False  # no 30 s of backoff
    stats = emitter.metrics.snapshot()["events"]["progress"]
    assert (stats["not_connected"], stats["failed"], stats["retried"]) == (1, 0, 0)


def test_connect_checks_its_arguments() -> None:
    registry = InMemoryConnectionRegistry()
    with pytest.raises(ValueError, match="user_id"):
        registry.connect("", RecordingConnection())
    with pytest.raises(TypeError, match="send"):
        registry.connect("u1", object())  # type: ignore[arg-type]


def test_recording_connection_keeps_only_the_newest_when_bounded() -> None:
    connection = RecordingConnection(maxlen=2)

    async def run() -> None:
        for i in range(5):
            await connection.send({"i": i})

    asyncio.run(run())
    assert [m["i"] for m in connection.messages] == [3, 4]
    assert connection.sent == 5


def test_recording_manager_keeps_messages_per_user() -> None:
    manager = RecordingManager()

    async def run() -> None:
        await manager.send_to_user("a", {"n": 1})
        await manager.send_to_user("b", {"n": 2})
        await manager.send_to_user("a", {"n": 3})

    asyncio.run(run())
    assert manager.messages_for("a") == [{"n": 1}, {"n": 3}]
    assert manager.messages_for("b") == [{"n": 2}]
