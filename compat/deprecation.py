"""The deprecation, added where each legacy API is defined, keeping the class itself.

Stage 1 (`deprecate`) puts ``@legacy_api("bridge")`` on the legacy class and
``@legacy_callable("dotted.path")`` on a legacy factory function. Importers
do not change. ``isinstance``, attributes, import order, async factories and
subclasses stay exactly as they were. What changes:

- each legacy emitting method that the plan lists warns with
  ``EmitterMigrationWarning`` and is counted (``EMITTER_MIGRATE_COMPAT`` switches
  it, as for every legacy call), then runs unchanged;
- the class answers the unified methods that ``codemods.analysis.legacy_aliases``
  allows, by calling its own legacy method. So a call that stage 2 rewrote runs
  the same code, with the same payload, return value and exceptions. For an
  API whose plan receiver is ``{self}.attr``, the class gets a read-only
  ``attr`` holding those methods.

A legacy method called from inside another legacy method, or from an alias,
is not reported again.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from contextvars import ContextVar
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

from ._messages import constructor_message, method_message
from ._plan import current_plan
from ._warnings import report_use

if TYPE_CHECKING:  # imported where used: importing this module reads no plan
    from codemods.analysis.legacy_aliases import Alias

__all__ = ["LegacyAliasWarning", "legacy_api", "legacy_callable"]

T = TypeVar("T", bound=type)
F = TypeVar("F", bound=Callable[..., Any])

_MARK = "__emitter_migrate_legacy__"
# True while a legacy method or an alias runs: the calls it makes are the legacy
# implementation's own, not the application's.
_inside: ContextVar[bool] = ContextVar("emitter_migrate_inside_legacy", default=False)


class LegacyAliasWarning(RuntimeWarning):
    """A legacy class already has an attribute where its unified method would go."""


def legacy_api(api_id: str) -> Callable[[T], T]:
    """Class decorator: deprecate the plan's methods of ``api_id`` and add its aliases."""

    def decorate(cls: T) -> T:
        if cls.__dict__.get(_MARK) == api_id:
            return cls
        from codemods.analysis.legacy_aliases import aliases_of, receiver_attribute

        api = current_plan().apis[api_id]
        for name, mapping in api.methods.items():
            function = cls.__dict__.get(name)
            if mapping.target is None or not inspect.isfunction(function):
                continue
            setattr(cls, name, _reported(function, _method_reporter(api_id, name)))
        aliases = aliases_of(current_plan(), api_id)
        attribute = receiver_attribute(api)
        if attribute is None:
            for alias in aliases.values():
                _add(cls, alias.target, _alias_function(alias, cls))
        elif aliases:
            _add(cls, attribute, _adapter_property(cls, aliases))
        setattr(cls, _MARK, api_id)
        return cls

    return decorate


def legacy_callable(key: str) -> Callable[[F], F]:
    """Decorator for a legacy factory or function; ``key`` is its [constructors] path."""

    def decorate(function: F) -> F:
        if getattr(function, _MARK, None):
            return function
        plan = current_plan()
        owner = key if key in plan.symbols else key.rsplit(".", 1)[0]
        api_id = plan.symbols[owner].api if owner in plan.symbols else "constructors"
        name = key.rsplit(".", 1)[-1]

        def report(args: tuple[Any, ...]) -> None:
            report_use(f"{api_id}.{name}", api_id, constructor_message, (key, name), 4)

        return _reported(function, report)

    return decorate


def _method_reporter(api_id: str, name: str) -> Callable[[tuple[Any, ...]], None]:
    def report(args: tuple[Any, ...]) -> None:
        legacy_name = type(args[0]).__name__ if args else "?"
        # report_use, this, the wrapper, its caller.
        report_use(f"{api_id}.{name}", api_id, method_message, (api_id, name, legacy_name), 4)

    return report


def _reported(function: F, report: Callable[[tuple[Any, ...]], None]) -> F:
    """``function`` that reports each call made from outside the legacy implementation;
    ``report`` gets the call's positional arguments."""
    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not _inside.get():
                report(args)
            token = _inside.set(True)
            try:
                return await function(*args, **kwargs)
            finally:
                _inside.reset(token)

    else:

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not _inside.get():
                report(args)
            token = _inside.set(True)
            try:
                return function(*args, **kwargs)
            finally:
                _inside.reset(token)

    setattr(wrapper, _MARK, True)
    return wrapper  # type: ignore[return-value]


def _itself(obj: Any) -> Any:
    return obj


def _alias_function(
    alias: Alias, cls: type, legacy_object: Callable[[Any], Any] = _itself
) -> Callable[..., Any]:
    """``alias.target(self, **keywords)``: the legacy method of ``legacy_object(self)`` (the
    instance, or an adapter's owner), looked up there so overrides and per-instance mocks
    run as they did for the legacy call."""
    legacy = getattr(cls, alias.legacy, None)
    if inspect.iscoroutinefunction(legacy):

        async def method(self: Any, **keywords: Any) -> Any:
            arguments = alias.legacy_arguments(keywords)
            token = _inside.set(True)
            try:
                return await getattr(legacy_object(self), alias.legacy)(**arguments)
            finally:
                _inside.reset(token)

    else:

        def method(self: Any, **keywords: Any) -> Any:
            arguments = alias.legacy_arguments(keywords)
            token = _inside.set(True)
            try:
                return getattr(legacy_object(self), alias.legacy)(**arguments)
            finally:
                _inside.reset(token)

    method.__name__ = alias.target
    method.__qualname__ = f"{cls.__qualname__}.{alias.target}"
    method.__doc__ = (
        f"The unified ``{alias.target}`` with keyword arguments, answered by the legacy "
        f"``{alias.legacy}`` (emitter-migrate)."
    )
    setattr(method, _MARK, True)
    return method


def _adapter_property(cls: type, aliases: dict[str, Alias]) -> property:
    """A read-only property whose value answers the unified methods for its owner."""
    namespace: dict[str, Any] = {"__slots__": ("_owner",)}
    for alias in aliases.values():
        namespace[alias.target] = _alias_function(alias, cls, attrgetter("_owner"))
    adapter = type(f"{cls.__name__}UnifiedEvents", (_Adapter,), namespace)

    def get(self: Any) -> Any:
        return adapter(self)

    get.__doc__ = "The unified emitter methods of this object (emitter-migrate)."
    setattr(get, _MARK, True)
    return property(get)


class _Adapter:
    __slots__ = ()

    def __init__(self, owner: Any) -> None:
        object.__setattr__(self, "_owner", owner)

    def __repr__(self) -> str:
        return f"<unified events of {self._owner!r}>"  # type: ignore[attr-defined]


def _add(cls: type, name: str, value: Any) -> None:
    # An attribute the class (or a base) already has is its own: replacing it would
    # change what existing code does, so it wins and the rewrite's method is not added.
    existing = getattr(cls, name, None)
    if isinstance(existing, property):
        existing = existing.fget
    if getattr(existing, _MARK, False):
        return  # inherited from a decorated base: the same alias already
    if hasattr(cls, name):
        warnings.warn(
            f"{cls.__qualname__} already has `{name}`, so emitter-migrate does not add its "
            f"unified method there: calls rewritten to `{name}` run the class's own",
            LegacyAliasWarning,
            stacklevel=3,
        )
        return
    setattr(cls, name, value)
