"""UnifiedWebSocketEmitter: one method per event, one wire format, ordered delivery."""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Mapping
from time import perf_counter
from typing import Any

from target_emitter import events
from target_emitter.events import utc_timestamp
from target_emitter.manager import (
    ConnectionManager,
    Message,
    NotConnected,
    OutgoingMessage,
    check_manager,
    get_default_manager,
)
from target_emitter.metrics import EmitterMetrics
from target_emitter.retry import RetryPolicy

logger = logging.getLogger(__name__)

_UNSET: Any = object()
# TimeoutError is an OSError: it is caught before these, and never retried.
_TRANSIENT = (ConnectionError, OSError)
_ENCODE = events.encode_compact


def _identifier(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{field} must be a str, got {type(value).__name__}")
    if not value:
        raise ValueError(f"{field} must not be empty")
    return value


def _optional_identifier(field: str, value: object) -> str | None:
    return None if value is None else _identifier(field, value)


class _Stream:
    """One user's event stream on one manager: the lock that orders its events and the
    seq they carry, shared by every emitter for that user, whoever emits."""

    __slots__ = ("__weakref__", "lock", "manager", "seq")

    def __init__(self, manager: ConnectionManager) -> None:
        self.manager = manager  # keeps id(manager) from being reused while this lives
        # FIFO: waiters acquire in the order they asked, which is call order because
        # nothing awaits before the acquire.
        self.lock = asyncio.Lock()
        self.seq = 0


# (id(manager), user_id) -> its stream, alive while an emitter for that user is.
_streams: weakref.WeakValueDictionary[tuple[int, str], _Stream] = weakref.WeakValueDictionary()


def _stream_for(manager: ConnectionManager, user_id: str) -> _Stream:
    key = (id(manager), user_id)
    stream = _streams.get(key)
    if stream is None:
        stream = _streams[key] = _Stream(manager)
    return stream


class _Family:
    """State shared by an emitter and every view ``bind`` makes of it."""

    __slots__ = ("envelopes", "manager", "metrics", "never_blocks", "retry", "stream", "user_id")

    def __init__(
        self,
        manager: ConnectionManager,
        user_id: str,
        retry: RetryPolicy,
        metrics: EmitterMetrics,
    ) -> None:
        self.manager = manager
        self.user_id = user_id
        self.retry = retry
        self.metrics = metrics
        self.stream = _stream_for(manager, user_id)
        self.never_blocks = getattr(manager, "never_blocks", False) is True
        # (type, thread, run, agent) -> the message's JSON text up to its seq.
        self.envelopes: dict[tuple[str, str | None, str | None, str | None], str] = {}

    def envelope_prefix(
        self, event_type: str, thread_id: str | None, run_id: str | None, agent_name: str | None
    ) -> str:
        key = (event_type, thread_id, run_id, agent_name)
        prefix = self.envelopes.get(key)
        if prefix is None:
            if len(self.envelopes) >= 256:  # custom types and many runs: stay bounded
                self.envelopes.clear()
            prefix = self.envelopes[key] = _envelope_prefix(self, key)
        return prefix


def _envelope_prefix(family: _Family, key: tuple[str, str | None, str | None, str | None]) -> str:
    event_type, thread_id, run_id, agent_name = key
    head = {
        "type": event_type,
        "user_id": family.user_id,
        "thread_id": thread_id,
        "run_id": run_id,
        "agent_name": agent_name,
    }
    return f'{_ENCODE(head)[:-1]},"seq":'


class UnifiedWebSocketEmitter:
    """Sends one user's agent events through ``manager.send_to_user``.

    Every ``emit_*`` returns True once the manager accepted the message, and False
    when it did not: retries exhausted, the user not connected (never retried), an
    attempt timed out (never resent, since it may have been delivered), or the
    manager raised a non-transient error. Each outcome is counted in ``metrics``.
    Programmer errors raise, a payload that is not JSON-serialisable included.

    The events of one user on one manager form one stream, whichever emitter (or
    ``bind`` view) sends them: they go out one at a time in call order, each with
    the stream's next ``seq``. The payload is encoded when ``emit_*`` is called,
    so changing it afterwards changes nothing that is sent. An emitter belongs to
    one event loop.
    """

    __slots__ = ("_agent_name", "_family", "_request_id", "_run_id", "_thread_id")

    def __init__(
        self,
        manager: ConnectionManager,
        user_id: str,
        *,
        thread_id: str | None = None,
        run_id: str | None = None,
        request_id: str | None = None,
        retry: RetryPolicy | None = None,
        metrics: EmitterMetrics | None = None,
    ) -> None:
        if not isinstance(user_id, str) or not user_id:
            raise ValueError(f"user_id must be a non-empty str, got {user_id!r}")
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise TypeError(f"retry must be a RetryPolicy, got {type(retry).__name__}")
        self._family = _Family(
            check_manager(manager),
            user_id,
            retry if retry is not None else RetryPolicy(),
            metrics if metrics is not None else EmitterMetrics(),
        )
        self._thread_id = _optional_identifier("thread_id", thread_id)
        self._run_id = _optional_identifier("run_id", run_id)
        self._request_id = _optional_identifier("request_id", request_id)
        self._agent_name: str | None = None

    @classmethod
    def from_context(
        cls,
        context: object,
        *,
        manager: ConnectionManager | None = None,
        user_id: str | None = None,
        retry: RetryPolicy | None = None,
        metrics: EmitterMetrics | None = None,
    ) -> UnifiedWebSocketEmitter:
        """Build from a user execution context (attributes user_id, thread_id,
        run_id, request_id; missing ones are None). ``user_id`` given here wins;
        ``manager=None`` uses the process default from ``set_default_manager``."""
        if manager is None:
            manager = get_default_manager()
            if manager is None:
                raise RuntimeError(
                    "no connection manager: pass manager=... or call "
                    "target_emitter.set_default_manager(manager) at startup"
                )
        return cls(
            manager,
            user_id if user_id is not None else getattr(context, "user_id", None),  # type: ignore[arg-type]
            thread_id=getattr(context, "thread_id", None),
            run_id=getattr(context, "run_id", None),
            request_id=getattr(context, "request_id", None),
            retry=retry,
            metrics=metrics,
        )

    def bind(
        self,
        *,
        run_id: str | None = _UNSET,
        thread_id: str | None = _UNSET,
        agent_name: str | None = _UNSET,
    ) -> UnifiedWebSocketEmitter:
        """A view with other defaults that shares this emitter's manager, seq, order,
        metrics and retry policy. Omitted arguments keep this emitter's values;
        None clears one. Always a plain UnifiedWebSocketEmitter."""
        view = object.__new__(UnifiedWebSocketEmitter)
        view._family = self._family
        view._request_id = self._request_id
        view._run_id = self._run_id if run_id is _UNSET else _optional_identifier("run_id", run_id)
        view._thread_id = (
            self._thread_id if thread_id is _UNSET else _optional_identifier("thread_id", thread_id)
        )
        view._agent_name = (
            self._agent_name
            if agent_name is _UNSET
            else _optional_identifier("agent_name", agent_name)
        )
        return view

    @property
    def manager(self) -> ConnectionManager:
        return self._family.manager

    @property
    def user_id(self) -> str:
        return self._family.user_id

    @property
    def thread_id(self) -> str | None:
        return self._thread_id

    @property
    def run_id(self) -> str | None:
        return self._run_id

    @property
    def request_id(self) -> str | None:
        return self._request_id

    @property
    def agent_name(self) -> str | None:
        """The default agent name set by ``bind`` (None on a fresh emitter)."""
        return self._agent_name

    @property
    def retry(self) -> RetryPolicy:
        return self._family.retry

    @property
    def metrics(self) -> EmitterMetrics:
        return self._family.metrics

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(user_id={self.user_id!r}, thread_id={self._thread_id!r}, "
            f"run_id={self._run_id!r}, agent_name={self._agent_name!r})"
        )

    async def emit_agent_started(
        self,
        *,
        agent_name: str,
        run_id: str | None = None,
        context: Any = None,
        trace_context: Any = None,
    ) -> bool:
        payload = events.agent_started_payload(context=context, trace_context=trace_context)
        return await self._emit(
            events.AGENT_STARTED, payload, _identifier("agent_name", agent_name), run_id
        )

    async def emit_agent_thinking(
        self,
        *,
        reasoning: str,
        agent_name: str | None = None,
        run_id: str | None = None,
        step_number: int | None = None,
        progress_percentage: float | None = None,
        trace_context: Any = None,
    ) -> bool:
        payload = events.agent_thinking_payload(
            reasoning=reasoning,
            step_number=step_number,
            progress_percentage=progress_percentage,
            trace_context=trace_context,
        )
        return await self._emit(events.AGENT_THINKING, payload, agent_name, run_id)

    async def emit_tool_executing(
        self,
        *,
        tool_name: str,
        agent_name: str | None = None,
        run_id: str | None = None,
        parameters: Any = None,
    ) -> bool:
        payload = events.tool_executing_payload(tool_name=tool_name, parameters=parameters)
        return await self._emit(events.TOOL_EXECUTING, payload, agent_name, run_id)

    async def emit_tool_completed(
        self,
        *,
        tool_name: str,
        agent_name: str | None = None,
        run_id: str | None = None,
        result: Any = None,
        execution_time_ms: float | None = None,
    ) -> bool:
        payload = events.tool_completed_payload(
            tool_name=tool_name, result=result, execution_time_ms=execution_time_ms
        )
        return await self._emit(events.TOOL_COMPLETED, payload, agent_name, run_id)

    async def emit_agent_completed(
        self,
        *,
        agent_name: str,
        run_id: str | None = None,
        result: Any = None,
        execution_time_ms: float | None = None,
        trace_context: Any = None,
    ) -> bool:
        payload = events.agent_completed_payload(
            result=result, execution_time_ms=execution_time_ms, trace_context=trace_context
        )
        return await self._emit(
            events.AGENT_COMPLETED, payload, _identifier("agent_name", agent_name), run_id
        )

    async def emit_agent_error(
        self,
        *,
        error: str | BaseException,
        agent_name: str | None = None,
        run_id: str | None = None,
        error_context: Any = None,
    ) -> bool:
        payload = events.agent_error_payload(error=error, error_context=error_context)
        return await self._emit(events.AGENT_ERROR, payload, agent_name, run_id)

    async def emit_progress(
        self,
        *,
        progress: float | Mapping[str, Any],
        agent_name: str | None = None,
        run_id: str | None = None,
        message: str | None = None,
    ) -> bool:
        payload = events.progress_payload(progress=progress, message=message)
        return await self._emit(events.PROGRESS, payload, agent_name, run_id)

    async def emit_custom(
        self,
        event_type: str,
        data: Mapping[str, Any] | None,
        *,
        agent_name: str | None = None,
        run_id: str | None = None,
    ) -> bool:
        """Send an application-defined event; reserved names raise ValueError."""
        event_type = events.check_custom_event_type(event_type)
        payload = events.custom_payload(event_type, data)
        return await self._emit(event_type, payload, agent_name, run_id)

    async def _emit(
        self,
        event_type: str,
        payload: events.Payload,
        agent_name: str | None,
        run_id: str | None,
    ) -> bool:
        # Validation happens before the first await so a bad call raises at once.
        agent_name = (
            self._agent_name if agent_name is None else _identifier("agent_name", agent_name)
        )
        run_id = self._run_id if run_id is None else _identifier("run_id", run_id)
        # The snapshot: encoded before the first await (by the payload builders, which
        # validate that way), so a later change to the payload cannot reach the wire or
        # fail inside a connection's send.
        payload_text = getattr(payload, "text", None)
        if payload_text is None:
            payload_text = events.ensure_json(event_type, payload).text  # type: ignore[attr-defined]
        family = self._family
        stream = family.stream
        started = perf_counter()
        try:
            async with stream.lock:
                stream.seq += 1
                # The wire format (events.build_message) written out: this is the hot path.
                envelope = {
                    "type": event_type,
                    "user_id": family.user_id,
                    "thread_id": self._thread_id,
                    "run_id": run_id,
                    "agent_name": agent_name,
                    "seq": stream.seq,
                    "timestamp": utc_timestamp(),
                    "payload": payload,
                }
                text = (
                    f"{family.envelope_prefix(event_type, self._thread_id, run_id, agent_name)}"
                    f'{stream.seq},"timestamp":"{envelope["timestamp"]}",'
                    f'"payload":{payload_text}}}'
                )
                accepted = await _deliver(family, event_type, OutgoingMessage(envelope, text))
        except asyncio.CancelledError:
            # The seq (if taken) stays used: the client sees a gap, never a reorder.
            family.metrics.record_cancelled(event_type)
            raise
        if accepted:
            family.metrics.record_sent(event_type, perf_counter() - started)
        return accepted


async def _deliver(family: _Family, event_type: str, message: Message) -> bool:
    """Send with bounded retries; True when accepted. Never raises except on cancel."""
    retry = family.retry
    send = family.manager.send_to_user
    user_id = family.user_id
    # A manager that only queues (never_blocks) needs no timer around each attempt:
    # arming one costs more than the rest of the emit.
    unbounded = retry.attempt_timeout is None or family.never_blocks
    attempt = 1
    while True:
        try:
            if unbounded:
                result = await send(user_id, message)
            else:
                async with asyncio.timeout(retry.attempt_timeout):
                    result = await send(user_id, message)
            if result is None or result:
                return True
            reason = f"manager returned {result!r}"
        except NotConnected:
            family.metrics.record_not_connected(event_type)
            logger.debug("%s seq=%s: user %s not connected", event_type, message["seq"], user_id)
            return False
        except TimeoutError:
            # The attempt may have reached the client: sending it again could deliver
            # this seq twice, so it is counted failed instead.
            logger.warning(
                "%s seq=%s for user %s timed out after %ss; not resent",
                event_type,
                message["seq"],
                user_id,
                retry.attempt_timeout,
            )
            family.metrics.record_failed(event_type)
            return False
        except _TRANSIENT as exc:
            reason = f"{type(exc).__name__}: {exc}"
        except Exception:
            logger.warning(
                "%s seq=%s for user %s failed: manager raised",
                event_type,
                message["seq"],
                user_id,
                exc_info=True,
            )
            family.metrics.record_failed(event_type)
            return False
        if attempt >= retry.max_attempts:
            logger.warning(
                "%s seq=%s for user %s not delivered after %d attempt(s) (last: %s)",
                event_type,
                message["seq"],
                user_id,
                attempt,
                reason,
            )
            family.metrics.record_failed(event_type)
            return False
        logger.debug("retry %s seq=%s user %s: %s", event_type, message["seq"], user_id, reason)
        family.metrics.record_retry(event_type)
        await asyncio.sleep(retry.delay_after(attempt))
        attempt += 1
