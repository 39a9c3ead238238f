"""The plan's dotted names, and the cross-file class index, without LibCST.

`PlanNames` holds the dotted paths the plan knows. `build_index` is a regex pass over
file bytes (no parse) that finds classes deriving, directly or through other project
classes, from a legacy class. Nothing here imports LibCST, so a run whose every file
is answered from the cache never loads it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from codemods.plan import Plan

__all__ = [
    "UNIFIED",
    "PlanNames",
    "ProjectIndex",
    "build_index",
    "module_name_of",
    "resolve_relative",
]

UNIFIED = "unified"


# ------------------------------------------------------------ plan tables ----
@dataclass(frozen=True)
class PlanNames:
    """Dotted paths the plan knows, legacy and shim alike."""

    classes: dict[str, str]  # dotted class (legacy or shim) -> api id, or UNIFIED
    callables: dict[str, tuple[str, str | None]]  # dotted callee -> (constructors key, api made)
    symbols: dict[str, str]  # dotted (legacy or shim) -> legacy dotted symbol
    modules: dict[str, list[str]]  # legacy or shim module -> names it exports

    @classmethod
    def of(cls, plan: Plan) -> PlanNames:
        cached = _NAMES.get(plan.digest)
        if cached is not None:
            return cached
        classes: dict[str, str] = {}
        symbols: dict[str, str] = {}
        modules: dict[str, list[str]] = {}
        for sym in plan.symbols.values():
            for dotted in (sym.dotted, sym.shim):
                symbols[dotted] = sym.dotted
                module, name = dotted.rsplit(".", 1)
                modules.setdefault(module, []).append(name)
                if sym.kind == "class":
                    classes[dotted] = sym.api
        target = f"{plan.target_module}.{plan.target_class}"
        classes[target] = UNIFIED
        callables: dict[str, tuple[str, str | None]] = {}
        aliases: dict[str, tuple[str, str | None]] = {}
        for key in plan.constructors:
            owner = key if key in plan.symbols else key.rsplit(".", 1)[0]
            sym = plan.symbols.get(owner)
            if sym is None:
                continue
            made = None if sym.kind == "function" else sym.api
            callables[key] = (key, made)
            # Every path that re-exports the same shim name builds the same thing.
            for other in plan.symbols.values():
                if other.shim == sym.shim:
                    aliases.setdefault(other.dotted + key[len(owner) :], (key, made))
            aliases.setdefault(sym.shim + key[len(owner) :], (key, made))
        for alias, hit in aliases.items():
            callables.setdefault(alias, hit)
        for key, dotted in list(classes.items()):
            if dotted != UNIFIED and key not in callables:
                callables[key] = (key, dotted)
        names = cls(classes, callables, symbols, modules)
        _NAMES[plan.digest] = names
        return names

    def target_callable(self, plan: Plan, dotted: str) -> bool:
        """Whether calling `dotted` builds a unified emitter."""
        target = f"{plan.target_module}.{plan.target_class}"
        return dotted in (target, f"{target}.from_context")


_NAMES: dict[str, PlanNames] = {}


# ---------------------------------------------------------- project index ----
@dataclass(frozen=True)
class ProjectIndex:
    """Cross-file facts: project classes that derive from a legacy class.

    derived: class name -> API id (or UNIFIED) for names every definition agrees on;
    ambiguous: class name -> reason, for names defined more than once with different
    ancestry, so `self` in them (or their subclasses) is not typed.
    """

    derived: Mapping[str, str] = field(default_factory=dict)
    ambiguous: Mapping[str, str] = field(default_factory=dict)
    extra_tokens: tuple[bytes, ...] = ()
    digest: str = ""
    # legacy method name -> (path, line, places): where code other than a plain call
    # names it (a mock, a fake's `def`, a patch or hasattr string); see stand_ins_in.
    stand_ins: Mapping[str, tuple[str, int, int]] = field(default_factory=dict)


_CLASS_RE = re.compile(
    r"^[ \t]*class[ \t]+(\w+)[ \t]*(?:\[[^\]\n]*\])?[ \t]*(?:\(([^)]*)\))?[ \t]*:", re.M
)
_FROM_RE = re.compile(
    r"^[ \t]*from[ \t]+(\.*)[ \t]*([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|(?:[^\n\\]|\\\n)*)", re.M
)
_IMPORT_RE = re.compile(r"^[ \t]*import[ \t]+((?:[^\n\\;]|\\\n)*)", re.M)
_COMMENT_RE = re.compile(r"#[^\n]*")
_AMBIGUOUS = "?"


def module_name_of(relpath: str) -> str:
    """Dotted module name of a root-relative path (`a/b/__init__.py` -> `a.b`)."""
    parts = relpath.removesuffix(".py").split("/")
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(p for p in parts if p)


def resolve_relative(module_name: str | None, is_package: bool, level: int, rest: str) -> str:
    """Absolute module of `from <level dots><rest> import ...` written in `module_name`."""
    parts = (module_name or "").split(".") if module_name else []
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    return ".".join([*parts, *([rest] if rest else [])])


def _split_top(text: str) -> list[str]:
    """Split on commas outside brackets."""
    out, depth, buf = [], 0, []
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    out.append("".join(buf))
    return [s.strip() for s in out if s.strip()]


def _file_imports(text: str, module: str, is_package: bool, names: PlanNames) -> dict[str, str]:
    imports: dict[str, str] = {}
    for m in _FROM_RE.finditer(text):
        dots, rest, what = m.group(1), m.group(2), m.group(3)
        src = resolve_relative(module, is_package, len(dots), rest) if dots else rest
        what = _COMMENT_RE.sub("", what).replace("\\\n", " ").strip("() \t\n")
        for item in _split_top(what):
            if item == "*":
                for name in names.modules.get(src, ()):
                    imports.setdefault(name, f"{src}.{name}")
                continue
            name, _, alias = item.partition(" as ")
            imports[(alias or name).strip()] = f"{src}.{name.strip()}"
    for m in _IMPORT_RE.finditer(text):
        for item in _split_top(_COMMENT_RE.sub("", m.group(1)).replace("\\\n", " ")):
            name, _, alias = item.partition(" as ")
            name = name.strip()
            if alias:
                imports[alias.strip()] = name
            else:
                imports[name.split(".")[0]] = name.split(".")[0]
    return imports


def _base_names(bases: str) -> list[str]:
    out = []
    for item in _split_top(_COMMENT_RE.sub("", bases)):
        if "=" in item.replace("==", "") or item.startswith("*"):
            continue  # metaclass=..., **kwargs
        out.append(re.sub(r"\[.*", "", item, flags=re.S).strip())
    return [b for b in out if re.fullmatch(r"[\w.]+", b)]


def _method_finder(plan: Plan) -> re.Pattern[str] | None:
    names = sorted((m for m in plan.legacy_method_names if "_" in m), key=len, reverse=True)
    if not names:
        return None
    return re.compile(r"(?<![\w])(" + "|".join(map(re.escape, names)) + r")(?!\w)")


def stand_ins_in(text: str, finder: re.Pattern[str]) -> list[tuple[str, int]]:
    """(method, line) for each legacy method name in `text` (comments removed) that is not
    a plain call `.method(`: what stands in for the method or names it elsewhere."""
    out = []
    for m in finder.finditer(text):
        before = text[: m.start()].rstrip(" \t")
        after = text[m.end() :].lstrip(" \t")
        if before.endswith(".") and after.startswith("("):
            continue
        out.append((m.group(1), text.count("\n", 0, m.start()) + 1))
    return out


def build_index(items: Iterable[tuple[str, bytes]], plan: Plan) -> ProjectIndex:
    """Index the classes of the given files (root-relative path, bytes) by legacy ancestry."""
    names = PlanNames.of(plan)
    # (path, class name, [(dotted base or None, base name)])
    defs: list[tuple[str, str, list[tuple[str | None, str]]]] = []
    finder = _method_finder(plan)
    stand_ins: dict[str, tuple[str, int, int]] = {}
    for relpath, data in items:
        module = module_name_of(relpath)
        if plan.legacy_module_of(module) is not None:
            continue  # the legacy definitions themselves are seeds, not project classes
        # Comments may hold brackets; strings rarely hold `#` on class or import lines.
        text = _COMMENT_RE.sub("", data.decode("latin-1"))
        if finder is not None:
            for method, line in stand_ins_in(text, finder):
                path, first, places = stand_ins.get(method, (relpath, line, 0))
                stand_ins[method] = (path, first, places + 1)
        if "class" not in text:
            continue
        imports = _file_imports(text, module, relpath.endswith("__init__.py"), names)
        for m in _CLASS_RE.finditer(text):
            bases = []
            for base in _base_names(m.group(2) or ""):
                root = base.split(".")[0]
                dotted = imports[root] + base[len(root) :] if root in imports else None
                bases.append((dotted, base.rsplit(".", 1)[-1]))
            defs.append((relpath, m.group(1), bases))

    status: list[str | None] = [None] * len(defs)

    def by_name() -> dict[str, str | None]:
        seen: dict[str, set[str | None]] = {}
        for (_, name, _), st in zip(defs, status, strict=True):
            seen.setdefault(name, set()).add(st)
        return {n: (s.pop() if len(s) == 1 else _AMBIGUOUS) for n, s in seen.items()}

    for _ in range(len(defs) + 1):
        named = by_name()
        changed = False
        for i, (_, _, bases) in enumerate(defs):
            new = None
            for dotted, base in bases:
                seed = names.classes.get(dotted) if dotted else None
                st = seed or named.get(base)
                if st is not None and st != _AMBIGUOUS:
                    new = st
                    break
                if st == _AMBIGUOUS:
                    new = _AMBIGUOUS
            if new != status[i]:
                status[i], changed = new, True
        if not changed:
            break

    named = by_name()
    derived = {n: s for n, s in named.items() if s is not None and s != _AMBIGUOUS}
    ambiguous: dict[str, str] = {}
    for name in sorted(n for n, s in named.items() if s == _AMBIGUOUS):
        places = sorted({p for p, n, _ in defs if n == name})
        ambiguous[name] = (
            f"class `{name}` is defined more than once in the project ({', '.join(places)}) and "
            "not every definition derives from the same legacy class, so the tool cannot tell "
            "which one this is: rename one of them, or rewrite this call by hand"
        )
    # Relative to the tokens every run uses, so a derived name is a token in every run.
    plan_tokens = plan.name_tokens
    extra = tuple(
        sorted(
            n.encode()
            for n in {*derived, *ambiguous}
            if not any(t in n.encode() for t in plan_tokens)
        )
    )
    facts = (sorted(derived.items()), sorted(ambiguous), sorted(stand_ins.items()))
    digest = hashlib.sha256(repr(facts).encode()).hexdigest()
    return ProjectIndex(derived, ambiguous, extra, digest, stand_ins)
