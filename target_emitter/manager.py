"""The manager protocol the emitter sends through, an in-memory registry, and the default."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

logger = logging.getLogger(__name__)

Message = dict[str, Any]


@runtime_checkable
class ConnectionManager(Protocol):
    """Delivers one message to every live connection of one user.

    Returns None or True when accepted; False (or raising ConnectionError/OSError/
    TimeoutError) for a transient failure the emitter retries.
    """

    async def send_to_user(self, user_id: str, message: Message) -> bool | None: ...


@runtime_checkable
class Connection(Protocol):
    """One client connection; ``send`` raising means the connection is dead."""

    async def send(self, message: Message) -> None: ...


@dataclass(frozen=True, slots=True)
class ConnectionHandle:
    """What ``connect`` returns; pass it to ``disconnect``."""

    user_id: str
    connection_id: int
    connection: Connection = field(compare=False)


class InMemoryConnectionRegistry:
    """A ConnectionManager over the connections registered in this process.

    A user may hold several connections; a message goes to all of them. A
    connection whose ``send`` raises is dropped and counted in ``dead_connections_removed``.
    """

    def __init__(self) -> None:
        # Tuples, rebuilt on (rare) connect/disconnect, so a send iterates a snapshot.
        self._by_user: dict[str, tuple[ConnectionHandle, ...]] = {}
        self._ids = itertools.count(1)
        self.dead_connections_removed = 0

    def connect(self, user_id: str, connection: Connection) -> ConnectionHandle:
        if not isinstance(user_id, str) or not user_id:
            raise ValueError(f"user_id must be a non-empty str, got {user_id!r}")
        if not callable(getattr(connection, "send", None)):
            raise TypeError(f"{type(connection).__name__} has no async send(message) method")
        handle = ConnectionHandle(user_id, next(self._ids), connection)
        self._by_user[user_id] = (*self._by_user.get(user_id, ()), handle)
        return handle

    def disconnect(self, handle: ConnectionHandle) -> bool:
        """Forget a connection; False if it was already gone."""
        current = self._by_user.get(handle.user_id, ())
        remaining = tuple(h for h in current if h != handle)
        if len(remaining) == len(current):
            return False
        if remaining:
            self._by_user[handle.user_id] = remaining
        else:
            del self._by_user[handle.user_id]
        return True

    def connections(self, user_id: str) -> tuple[Connection, ...]:
        return tuple(h.connection for h in self._by_user.get(user_id, ()))

    def connection_count(self, user_id: str | None = None) -> int:
        if user_id is not None:
            return len(self._by_user.get(user_id, ()))
        return sum(len(handles) for handles in self._by_user.values())

    def users(self) -> list[str]:
        return list(self._by_user)

    async def send_to_user(self, user_id: str, message: Message) -> bool:
        handles = self._by_user.get(user_id)
        if not handles:
            return False
        if len(handles) == 1:
            return await self._send_one(handles[0], message)
        outcomes = await asyncio.gather(*(self._send_one(h, message) for h in handles))
        return any(outcomes)

    async def _send_one(self, handle: ConnectionHandle, message: Message) -> bool:
        try:
            await handle.connection.send(message)
        except Exception:
            logger.warning(
                "dropping dead connection %s of user %s",
                handle.connection_id,
                handle.user_id,
                exc_info=True,
            )
            if self.disconnect(handle):
                self.dead_connections_removed += 1
            return False
        return True


class RecordingConnection:
    """A connection that keeps what it is sent (the newest ``maxlen``, if given)."""

    def __init__(self, *, maxlen: int | None = None) -> None:
        self.messages: deque[Message] = deque(maxlen=maxlen)
        self.sent = 0

    async def send(self, message: Message) -> None:
        self.messages.append(message)
        self.sent += 1


class RecordingManager:
    """A ConnectionManager that accepts everything and records ``(user_id, message)``."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Message]] = []

    async def send_to_user(self, user_id: str, message: Message) -> bool:
        self.sent.append((user_id, message))
        return True

    def messages_for(self, user_id: str) -> list[Message]:
        return [message for uid, message in self.sent if uid == user_id]


_default_manager: ConnectionManager | None = None


def check_manager(manager: object) -> ConnectionManager:
    if not callable(getattr(manager, "send_to_user", None)):
        raise TypeError(
            f"manager must have an async send_to_user(user_id, message) method, "
            f"got {type(manager).__name__}"
        )
    return manager  # type: ignore[return-value]


def set_default_manager(manager: ConnectionManager | None) -> None:
    """Set (or clear, with None) the process-wide manager ``from_context`` falls back to."""
    global _default_manager
    _default_manager = None if manager is None else check_manager(manager)


def get_default_manager() -> ConnectionManager | None:
    return _default_manager
