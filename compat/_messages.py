"""Warning texts: the legacy call, its replacement (from the plan), the command to rewrite it."""

from __future__ import annotations

import inspect
import os
from typing import TYPE_CHECKING

from ._plan import current_plan, on_plan_change
from ._warnings import clear_message_cache

if TYPE_CHECKING:
    from codemods.plan import Mapping_

_REWRITE = "rewrite it with: emitter-migrate run --stage call-sites {file}"
_BY_HAND = "it has no automatic rewrite; emitter-migrate scan {file} lists it"


def shown_path(filename: str) -> str:
    """The caller's file as a command-line argument: relative when under the cwd."""
    try:
        relative = os.path.relpath(filename)
    except ValueError:  # another drive on Windows
        return filename
    return filename if relative.startswith("..") else relative


def _keywords_of(target: str) -> frozenset[str]:
    """Keywords a unified method takes (empty when ``target`` is not an emitter method)."""
    from target_emitter import UnifiedWebSocketEmitter

    method = getattr(UnifiedWebSocketEmitter, target, None)
    if method is None:
        return frozenset()
    return frozenset(inspect.signature(method).parameters) - {"self"}


def _call_text(target: str, mapping: Mapping_) -> str:
    """``emit_tool_executing(run_id=..., tool_name=...)``: keywords in legacy parameter order."""
    accepted = _keywords_of(target)
    parts: list[str] = []
    for param in mapping.signature.params if mapping.signature else ():
        if param.kind in ("var_positional", "var_keyword"):
            continue
        keyword = mapping.keyword_for(param.name)
        if keyword is None and param.name in mapping.manual_if:
            keyword = mapping.args.get(param.name, param.name)
            keyword = keyword if keyword in accepted else None
        if keyword is not None:
            parts.append(f"{keyword}=...")
        elif param.name == mapping.expand:
            parts.append(f"<each key of {param.name}>=...")
    for keyword, template in mapping.supply.items():
        parts.append(f"{keyword}={template.text.format(**{f: f for f in template.fields})}")
    return f"{target}({', '.join(parts)})"


def method_message(api_id: str, method: str, legacy_name: str, filename: str) -> str:
    plan = current_plan()
    api = plan.apis[api_id]
    mapping = api.methods[method]
    legacy = f"{legacy_name}.{method}()"
    file = shown_path(filename)
    if mapping.manual:
        return f"{legacy} is deprecated: {mapping.manual}; {_BY_HAND.format(file=file)}"
    cls = plan.target_class
    if mapping.dispatch:
        replacement = (
            f"the {cls} method for the event type (e.g. emit_agent_started(...)), "
            f"or {cls}.emit_custom(event_type, data, ...) for other event types"
        )
    else:
        replacement = f"{cls}.{_call_text(mapping.target or '', mapping)}"
    if api.receiver != "{self}":
        replacement += f" on {api.receiver.format(self='self')}"
    text = f"{legacy} is deprecated: call {replacement} instead; {_REWRITE.format(file=file)}"
    if mapping.manual_if:
        hand = "; ".join(f"passing {p}: {why}" for p, why in mapping.manual_if.items())
        text += f" (by hand when {hand})"
    return text


def constructor_message(legacy_path: str, legacy_name: str, filename: str) -> str:
    """For a legacy constructor, factory or function; ``legacy_path`` is a key of [constructors]."""
    plan = current_plan()
    mapping = plan.constructors.get(legacy_path)
    file = shown_path(filename)
    legacy = f"{legacy_name}()"
    if mapping is None or mapping.manual or not mapping.target:
        why = mapping.manual if mapping is not None and mapping.manual else "no unified equivalent"
        return f"{legacy} is deprecated: {why}; {_BY_HAND.format(file=file)}"
    target = mapping.target
    qualified = target if "." in target else f"{plan.target_module}.{target}"
    return (
        f"{legacy} is deprecated: call {_call_text(qualified, mapping)} instead; "
        f"{_REWRITE.format(file=file)}"
    )


on_plan_change(clear_message_cache)
