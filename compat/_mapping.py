"""The one delegation mechanism: a legacy call's bound arguments -> the unified call, by the plan.

Every rule comes from the plan's ``[apis.<api>.methods.<name>]`` table (``args``,
``supply``, ``manual_if``, ``expand``, ``dispatch``), so a method added there is
mapped here without code. Each mapping is prepared once (``Compiled``); a call
then only walks precomputed lists. At runtime nothing may be left for a person,
so two things the codemods leave alone are settled here:

- a value with no unified keyword (a ``manual_if`` parameter such as ``metadata``,
  ``**kwargs``, or an unknown key of an expanded dict) is merged into the target's
  free-form field (``DETAILS``) instead of being dropped;
- a required ``agent_name`` the legacy call could not give comes from the receiver
  (``_compat_agent_name()``, else its bound ``agent_name``).
"""

from __future__ import annotations

import ast
import builtins
import inspect
import threading
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, Final

from compat import _plan
from compat._fastpath import specialise
from target_emitter import UnifiedWebSocketEmitter

# Where each unified method carries free-form details. A fact about the unified
# API (not a legacy rename), which is why it lives here and not in the plan.
DETAILS: Final = {
    "emit_agent_started": "context",
    "emit_agent_thinking": "trace_context",
    "emit_tool_executing": "parameters",
    "emit_tool_completed": "result",
    "emit_agent_completed": "result",
    "emit_agent_error": "error_context",
    "emit_progress": "progress",
    "emit_custom": "data",
}
# Keys of a legacy data dict that the wire message itself carries.
_WIRE_FIELDS: Final = frozenset({"type", "user_id", "thread_id", "timestamp", "seq"})

REQUIRED: Any = object()  # the "default" of a parameter that has none


@dataclass(frozen=True, slots=True)
class Target:
    """A unified method and what its signature accepts."""

    name: str
    function: Callable[..., Coroutine[Any, Any, bool]]
    accepted: frozenset[str]
    required: tuple[str, ...]
    details: str | None


@dataclass(frozen=True, slots=True)
class UnifiedCall:
    """What a legacy call becomes: ``await receiver.<target.name>(**kwargs)``."""

    target: Target
    kwargs: dict[str, Any]


_targets: dict[str, Target] = {}


def target_info(name: str) -> Target:
    info = _targets.get(name)
    if info is None:
        function = getattr(UnifiedWebSocketEmitter, name)
        params = [p for p in inspect.signature(function).parameters.values() if p.name != "self"]
        info = _targets[name] = Target(
            name,
            function,
            frozenset(p.name for p in params),
            tuple(p.name for p in params if p.default is inspect.Parameter.empty),
            DETAILS.get(name),
        )
    return info


def given(value: Any, default: Any) -> bool:
    """Whether the caller passed something other than the legacy default."""
    return default is REQUIRED or not (
        value is default or (type(value) is type(default) and value == default)
    )


def _compile_template(source: str, fields: tuple[str, ...]) -> Callable[..., Any]:
    from codemods.plan import placeholder

    names = ", ".join(placeholder(f) for f in fields)
    code = compile(f"lambda {names}: ({source})", "<plan template>", "eval")
    return eval(code, {"__builtins__": builtins})  # a plan template, validated by load_plan


def _merge(current: Any, extras: dict[str, Any]) -> Any:
    """Explicit values win over extras; a non-mapping value is kept under ``value``."""
    if current is None:
        return extras
    if isinstance(current, Mapping):
        return {**extras, **current}
    return {**extras, "value": current}


