"""Straight-line code for a mapping, generated once: ``Compiled.build`` without its loops.

Shims sit on hot paths (one call per event), and walking the rule lists costs as
much as the unified emitter's own work. For mappings whose target is fixed and
that merge nothing into a details field (no ``dispatch``, ``expand`` or
``manual_if``), this writes the same steps out as Python source with the plan's
names and defaults as constants. ``Compiled.build`` stays the reference:
tests/compat checks that both agree on every method of the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from compat._mapping import Compiled, Target

Builder = Callable[[Mapping[str, Any], Any, Any], "tuple[Target, dict[str, Any]]"]


def specialise(plan: Compiled) -> Builder | None:
    """Generated ``build`` for ``plan``, or None when the generic one must run."""
    from compat import _mapping

    if plan.event_param is not None or plan.expand is not None or plan.manual:
        return None
    target = plan.target
    constants: dict[str, Any] = {
        "TARGET": target,
        "REQUIRED": _mapping.REQUIRED,
        "agent_name_of": _mapping._agent_name_of,
        "missing": _missing(plan.key, target.name),
    }
    lines = ["def build(values, legacy_self, receiver):", "    kwargs = {}"]

    def given(name: str) -> str:
        default = plan.defaults[name]
        if default is _mapping.REQUIRED:
            return "True"
        if default is None:
            return f"values[{name!r}] is not None"
        constants[f"D_{name}"] = default
        return (
            f"(values[{name!r}] is not D_{name} and (type(values[{name!r}]) is not "
            f"type(D_{name}) or values[{name!r}] != D_{name}))"
        )

    for name, keyword in plan.required:
        if plan.collisions:
            lines.append(f"    if {keyword!r} not in kwargs:")
            lines.append(f"        kwargs[{keyword!r}] = values[{name!r}]")
        else:
            lines.append(f"    kwargs[{keyword!r}] = values[{name!r}]")
    for name, keyword, _default in plan.optional:
        condition = given(name)
        if plan.collisions:
            condition = f"{keyword!r} not in kwargs and {condition}"
        lines.append(f"    if {condition}:")
        lines.append(f"        kwargs[{keyword!r}] = values[{name!r}]")
    for index, (keyword, function, params, fields) in enumerate(plan.supply):
        constants[f"T{index}"] = function
        arguments = ", ".join("legacy_self" if f == "self" else f"values[{f!r}]" for f in fields)
        assign = f"kwargs[{keyword!r}] = T{index}({arguments})"
        if params and keyword not in target.required:
            lines.append(f"    if {' or '.join(given(p) for p in params)}:")
            lines.append(f"        {assign}")
        else:
            lines.append(f"    {assign}")
    for keyword in target.required:
        if keyword == "agent_name":
            lines.append("    if kwargs.get('agent_name') is None:")
            lines.append("        kwargs['agent_name'] = agent_name_of(receiver, legacy_self)")
            lines.append("        if kwargs['agent_name'] is None:")
            lines.append("            raise missing('agent_name')")
        else:
            lines.append(f"    if {keyword!r} not in kwargs:")
            lines.append(f"        raise missing({keyword!r})")
    lines.append("    return TARGET, kwargs")
    namespace = dict(constants)
    exec(compile("\n".join(lines), f"<compat build {plan.key}>", "exec"), namespace)
    return namespace["build"]


def _missing(key: str, target: str) -> Callable[[str], TypeError]:
    def error(keyword: str) -> TypeError:
        return TypeError(
            f"{key}(): the legacy call gives no {keyword}, which {target} requires; "
            f"pass it (or migrate the call by hand)"
        )

    return error
