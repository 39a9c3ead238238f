"""Running a legacy call: count and warn at the caller, send the unified event, and answer
the way the legacy method did (None, a bool, or an exception)."""

from __future__ import annotations

from collections.abc import Coroutine, Mapping
from typing import Any

from compat._mapping import Compiled, _compiled, compiled
from compat._messages import method_message
from compat._warnings import report_use
from target_emitter import UnifiedWebSocketEmitter


def report(api_id: str, method: str, legacy_self: Any, stacklevel: int) -> None:
    """Count and warn; ``stacklevel`` 1 is the function calling this, 2 its caller..."""
    report_use(
        f"{api_id}.{method}",
        api_id,
        method_message,
        (api_id, method, _legacy_name(legacy_self)),
        stacklevel + 2,
    )


def _legacy_name(legacy_self: Any) -> str:
    cls = type(legacy_self)
    return getattr(cls, "_compat_legacy_name", None) or cls.__name__


def legacy_call(
    api_id: str,
    method: str,
    legacy_self: Any,
    values: Mapping[str, Any],
    *,
    stacklevel: int = 3,
    on_failure: str | None = None,
) -> Coroutine[Any, Any, Any]:
    """Warn at the caller now; return the awaitable that sends the unified event.

    ``stacklevel`` 1 is this function (3 when a shim method calls it directly).
    ``on_failure`` overrides the API's: ``"quiet"`` is False on any error.
    """
    plan = _compiled.get((api_id, method)) or compiled(api_id, method)
    report_use(
        plan.key,
        api_id,
        method_message,
        (api_id, method, _legacy_name(legacy_self)),
        stacklevel + 1,
    )
    return start(plan, legacy_self, values, on_failure or plan.on_failure)


def shim_call(legacy_self: Any, method: str, values: Mapping[str, Any], stacklevel: int = 4) -> Any:
    """``legacy_call`` for a shim method's one line, ``return self._legacy("name", locals())``.

    ``stacklevel`` 4 counts report_use, this, the shim method, and its caller.
    """
    api_id = legacy_self._compat_api
    plan = _compiled.get((api_id, method)) or compiled(api_id, method)
    report_use(
        plan.key,
        api_id,
        method_message,
        (api_id, method, legacy_self._compat_legacy_name),
        stacklevel,
    )
    return start(plan, legacy_self, values, plan.on_failure)


def start(
    plan: Compiled, legacy_self: Any, values: Mapping[str, Any], how: str
) -> Coroutine[Any, Any, Any]:
    """Build and start the unified call; errors in building surface when awaited, as
    from an ``async def``."""
    try:
        receiver = legacy_self if plan.receiver is None else plan.receiver(legacy_self)
        target, kwargs = plan.prepare(values, legacy_self, receiver)
        if isinstance(receiver, UnifiedWebSocketEmitter):
            # The base method itself: a shim's dual-shape override would only re-dispatch.
            sending = target.function(receiver, **kwargs)
        else:
            sending = getattr(receiver, target.name)(**kwargs)
    except Exception as exc:
        return _failed(exc, how, plan.method)
    if how == "bool":
        return sending
    if how == "none":
        return _none(sending)
    if how == "quiet":
        return _quiet(sending)
    return _raising(sending, plan.method, legacy_self)


async def _none(sending: Coroutine[Any, Any, Any]) -> None:
    await sending


async def _quiet(sending: Coroutine[Any, Any, Any]) -> bool:
    try:
        return bool(await sending)
    except Exception:
        return False


async def _raising(sending: Coroutine[Any, Any, Any], method: str, legacy_self: Any) -> bool:
    try:
        delivered = await sending
    except Exception as exc:
        raise RuntimeError(f"{method} failed: {exc}") from exc
    if not delivered:
        user = getattr(legacy_self, "user_id", "?")
        raise ConnectionError(f"{method} was not delivered to user {user}")
    return True


async def _failed(exc: Exception, how: str, method: str) -> Any:
    if how == "quiet":
        return False
    if how == "raise":
        raise RuntimeError(f"{method} failed: {exc}") from exc
    raise exc
