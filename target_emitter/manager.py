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


class NotConnected(LookupError):
    """The user has no open connection the manager can reach: the emitter does not retry
    (another attempt would find none either) and counts the event as not connected."""


class OutgoingMessage(dict[str, Any]):
    """A wire message whose JSON text was fixed when the event was emitted.

    The dict is the message; ``text`` is its encoding, made before the emit's first
    await, so what a client receives cannot change if the caller mutates the payload
    afterwards. Anything that sends the message should send ``text``.
    """

    __slots__ = ("text",)

    def __init__(self, message: Message, text: str) -> None:
        super().__init__(message)
        self.text = text


@runtime_checkable
class ConnectionManager(Protocol):
    """Delivers one message to every live connection of one user.

    Returns None or True when accepted; False (or raising ConnectionError/OSError)
    for a transient failure the emitter retries; raises NotConnected when the user
    has no connection, which is not retried.
    """

    async def send_to_user(self, user_id: str, message: Message) -> bool | None: ...


@runtime_checkable
class Connection(Protocol):
    """One client connection; ``send`` raising means the connection is dead.

    Optional: ``is_open`` (a property, False once closing) and ``abort()`` (close now,
    without waiting for the peer), which the registry uses when it drops a connection.
    """

    async def send(self, message: Message) -> None: ...


@dataclass(frozen=True, slots=True)
class ConnectionHandle:
    """What ``connect`` returns; pass it to ``disconnect``."""

    user_id: str
    connection_id: int
    connection: Connection = field(compare=False)


class _Outbox:
    """One connection's bounded queue of frames and the task that writes them."""

    __slots__ = ("frames", "handle", "stalled", "task", "wakeup", "write_started", "writing")

    def __init__(self, handle: ConnectionHandle) -> None:
        self.handle = handle
        self.frames: deque[Message] = deque()
        self.wakeup: asyncio.Future[None] | None = None
        self.task: asyncio.Task[None] | None = None
        self.writing = False
        self.write_started = 0.0  # loop time the current write began
        self.stalled = False  # the watchdog cancelled the current write


