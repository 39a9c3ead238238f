"""What every emitter shim shares: the base class, the method markers and the dual-shape call.

Legacy methods are plain functions that warn when *called* and return the
coroutine that sends: warning at await time would point into asyncio whenever
the call is wrapped in ``gather``/``create_task``. They are marked as coroutine
functions so ``Mock(spec=Shim)`` still makes them ``AsyncMock``s.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from compat import _delegate, _plan
from compat._mapping import target_info
from compat._messages import constructor_message
from compat._warnings import report_use
from target_emitter import RetryPolicy, UnifiedWebSocketEmitter
from target_emitter.metrics import EmitterMetrics

F = TypeVar("F", bound=Callable[..., Any])


def _mark_coroutine(function: F) -> F:
    marker = getattr(inspect, "markcoroutinefunction", None)
    if marker is not None:  # Python 3.12+
        return marker(function)
    function._is_coroutine = asyncio.coroutines._is_coroutine  # type: ignore[attr-defined]
    return function


def legacy_method(function: F) -> F:
    """Mark a deprecated legacy method (its body is one call into the delegation)."""
    return _mark_coroutine(function)


def dual_method(legacy_signature: str) -> Callable[[F], F]:
    """A method name both the legacy API and the unified one use: the call's shape decides.

    Positional arguments, or keywords the unified method does not take, mean the
    legacy form. ``inspect.signature`` shows the legacy parameters followed by the
    unified method's remaining keywords.
    """

    def decorate(function: F) -> F:
        legacy = inspect.signature(eval(f"lambda {legacy_signature}: None"))  # literal text
        unified = inspect.signature(getattr(UnifiedWebSocketEmitter, function.__name__))
        extra = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            for p in unified.parameters.values()
            if p.name != "self" and p.name not in legacy.parameters
        ]
        self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
        function.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [self_param, *legacy.parameters.values(), *extra]
        )
        function.__compat_legacy__ = legacy_signature  # type: ignore[attr-defined]
        return _mark_coroutine(function)

    return decorate


_binders: dict[tuple[str, str], Callable[..., dict[str, Any]]] = {}


def _binder(api_id: str, method: str) -> Callable[..., dict[str, Any]]:
    """A function with the plan's legacy signature that returns its bound arguments."""
    found = _binders.get((api_id, method))
    if found is None:
        signature = _plan.current_plan().apis[api_id].methods[method].signature
        text = signature.text if signature is not None else ""
        found = _binders[(api_id, method)] = eval(f"lambda {text}: locals()")  # plan text
    return found


_plan.on_plan_change(_binders.clear)


class CompatEmitter(UnifiedWebSocketEmitter):
    """Base of the emitter shims: a UnifiedWebSocketEmitter that also speaks a legacy API."""

    __slots__ = ()
    _compat_api: ClassVar[str]
    _compat_legacy_name: ClassVar[str]

    # A legacy method's one line: ``return self._legacy("name", locals())``.
    _legacy = _delegate.shim_call

    def _dual(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """A dual-shape method's one line: ``return self._dual("name", args, kwargs)``."""
        if not args:
            target = target_info(method)
            if kwargs.keys() <= target.accepted and all(k in kwargs for k in target.required):
                return target.function(self, **kwargs)
        try:
            values = _binder(self._compat_api, method)(*args, **kwargs)
        except TypeError as exc:
            raise TypeError(
                f"{type(self).__name__}.{method}() takes either the legacy arguments "
                f"({getattr(getattr(type(self), method), '__compat_legacy__', '?')}) or the "
                f"unified keywords of UnifiedWebSocketEmitter.{method}: {exc}"
            ) from None
        observe = self._compat_observe
        if observe is not None:
            observe(method, values)
        # report_use, shim_call, _dual, the dual method, its caller: stacklevel 5.
        return _delegate.shim_call(self, method, values, 5)

    # Hook: a shim that must remember something from its legacy dual-shape calls
    # defines ``_compat_observe(self, method, values)``.
    _compat_observe: ClassVar[Callable[..., None] | None] = None


def report_constructor(api_id: str, legacy_path: str, legacy_name: str, stacklevel: int) -> None:
    """Count and warn for a legacy constructor/factory/function, counted as ``api.legacy_name``.

    ``legacy_path`` is a key of the plan's [constructors]. ``stacklevel`` 1 is the
    function calling this (the legacy constructor), 2 its caller.
    """
    report_use(
        f"{api_id}.{legacy_name}",
        api_id,
        constructor_message,
        (legacy_path, legacy_name),
        stacklevel + 2,
    )


def init_emitter(
    shim: UnifiedWebSocketEmitter,
    manager: Any,
    user_id: Any,
    *,
    thread_id: str | None = None,
    run_id: str | None = None,
    request_id: str | None = None,
    retry: RetryPolicy | None = None,
    metrics: EmitterMetrics | None = None,
) -> None:
    UnifiedWebSocketEmitter.__init__(
        shim,
        manager,
        user_id,
        thread_id=thread_id,
        run_id=run_id,
        request_id=request_id,
        retry=retry,
        metrics=metrics,
    )


def init_from_context(shim: UnifiedWebSocketEmitter, context: Any, manager: Any) -> None:
    """As ``UnifiedWebSocketEmitter.from_context``, on an instance being built."""
    init_emitter(
        shim,
        manager,
        getattr(context, "user_id", None),
        thread_id=getattr(context, "thread_id", None),
        run_id=getattr(context, "run_id", None),
        request_id=getattr(context, "request_id", None),
    )


def init_view(
    shim: UnifiedWebSocketEmitter,
    source: UnifiedWebSocketEmitter,
    *,
    thread_id: str | None,
    run_id: str | None,
    request_id: str | None,
) -> None:
    """Make ``shim`` a view of ``source`` (one seq, order, metrics), like ``source.bind``.

    ``bind`` always returns a plain emitter; a shim must stay its own class, so this
    copies what ``bind`` copies (tests/compat/test_legacy_behaviour.py checks the two agree).
    """
    view = source.bind(run_id=run_id, thread_id=thread_id)
    for slot in ("_family", "_thread_id", "_run_id", "_agent_name"):
        object.__setattr__(shim, slot, getattr(view, slot))
    object.__setattr__(
        shim, "_request_id", request_id if request_id is not None else view.request_id
    )


def set_ids(
    shim: UnifiedWebSocketEmitter,
    *,
    thread_id: str | None,
    run_id: str | None,
    request_id: str | None,
) -> None:
    """Re-point an emitter at another run (legacy code reassigned ``emitter.context``)."""
    view = shim.bind(run_id=run_id, thread_id=thread_id)
    object.__setattr__(shim, "_thread_id", view.thread_id)
    object.__setattr__(shim, "_run_id", view.run_id)
    object.__setattr__(shim, "_request_id", request_id)