class Compiled:
    """One legacy method's mapping, prepared once for fast repeated calls."""

    __slots__ = (
        "api",
        "collisions",
        "data_param",
        "defaults",
        "event_param",
        "events",
        "expand",
        "key",
        "manual",
        "method",
        "on_failure",
        "optional",
        "prepare",
        "receiver",
        "required",
        "supply",
        "target",
    )

    def __init__(self, api_id: str, method: str) -> None:
        plan = _plan.current_plan()
        api = plan.apis[api_id]
        mapping = api.methods[method]
        if mapping.manual or mapping.signature is None:
            raise LookupError(
                f"{api_id}.{method} has no automatic mapping in the plan "
                f"({mapping.manual or 'no signature'}): the shim implements it by hand"
            )
        self.api = api_id
        self.method = method
        self.key = f"{api_id}.{method}"  # the usage counter's name for it
        self.on_failure = api.on_failure
        self.events = dict(plan.events)
        self.target = target_info(mapping.target or "")
        self.expand = mapping.expand
        self.event_param = mapping.dispatch["event_type"] if mapping.dispatch else None
        self.data_param = mapping.dispatch["data"] if mapping.dispatch else None
        consumed = {f for t in mapping.supply.values() for f in t.fields}
        consumed.update(mapping.dispatch.values() if mapping.dispatch else ())
        consumed.add(mapping.expand or "")
        self.defaults: dict[str, Any] = {}
        required: list[tuple[str, str]] = []
        optional: list[tuple[str, str, Any]] = []
        manual: list[tuple[str, str, Any, bool]] = []
        for p in mapping.signature.params:
            default = REQUIRED if p.default is None else ast.literal_eval(p.default)
            self.defaults[p.name] = default
            keyword = mapping.args.get(p.name, p.name)
            if p.name in mapping.manual_if:
                manual.append((p.name, keyword, default, p.kind == "var_keyword"))
            elif p.name in consumed:
                continue
            elif default is REQUIRED:
                required.append((p.name, keyword))
            else:
                optional.append((p.name, keyword, default))
        self.required = tuple(required)
        self.optional = tuple(optional)
        self.manual = tuple(manual)
        keywords = [k for _, k in required] + [k for _, k, _ in optional]
        self.collisions = len(keywords) != len(set(keywords))
        self.supply = tuple(
            (
                keyword,
                _compile_template(t.expression_source(), t.fields),
                tuple(f for f in t.fields if f != "self"),
                t.fields,
            )
            for keyword, t in mapping.supply.items()
        )
        self.receiver: Callable[[Any], Any] | None = None
        if api.receiver != "{self}":
            from codemods.plan import Template

            template = Template(api.receiver, ("self",))
            self.receiver = _compile_template(template.expression_source(), ("self",))
        # What calls use: the generated straight-line build when there is one.
        self.prepare: Callable[..., tuple[Target, dict[str, Any]]] = specialise(self) or self.build

    def build(
        self, values: Mapping[str, Any], legacy_self: Any, receiver: Any
    ) -> tuple[Target, dict[str, Any]]:
        """The unified method and its keywords for one call's bound legacy ``values``."""
        target = self.target
        kwargs: dict[str, Any] = {}
        extras: dict[str, Any] = {}
        if self.event_param is not None or self.expand is not None:
            target = self._expand(values, kwargs, extras)
        for name, keyword in self.required:
            kwargs[keyword] = values[name]
        if self.collisions:
            for name, keyword, default in self.optional:  # one keyword, two names: first wins
                value = values[name]
                if keyword not in kwargs and given(value, default):
                    kwargs[keyword] = value
        else:
            for name, keyword, default in self.optional:
                value = values[name]
                if value is not default and (type(value) is not type(default) or value != default):
                    kwargs[keyword] = value
        for name, keyword, default, var_keyword in self.manual:
            value = values[name]
            if not given(value, default):
                continue
            if var_keyword:
                extras.update(value)
            elif keyword in target.accepted and keyword not in kwargs:
                kwargs[keyword] = value
            elif isinstance(value, Mapping):
                extras.update(value)
            else:
                extras[name] = value
        defaults = self.defaults
        for keyword, function, params, fields in self.supply:
            if (
                params
                and keyword not in target.required
                and not any(given(values[p], defaults[p]) for p in params)
            ):
                continue  # every parameter the template uses was left out
            kwargs[keyword] = function(*(legacy_self if f == "self" else values[f] for f in fields))
        if extras:
            if target.details is None:
                raise TypeError(f"{target.name} has no field for {', '.join(sorted(extras))}")
            kwargs[target.details] = _merge(kwargs.get(target.details), extras)
        for keyword in target.required:
            if keyword == "agent_name" and kwargs.get(keyword) is None:
                kwargs[keyword] = _agent_name_of(receiver, legacy_self)
            if keyword not in kwargs or (kwargs[keyword] is None and keyword == "agent_name"):
                raise TypeError(
                    f"{self.key}(): the legacy call gives no {keyword}, which "
                    f"{target.name} requires; pass it (or migrate the call by hand)"
                )
        return target, kwargs

    def _expand(
        self, values: Mapping[str, Any], kwargs: dict[str, Any], extras: dict[str, Any]
    ) -> Target:
        """``dispatch`` picks the method by event type; ``expand`` spreads a dict into keywords."""
        target = self.target
        if self.event_param is not None:
            event_type = values[self.event_param]
            method = None
            if isinstance(event_type, str):
                method = self.events.get(event_type.strip().lower())
            if method is None:
                kwargs["event_type"] = event_type
                kwargs["data"] = values[self.data_param]  # type: ignore[index]
                return target
            target = target_info(method)
            data = values[self.data_param]  # type: ignore[index]
        else:
            data = values[self.expand]  # type: ignore[index]
        if data is None:
            return target
        if not isinstance(data, Mapping):
            raise TypeError(
                f"{target.name}: the legacy data must be a dict, got {type(data).__name__}"
            )
        for key, value in data.items():
            if key in target.accepted:
                kwargs[key] = value
            elif key not in _WIRE_FIELDS:
                extras[key] = value
        return target


def _agent_name_of(receiver: Any, legacy_self: Any) -> str | None:
    for source in (legacy_self, receiver):
        hook = getattr(source, "_compat_agent_name", None)
        if hook is not None:
            name = hook()
            if name:
                return name
    return getattr(receiver, "agent_name", None)


_compiled: dict[tuple[str, str], Compiled] = {}
_compile_lock = threading.Lock()


def compiled(api_id: str, method: str) -> Compiled:
    found = _compiled.get((api_id, method))
    if found is None:
        with _compile_lock:
            found = _compiled.get((api_id, method))
            if found is None:
                found = _compiled[(api_id, method)] = Compiled(api_id, method)
    return found


_plan.on_plan_change(_compiled.clear)


def unified_call(
    api_id: str,
    method: str,
    values: Mapping[str, Any],
    *,
    legacy_self: Any = None,
    receiver: Any = None,
) -> UnifiedCall:
    """The unified call a legacy ``api_id.method`` call with bound ``values`` becomes."""
    return UnifiedCall(*compiled(api_id, method).prepare(values, legacy_self, receiver))
