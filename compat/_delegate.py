"""The one delegation mechanism: a legacy call's bound arguments -> the unified call, by the plan.

Every rule comes from the plan's ``[apis.<api>.methods.<name>]`` table (``args``,
``supply``, ``manual_if``, ``expand``, ``dispatch``), so a method added there is
mapped here without code. At runtime nothing may be left for a person, so two
things the codemods leave alone are settled here:

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
from compat._messages import method_message
from compat._warnings import report_use
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

_REQUIRED: Any = object()
_PASS, _MANUAL_IF, _CONSUMED = 0, 1, 2


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


def _compile_template(source: str, fields: tuple[str, ...]) -> Callable[..., Any]:
    from codemods.plan import placeholder

    names = ", ".join(placeholder(f) for f in fields)
    code = compile(f"lambda {names}: ({source})", "<plan template>", "eval")
    return eval(code, {"__builtins__": builtins})  # a plan template, validated by load_plan


def _is_default(value: Any, default: Any) -> bool:
    return value is default or (type(value) is type(default) and value == default)


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
        "data_param",
        "event_param",
        "expand",
        "method",
        "on_failure",
        "params",
        "receiver",
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
        self.on_failure = api.on_failure
        self.target = target_info(mapping.target or "")
        self.expand = mapping.expand
        self.event_param = mapping.dispatch["event_type"] if mapping.dispatch else None
        self.data_param = mapping.dispatch["data"] if mapping.dispatch else None
        supplied = {f for t in mapping.supply.values() for f in t.fields}
        self.params: list[tuple[str, Any, int, str, bool]] = []
        for p in mapping.signature.params:
            default = _REQUIRED if p.default is None else ast.literal_eval(p.default)
            if p.name in mapping.manual_if:
                rule = _MANUAL_IF
            elif (
                p.name == self.expand
                or p.name in supplied
                or (mapping.dispatch and p.name in mapping.dispatch.values())
            ):
                rule = _CONSUMED
            else:
                rule = _PASS
            keyword = mapping.args.get(p.name, p.name)
            self.params.append((p.name, default, rule, keyword, p.kind == "var_keyword"))
        self.supply = [
            (
                keyword,
                _compile_template(t.expression_source(), t.fields),
                tuple(f for f in t.fields if f != "self"),
                t.fields,
            )
            for keyword, t in mapping.supply.items()
        ]
        self.receiver: Callable[[Any], Any] | None = None
        if api.receiver != "{self}":
            from codemods.plan import Template

            template = Template(api.receiver, ("self",))
            self.receiver = _compile_template(template.expression_source(), ("self",))

    def build(self, values: Mapping[str, Any], legacy_self: Any, receiver: Any) -> UnifiedCall:
        target = self.target
        kwargs: dict[str, Any] = {}
        extras: dict[str, Any] = {}
        expanded: Any = None
        if self.event_param is not None:
            event_type = values[self.event_param]
            method = None
            if isinstance(event_type, str):
                method = _plan.current_plan().events.get(event_type.strip().lower())
            if method is not None:
                target = target_info(method)
                expanded = values[self.data_param]  # type: ignore[index]
            else:
                kwargs["event_type"] = event_type
                kwargs["data"] = values[self.data_param]  # type: ignore[index]
        elif self.expand is not None:
            expanded = values[self.expand]
        if expanded is not None:
            self._expand(expanded, target, kwargs, extras)
        passed: dict[str, bool] = {}
        explicit: set[str] = set()
        for name, default, rule, keyword, var_keyword in self.params:
            value = values[name]
            given = default is _REQUIRED or not _is_default(value, default)
            passed[name] = given
            if not given or rule == _CONSUMED:
                continue
            if rule == _PASS:
                if keyword not in explicit:  # two legacy names for one keyword: the first wins
                    kwargs[keyword] = value
                    explicit.add(keyword)
            elif var_keyword:
                extras.update(value)
            elif keyword in target.accepted and keyword not in explicit:
                kwargs[keyword] = value
                explicit.add(keyword)
            elif isinstance(value, Mapping):
                extras.update(value)
            else:
                extras[name] = value
        for keyword, function, params, fields in self.supply:
            if params and keyword not in target.required and not any(passed[p] for p in params):
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
                    f"{self.api}.{self.method}(): the legacy call gives no {keyword}, which "
                    f"{target.name} requires; pass it (or migrate the call by hand)"
                )
        return UnifiedCall(target, kwargs)

    @staticmethod
    def _expand(data: Any, target: Target, kwargs: dict[str, Any], extras: dict[str, Any]) -> None:
        if not isinstance(data, Mapping):
            raise TypeError(
                f"{target.name}: the legacy data must be a dict, got {type(data).__name__}"
            )
        for key, value in data.items():
            if key in target.accepted:
                kwargs[key] = value
            elif key not in _WIRE_FIELDS:
                extras[key] = value


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


def _forget_compiled() -> None:
    _compiled.clear()


_plan.on_plan_change(_forget_compiled)


def unified_call(
    api_id: str,
    method: str,
    values: Mapping[str, Any],
    *,
    legacy_self: Any = None,
    receiver: Any = None,
) -> UnifiedCall:
    """The unified call a legacy ``api_id.method`` call with bound ``values`` becomes."""
    return compiled(api_id, method).build(values, legacy_self, receiver)


def receiver_of(api_id: str, method: str, legacy_self: Any) -> Any:
    """The unified emitter a legacy call runs on (the plan's ``receiver`` template)."""
    function = compiled(api_id, method).receiver
    return legacy_self if function is None else function(legacy_self)


# ----------------------------------------------------------------- running ----
def report(api_id: str, method: str, legacy_self: Any, stacklevel: int) -> None:
    """Count and warn; ``stacklevel`` 1 is the function calling this, 2 its caller..."""
    legacy_name = getattr(type(legacy_self), "_compat_legacy_name", type(legacy_self).__name__)
    report_use(
        f"{api_id}.{method}",
        api_id,
        method_message,
        (api_id, method, legacy_name),
        stacklevel + 2,
    )


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

    ``stacklevel`` counts from here: 3 when a shim method calls this directly.
    ``on_failure`` overrides the API's (``"quiet"``: False on any error).
    """
    report(api_id, method, legacy_self, stacklevel)
    return run(api_id, method, legacy_self, values, on_failure)


async def run(
    api_id: str,
    method: str,
    legacy_self: Any,
    values: Mapping[str, Any],
    on_failure: str | None = None,
) -> Any:
    """Send the unified event and answer the way the legacy method did."""
    how = on_failure or compiled(api_id, method).on_failure
    if how == "none":
        await _send(api_id, method, legacy_self, values)
        return None
    if how == "bool":
        return bool(await _send(api_id, method, legacy_self, values))
    if how == "quiet":
        try:
            return bool(await _send(api_id, method, legacy_self, values))
        except Exception:
            return False
    try:
        delivered = await _send(api_id, method, legacy_self, values)
    except Exception as exc:
        raise RuntimeError(f"{method} failed: {exc}") from exc
    if not delivered:
        user = getattr(legacy_self, "user_id", "?")
        raise ConnectionError(f"{method} was not delivered to user {user}")
    return True


async def _send(api_id: str, method: str, legacy_self: Any, values: Mapping[str, Any]) -> Any:
    plan = compiled(api_id, method)
    receiver = legacy_self if plan.receiver is None else plan.receiver(legacy_self)
    call = plan.build(values, legacy_self, receiver)
    if isinstance(receiver, UnifiedWebSocketEmitter):
        # The base method directly: a shim's own dual-shape override would only re-dispatch.
        return await call.target.function(receiver, **call.kwargs)
    return await getattr(receiver, call.target.name)(**call.kwargs)
