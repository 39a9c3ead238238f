"""Which unified methods a legacy class can answer by calling its own legacy method.

The in-place design keeps every legacy class. Stage 1 decorates it, and the
decorator gives it the unified methods this module allows. Stage 2 rewrites a
legacy call only onto a method this module allows. Both ask `alias_for`, so a
rewritten call never names a method that the object lacks at run time.

An alias is allowed only when the plan's mapping can be run backwards exactly:
- every unified keyword comes from one legacy parameter, by name or `args`;
- or it is a `supply` dict literal whose values are single parameters
  (`{'message': {message}}`), read back by key;
- or it is `{self}.name`, which the legacy object knows itself.

Anything else is refused with a reason: `dispatch`, `expand`, a `manual`
mapping, a constant, a target that would shadow a legacy method, or a second
legacy method for the same target. The alias calls the legacy method, so
payload, return value and exceptions stay the legacy ones.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from codemods.plan import placeholder

if TYPE_CHECKING:
    from codemods.plan import Api, Mapping_, Plan, Template

__all__ = ["Alias", "alias_for", "aliases_of", "receiver_attribute"]

_SELF_NAME = "{self}.name"


@dataclass(frozen=True)
class Alias:
    """`target(**unified keywords)` on a legacy object calls `legacy(**legacy arguments)`."""

    target: str
    legacy: str
    renamed: Mapping[str, str] = field(default_factory=dict)  # unified keyword -> legacy param
    # unified keyword -> ((dict key, legacy param), ...): a dict the caller built from params
    picked: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    derived: frozenset[str] = frozenset()  # unified keywords the object supplies itself

    def legacy_arguments(self, keywords: Mapping[str, object]) -> dict[str, object]:
        """The legacy call's keyword arguments for a unified call's keywords.

        Raises TypeError for a keyword the legacy method cannot take, as Python would.
        """
        out: dict[str, object] = {}
        for keyword, value in keywords.items():
            if keyword in self.derived:
                continue
            param = self.renamed.get(keyword)
            if param is not None:
                out[param] = value
                continue
            picks = self.picked.get(keyword)
            if picks is None:
                raise TypeError(
                    f"{self.target}() on a legacy object got keyword {keyword!r}, which its "
                    f"legacy {self.legacy}() has no parameter for"
                )
            if value is None:
                continue
            if not isinstance(value, Mapping):
                raise TypeError(f"{self.target}(): {keyword}= must be a mapping here")
            for key, param in picks:
                if key in value:
                    out[param] = value[key]
        return out


def receiver_attribute(api: Api) -> str | None:
    """For a receiver template `{self}.attr`: `attr`, the adapter's attribute; None for `{self}`."""
    if api.receiver == "{self}":
        return None
    head, _, attr = api.receiver.partition(".")
    if head != "{self}" or not attr.isidentifier():
        return None
    return attr


def alias_for(plan: Plan, api_id: str, method: str) -> Alias | str:
    """The alias a rewritten call of `api_id`'s `method` would use, or why there is none."""
    return _table(plan)[api_id].get(method, f"`{method}` is not a method of this legacy API")


def aliases_of(plan: Plan, api_id: str) -> dict[str, Alias]:
    """The unified methods (by name) that `api_id`'s legacy class is given."""
    return {a.target: a for a in _table(plan)[api_id].values() if isinstance(a, Alias)}


# id(plan) -> (plan, its table): a Plan holds dicts, so it cannot be a cache key itself.
_TABLES: dict[int, tuple[Plan, dict[str, dict[str, Alias | str]]]] = {}


def _table(plan: Plan) -> dict[str, dict[str, Alias | str]]:
    hit = _TABLES.get(id(plan))
    if hit is None or hit[0] is not plan:
        table = {api_id: _api_table(api) for api_id, api in plan.apis.items()}
        hit = _TABLES[id(plan)] = (plan, table)
    return hit[1]


def _api_table(api: Api) -> dict[str, Alias | str]:
    out: dict[str, Alias | str] = {}
    chosen: dict[str, str] = {}  # target -> the legacy method whose alias it is
    on_self = receiver_attribute(api) is None
    for method, mapping in api.methods.items():
        found = _invert(mapping)
        if isinstance(found, Alias):
            if on_self and found.target in api.methods:
                found = (
                    f"the legacy class already has its own `{found.target}` with the legacy "
                    "signature, so it cannot also answer the unified one"
                )
            elif found.target in chosen:
                found = (
                    f"on the legacy class `{found.target}` already stands for "
                    f"`{chosen[found.target]}`, which may not behave the same as `{method}`"
                )
            else:
                chosen[found.target] = method
        out[method] = found
    return out


def _invert(mapping: Mapping_) -> Alias | str:
    if mapping.manual is not None:
        return mapping.manual
    if mapping.target is None:
        return "the plan gives no unified method"
    if mapping.dispatch is not None or mapping.expand is not None:
        return (
            "the unified method depends on the call's values (an event type or a dict's "
            "keys), which the legacy class cannot answer for"
        )
    renamed: dict[str, str] = {}
    for param in mapping.signature.params if mapping.signature else ():
        if param.name in mapping.manual_if:
            continue  # a call that passes it is never rewritten
        if param.kind in ("var_positional", "var_keyword"):
            return f"the legacy method takes *{param.name}, which no keyword names"
        keyword = mapping.keyword_for(param.name)
        if keyword is not None:
            renamed[keyword] = param.name
    picked: dict[str, tuple[tuple[str, str], ...]] = {}
    derived: set[str] = set()
    for keyword, template in mapping.supply.items():
        if template.text == _SELF_NAME:
            derived.add(keyword)
            continue
        picks = _dict_picks(template)
        if picks is None or keyword in renamed:
            return (
                f"the unified `{keyword}=` is built as `{template.text}`, which cannot be "
                "read back into the legacy arguments"
            )
        picked[keyword] = picks
    return Alias(mapping.target, mapping.legacy_name, renamed, picked, frozenset(derived))


def _dict_picks(template: Template) -> tuple[tuple[str, str], ...] | None:
    """For `{'k': {p}, ...}` with each value one legacy parameter: ((k, p), ...)."""
    try:
        tree = ast.parse(template.expression_source(), mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(tree, ast.Dict):
        return None
    holes = {placeholder(f): f for f in template.fields if f != "self"}
    picks = []
    for key, value in zip(tree.keys, tree.values, strict=True):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        if not (isinstance(value, ast.Name) and value.id in holes):
            return None
        picks.append((key.value, holes[value.id]))
    return tuple(picks)
