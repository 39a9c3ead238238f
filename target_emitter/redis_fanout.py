"""A ConnectionManager for several instances: one Redis pub/sub channel per user.

The backend runs several instances (Cloud Run), and an agent on instance A must
reach a user whose socket is on instance B. Every instance runs one
``RedisFanoutManager`` over its own ``InMemoryConnectionRegistry``:

- ``connect``: registers the socket locally and subscribes this instance to the
  user's channel (once per user);
- ``send_to_user``: publishes the message's emit-time text on the user's channel;
- a listener task hands each message it receives to the local registry, which
  queues it per connection (see ``InMemoryConnectionRegistry``).

Guarantees, and where they end:
- Order: per user and per emitting instance. Redis delivers one channel's
  messages in publish order, the emitter publishes one user's events one at a
  time, and the listener hands them on in the order received. Two instances
  emitting for one user interleave, each carrying its own ``seq``.
- Isolation: a message is published only on its user's channel.
- "Accepted": at least one instance was subscribed to that user's channel when
  Redis published it. No subscriber raises ``NotConnected``, which is not retried.
- Broker down: publish fails fast (``socket_timeout``). Failing to connect means
  nothing went out: a transient failure the emitter retries within its bounds,
  then counts failed. A connection lost or timed out mid-command may have
  published, so that event is counted failed and not resent (at most once).
  Pub/sub keeps nothing: events published while an instance is cut off do not
  reach it (its clients see the ``seq`` gap). The listener reconnects by itself.
- Throughput: publishes that are waiting at the same moment go out together in
  one pipeline (one round trip), in the order they were asked for.

Needs the ``redis`` package (``pip install 'emitter-migrate[redis]'``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

from target_emitter.manager import (
    Connection,
    ConnectionHandle,
    InMemoryConnectionRegistry,
    Message,
    NotConnected,
    OutgoingMessage,
)
from target_emitter.websocket import dumps_compact

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)

__all__ = ["RedisFanoutManager"]


class RedisFanoutManager:
    """Deliver through Redis pub/sub to whichever instances hold the user's sockets."""

    def __init__(
        self,
        redis: Redis,
        local: InMemoryConnectionRegistry | None = None,
        *,
        prefix: str = "emitter:user:",
        reconnect_delay: float = 0.5,
    ) -> None:
        self.redis = redis
        self.local = local if local is not None else InMemoryConnectionRegistry()
        self.prefix = prefix
        self.reconnect_delay = reconnect_delay
        self._pubsub = redis.pubsub(ignore_subscribe_messages=True)
        self._listener: asyncio.Task[None] | None = None
        self._pending: list[tuple[str, str, asyncio.Future[int]]] = []
        self._publisher: asyncio.Task[None] | None = None
        self._subscribed: set[str] = set()
        self.received = 0  # messages this instance took off Redis
        self.undelivered = 0  # ... whose user had no connection here any more
        self.listener_errors = 0

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> RedisFanoutManager:
        """A manager with its own client, whose socket operations time out after a second."""
        from redis.asyncio import Redis

        client = Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        return cls(client, **kwargs)

    def channel(self, user_id: str) -> str:
        return f"{self.prefix}{user_id}"

    async def start(self) -> None:
        """Start the listener (connect does too)."""
        if self._listener is None or self._listener.done():
            self._listener = asyncio.get_running_loop().create_task(self._listen())

    async def aclose(self) -> None:
        """Stop listening and close the pub/sub connection and the client."""
        if self._publisher is not None and not self._publisher.done():
            await asyncio.wait({self._publisher}, timeout=5)
        if self._listener is not None:
            self._listener.cancel()
            try:
                await self._listener
            except asyncio.CancelledError:
                pass
        await self._pubsub.aclose()
        await self.redis.aclose()

    async def connect(self, user_id: str, connection: Connection) -> ConnectionHandle:
        """Register a local socket; this instance then receives the user's events."""
        handle = self.local.connect(user_id, connection)
        if user_id not in self._subscribed:
            await self._pubsub.subscribe(self.channel(user_id))
            self._subscribed.add(user_id)
        await self.start()
        return handle

    async def disconnect(self, handle: ConnectionHandle) -> bool:
        gone = self.local.disconnect(handle)
        await self._unsubscribe_if_unused(handle.user_id)
        return gone

    async def send_to_user(self, user_id: str, message: Message) -> bool:
        text = getattr(message, "text", None)
        if text is None:
            text = dumps_compact(message)
        loop = asyncio.get_running_loop()
        receivers: asyncio.Future[int] = loop.create_future()
        self._pending.append((self.channel(user_id), text, receivers))
        if self._publisher is None or self._publisher.done():
            self._publisher = loop.create_task(self._publish())
        if not await receivers:
            raise NotConnected(f"no instance holds a connection of user {user_id!r}")
        return True

    async def _publish(self) -> None:
        """Send what is waiting as one pipeline, until nothing is."""
        from redis import exceptions

        while self._pending:
            batch, self._pending = self._pending, []
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    for channel, text, _ in batch:
                        pipe.publish(channel, text)
                    counts = await pipe.execute()
            except BaseException as exc:
                _fail(batch, _publish_failure(exc, exceptions))
                if isinstance(exc, asyncio.CancelledError):
                    raise
            else:
                for (*_, future), count in zip(batch, counts, strict=True):
                    if not future.done():
                        future.set_result(int(count))

    async def _listen(self) -> None:
        from redis import exceptions

        prefix = self.prefix.encode()
        while True:
            try:
                if not self._subscribed:
                    # Nothing to read yet (pub/sub refuses to read before a subscribe).
                    await asyncio.sleep(0.01)
                    continue
                # Block on the read: polling with a timeout checks the socket, not the
                # parser's buffer, so messages already read could wait out the timeout.
                message = await self._pubsub.get_message(timeout=None)
            except (exceptions.ConnectionError, exceptions.TimeoutError, OSError):
                # The broker went away: pub/sub reconnects and resubscribes on next use.
                self.listener_errors += 1
                logger.warning("redis listener lost its connection; retrying", exc_info=True)
                await asyncio.sleep(self.reconnect_delay)
                continue
            if message is None or message.get("type") != "message":
                continue
            channel = message["channel"]
            user_id = (channel[len(prefix) :] if channel.startswith(prefix) else channel).decode()
            text = message["data"].decode()
            self.received += 1
            try:
                await self.local.send_to_user(user_id, OutgoingMessage(json.loads(text), text))
            except NotConnected:
                self.undelivered += 1
                await self._unsubscribe_if_unused(user_id)

    async def _unsubscribe_if_unused(self, user_id: str) -> None:
        if user_id in self._subscribed and not self.local.connection_count(user_id):
            self._subscribed.discard(user_id)
            try:
                await self._pubsub.unsubscribe(self.channel(user_id))
            except Exception:  # the subscription dies with the connection anyway
                logger.warning("unsubscribing %s failed", user_id, exc_info=True)


def _publish_failure(exc: BaseException, exceptions: Any) -> BaseException:
    """What each emit in a failed pipeline sees: a connection that was never made is a
    ConnectionError (retried: nothing went out); a connection lost or timed out
    mid-publish is a TimeoutError (not resent: it may have gone out)."""
    if isinstance(exc, exceptions.ConnectionError):
        if "connecting to" in str(exc):  # refused before anything was sent
            return ConnectionError(f"redis unavailable: {exc}")
        return TimeoutError(f"redis connection lost mid-publish: {exc}")
    if isinstance(exc, exceptions.TimeoutError):
        return TimeoutError(f"redis publish timed out: {exc}")
    return exc


def _fail(batch: list[tuple[str, str, asyncio.Future[int]]], exc: BaseException) -> None:
    for *_, future in batch:
        if not future.done():
            future.set_exception(exc)
