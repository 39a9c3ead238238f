"""Render the legacy imports a file needs, in every form the real code uses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .legacy import BASE, BRIDGE, CORE, FACTORY, TRANSPARENT, UNIFIED, Need
from .words import Names

# Names that live in the legacy modules but are not emitters: real imports mix them in.
UNRELATED = {
    UNIFIED: ("CRITICAL_EVENTS", "EmitterMetrics"),
    CORE: ("WebSocketManager", "get_websocket_manager"),
    BRIDGE: ("IntegrationState", "IntegrationResult"),
    BASE: ("AgentLifecycleMixin",),
    TRANSPARENT: ("ServiceStatus", "UserTier"),
    FACTORY: ("UserExecutionEngineConfig",),
}
# Names that no longer exist in the legacy modules (definitions.py does not define them).
STALE = {
    UNIFIED: ("EmitterConfig",),
    CORE: ("WebSocketEmitterRegistry",),
    BRIDGE: ("BridgeHealthReport",),
    BASE: ("AgentWebSocketMixin",),
    TRANSPARENT: ("TransparencyLevel",),
    FACTORY: ("EmitterCache",),
}
MODULE_ALIASES = {
    UNIFIED: "ue",
    CORE: "wsc",
    BRIDGE: "awb",
    BASE: "ba",
    TRANSPARENT: "twe",
    FACTORY: "aif",
}
NAME_ALIASES = {
    "AgentWebSocketBridge": "Bridge",
    "create_agent_websocket_bridge": "make_bridge",
    "UnifiedWebSocketEmitter": "LegacyEmitter",
    "WebSocketEventEmitter": "EventEmitter",
    "BaseAgent": "AgentBase",
    "TransparentWebSocketEmitter": "StatusEmitter",
    "UserWebSocketEmitter": "PerUserEmitter",
    "WebSocketEmitterFactory": "EmitterFactory",
}
STYLES = (
    ("plain", 30),
    ("paren", 12),
    ("mixed", 10),
    ("alias", 10),
    ("module_alias", 6),
    ("try_import_error", 8),
    ("try_other", 4),
    ("stale", 3),
)


@dataclass
class Rendered:
    text: str
    # canonical legacy name -> how the body must spell it (alias or module.attr)
    renames: dict[str, str] = field(default_factory=dict)
    needs_future: bool = False


def merge(needs: list[Need]) -> dict[str, list[Need]]:
    """Group by module, one entry per name; a name is type-only only if every use is."""
    grouped: dict[str, dict[str, Need]] = {}
    for need in needs:
        seen = grouped.setdefault(need.module, {})
        old = seen.get(need.name)
        seen[need.name] = (
            need if old is None else Need(need.module, need.name, old.type_only and need.type_only)
        )
    return {module: list(names.values()) for module, names in grouped.items()}


def _from_line(module: str, names: list[str], *, paren: bool = False) -> str:
    line = f"from {module} import {', '.join(names)}"
    if not paren and len(line) <= 100:
        return line
    inner = "".join(f"    {name},\n" for name in names)
    return f"from {module} import (\n{inner})"


def _relative(module: str, package: str) -> str:
    """`module` spelled relative to `package`, going up to netra_backend.app."""
    below_app = package.split(".")[2:]
    return "." * (len(below_app) + 1) + module.removeprefix("netra_backend.app.")


def _group(n: Names, module: str, needs: list[Need], package: str | None, out: Rendered) -> str:
    names = [need.name for need in needs]
    choices = [style for style, _ in STYLES]
    weights = [weight for _, weight in STYLES]
    if all(need.type_only for need in needs):
        choices.append("type_checking")
        weights.append(35)
    if package is not None and package.startswith("netra_backend.app"):
        choices.append("relative")
        weights.append(6)
    style = n.rng.choices(choices, weights)[0]
    if style == "type_checking":
        out.needs_future = True
        return "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    " + _from_line(
            module, names
        ).replace("\n", "\n    ")
    if style == "relative" and package is not None:
        return _from_line(_relative(module, package), names)
    if style == "paren":
        return _from_line(module, names, paren=True)
    if style == "mixed":
        mixed = names + list(UNRELATED[module])
        n.rng.shuffle(mixed)
        return _from_line(module, mixed, paren=n.rng.random() < 0.5)
    if style == "stale":
        return _from_line(module, [*names, *STALE[module]])
    if style == "alias":
        aliased = [name for name in names if name in NAME_ALIASES]
        if aliased:
            out.renames[aliased[0]] = NAME_ALIASES[aliased[0]]
            spelled = [
                f"{name} as {NAME_ALIASES[name]}" if name == aliased[0] else name for name in names
            ]
            return _from_line(module, spelled)
        return _from_line(module, names)
    if style == "module_alias":
        short = MODULE_ALIASES[module]
        out.renames.update({name: f"{short}.{name}" for name in names})
        return f"import {module} as {short}"
    body = "    " + _from_line(module, names).replace("\n", "\n    ")
    if style == "try_import_error":
        if module == UNIFIED and names == ["UnifiedWebSocketEmitter"]:
            fallback = f"    from {CORE} import WebSocketEventEmitter as UnifiedWebSocketEmitter"
        else:
            fallback = "    " + " = ".join(names) + " = None  # type: ignore[assignment,misc]"
        return f"try:\n{body}\nexcept ImportError:  # older deployments ship without it\n{fallback}"
    if style == "try_other":
        return (
            f"try:\n{body}\nexcept Exception as exc:  # pragma: no cover - fail loudly at startup\n"
            f'    raise RuntimeError("websocket stack is broken") from exc'
        )
    return _from_line(module, names)


COMMENTED_OUT = (
    "# from netra_backend.app.agents.base_agent import BaseAgent  # moved to the supervisor",
    "# from netra_backend.app.websocket_core.unified_emitter import UnifiedWebSocketEmitter",
    "# from netra_backend.app.services.agent_websocket_bridge import (\n"
    "#     AgentWebSocketBridge,\n#     create_agent_websocket_bridge,\n# )",
)


def render(n: Names, needs: list[Need], package: str | None) -> Rendered:
    """Import block for `needs`; `package` is the file's dotted package (None outside one)."""
    out = Rendered("")
    blocks = [_group(n, module, group, package, out) for module, group in merge(needs).items()]
    if n.rng.random() < 0.2:
        blocks.append(n.pick(COMMENTED_OUT))
    out.text = "\n".join(blocks) + "\n"
    return out


def apply_renames(body: str, renames: dict[str, str]) -> str:
    """Respell legacy names in a snippet body; dotted strings (patch targets) are left alone."""
    for name, spelled in renames.items():
        body = re.sub(rf"(?<![\w.]){name}\b", spelled, body)
    return body