class InMemoryConnectionRegistry:
    """A ConnectionManager over the connections registered in this process.

    A user may hold several connections; a message goes to all of them. Each
    connection has its own bounded queue and writer task, so ``send_to_user`` only
    enqueues and never waits on a socket: a slow or stalled connection cannot hold
    up its user's agent or anyone else.

    What "accepted" means: ``send_to_user`` returns True when at least one open
    connection of the user queued the message. Each connection writes each message
    at most once, in the order queued. A connection is dropped, and counted, when:
    - its ``send`` raises (``dead_connections_removed``);
    - a write takes longer than ``send_timeout`` seconds (``stalled_connections_dropped``;
      a watchdog checks a few times a second, so the bound is kept within 0.25 s);
    - ``max_queue`` messages are already waiting for it (``slow_connections_dropped``);
    - it says it is no longer open (``closed_connections_removed``).
    The messages still queued for a dropped connection are counted in
    ``frames_dropped``, and never sent elsewhere. ``frames_written`` counts writes.
    """

    # send_to_user only queues: it never waits on a socket, so an emitter needs no
    # timer around it (see UnifiedWebSocketEmitter).
    never_blocks = True

    def __init__(self, *, max_queue: int = 1024, send_timeout: float = 5.0) -> None:
        if max_queue < 1:
            raise ValueError(f"max_queue must be >= 1, got {max_queue}")
        if not send_timeout > 0:
            raise ValueError(f"send_timeout must be > 0, got {send_timeout}")
        self.max_queue = max_queue
        self.send_timeout = send_timeout
        # Tuples, rebuilt on (rare) connect/disconnect, so a send iterates a snapshot.
        self._by_user: dict[str, tuple[_Outbox, ...]] = {}
        self._ids = itertools.count(1)
        self.dead_connections_removed = 0
        self.stalled_connections_dropped = 0
        self.slow_connections_dropped = 0
        self.closed_connections_removed = 0
        self.frames_written = 0
        self.frames_dropped = 0
        self._watchdog: asyncio.Task[None] | None = None

    def connect(self, user_id: str, connection: Connection) -> ConnectionHandle:
        if not isinstance(user_id, str) or not user_id:
            raise ValueError(f"user_id must be a non-empty str, got {user_id!r}")
        if not callable(getattr(connection, "send", None)):
            raise TypeError(f"{type(connection).__name__} has no async send(message) method")
        handle = ConnectionHandle(user_id, next(self._ids), connection)
        self._by_user[user_id] = (*self._by_user.get(user_id, ()), _Outbox(handle))
        return handle

    def disconnect(self, handle: ConnectionHandle) -> bool:
        """Forget a connection (its queued messages are dropped); False if already gone."""
        current = self._by_user.get(handle.user_id, ())
        box = next((b for b in current if b.handle == handle), None)
        if box is None:
            return False
        remaining = tuple(b for b in current if b is not box)
        if remaining:
            self._by_user[handle.user_id] = remaining
        else:
            del self._by_user[handle.user_id]
        self.frames_dropped += len(box.frames)
        box.frames.clear()
        if box.task is not None and not box.task.done() and box.task is not _current_task():
            box.task.cancel()
        if box.wakeup is not None and not box.wakeup.done():
            box.wakeup.cancel()
        return True

    def connections(self, user_id: str) -> tuple[Connection, ...]:
        return tuple(b.handle.connection for b in self._by_user.get(user_id, ()))

    def connection_count(self, user_id: str | None = None) -> int:
        if user_id is not None:
            return len(self._by_user.get(user_id, ()))
        return sum(len(boxes) for boxes in self._by_user.values())

    def users(self) -> list[str]:
        return list(self._by_user)

    def queued(self, user_id: str | None = None) -> int:
        """Messages accepted but not yet written (one user's, or everyone's)."""
        boxes = (
            self._by_user.get(user_id, ())
            if user_id is not None
            else [b for group in self._by_user.values() for b in group]
        )
        return sum(len(b.frames) + b.writing for b in boxes)

    async def flush(self, timeout: float = 5.0) -> None:
        """Wait until every accepted message is written or dropped (tests, shutdown)."""
        async with asyncio.timeout(timeout):
            while self.queued():
                await asyncio.sleep(0)

    async def send_to_user(self, user_id: str, message: Message) -> bool:
        boxes = self._by_user.get(user_id)
        if not boxes:
            raise NotConnected(f"user {user_id!r} has no connection")
        accepted = False
        backlog = False
        half = self.max_queue // 2
        for box in boxes:
            if not _is_open(box.handle.connection):
                self._drop(box, "closed")
                continue
            frames = box.frames
            if len(frames) >= self.max_queue:
                self._drop(box, "slow")
                continue
            frames.append(message)
            accepted = True
            backlog = backlog or len(frames) > half
            if box.task is None or box.task.done():
                # First use, or the loop that ran the writer has ended.
                box.wakeup = None
                loop = asyncio.get_running_loop()
                box.task = loop.create_task(self._write(box))
                if self._watchdog is None or self._watchdog.done():
                    self._watchdog = loop.create_task(self._watch())
            elif box.wakeup is not None and not box.wakeup.done():
                box.wakeup.set_result(None)
        if not accepted:
            raise NotConnected(f"user {user_id!r} has no open connection that can take more")
        if backlog:
            # Enqueueing never awaits, so an agent emitting in a loop would starve the
            # writers: let them run once, so only a connection that really cannot keep
            # up fills its queue.
            await asyncio.sleep(0)
        return True

    async def _write(self, box: _Outbox) -> None:
        connection = box.handle.connection
        loop = asyncio.get_running_loop()
        frames = box.frames
        while True:
            while frames:
                frame = frames.popleft()
                box.write_started = loop.time()
                box.writing = True
                try:
                    await connection.send(frame)
                except asyncio.CancelledError:
                    box.writing = False
                    if box.stalled:  # the watchdog's doing, not a shutdown
                        self._drop(box, "stalled")
                        return
                    raise
                except Exception:
                    box.writing = False
                    self._drop(box, "dead")
                    return
                box.writing = False
                self.frames_written += 1
            box.wakeup = loop.create_future()
            try:
                await box.wakeup
            except asyncio.CancelledError:
                return
            box.wakeup = None

    async def _watch(self) -> None:
        """Cancel a write that has taken longer than ``send_timeout``: one task for the
        registry instead of a timer around every write."""
        loop = asyncio.get_running_loop()
        period = min(self.send_timeout / 4, 0.25)
        while self._by_user:
            await asyncio.sleep(period)
            now = loop.time()
            for boxes in list(self._by_user.values()):
                for box in boxes:
                    if box.writing and now - box.write_started > self.send_timeout:
                        box.stalled = True
                        if box.task is not None:
                            box.task.cancel()

    def _drop(self, box: _Outbox, why: str) -> None:
        handle = box.handle
        if not self.disconnect(handle):
            return
        if why == "dead":
            self.dead_connections_removed += 1
        elif why == "stalled":
            self.stalled_connections_dropped += 1
        elif why == "slow":
            self.slow_connections_dropped += 1
        else:
            self.closed_connections_removed += 1
        logger.warning(
            "dropped %s connection %s of user %s", why, handle.connection_id, handle.user_id
        )
        abort = getattr(handle.connection, "abort", None)
        if callable(abort):
            try:
                abort()
            except Exception:  # it is being dropped anyway; say why in the log
                logger.warning("aborting connection %s failed", handle.connection_id, exc_info=True)


def _is_open(connection: Connection) -> bool:
    return getattr(connection, "is_open", True) is not False


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # no running loop: disconnect called from plain code
        return None


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
