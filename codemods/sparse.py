"""Sparse parse: hand LibCST only the top-level statements that can matter.

A candidate file is mostly code that names nothing legacy, and LibCST costs the same
for every line it parses, visits and prints. `ast` finds the top-level statements
about ten times faster; each statement that mentions nothing relevant is replaced by
a placeholder string spanning the same lines (its leading comments and blank lines
stay, so LibCST gives every kept statement and placeholder the same leading lines as in
the full parse, and every position is the file's own). After the stages run, the
placeholders are swapped back for the original text byte for byte.

Relevant, iterated to a fixed point: the first statement (docstring), every import,
any statement holding a plan token or legacy method name, any statement naming what
such a statement binds (aliases, derived classes), and any statement binding a name
a kept statement reads (so the resolver sees every binding of a receiver).
Anything unusual returns None and the caller parses the whole file.
"""

from __future__ import annotations

import ast
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codemods.plan import Plan
    from codemods.resolve import ProjectIndex

__all__ = [
    "FULL_PARSE_ENV",
    "Relevance",
    "SparseSource",
    "full_parse_forced",
    "relevance_for",
    "sparse_source",
]

# Set to 1 to parse every file whole (the equivalence tests compare both ways).
FULL_PARSE_ENV = "EMITTER_MIGRATE_FULL_PARSE"

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Below this many lines a file is parsed whole: there is little to save.
MIN_LINES = 60


def full_parse_forced() -> bool:
    return os.environ.get(FULL_PARSE_ENV, "") not in ("", "0")


@dataclass(frozen=True)
class Relevance:
    """What makes a statement relevant: substrings anywhere, or whole identifiers."""

    substrings: tuple[str, ...]
    words: frozenset[str]

    @classmethod
    def of(cls, substrings: Iterable[str], words: Iterable[str]) -> Relevance:
        return cls(tuple(sorted(set(substrings))), frozenset(words))


@dataclass(frozen=True)
class SparseSource:
    text: str  # what to parse: as many lines as the original, so positions match
    original: str
    # (placeholder text with its newline, original statement text with its newline)
    regions: tuple[tuple[str, str], ...]
    placeholder_lines: frozenset[int]
    prefix: str  # what every placeholder starts with, and nothing else in the text

    def line(self, line: int) -> int | None:
        """The line as reported (None if it falls inside a placeholder)."""
        return None if line in self.placeholder_lines else line

    def restore(self, code: str) -> str | None:
        """`code` with each placeholder replaced by its statements; None unless every
        placeholder is there exactly once, in order, starting a line."""
        if not self.regions:
            return code
        found = [m.start() for m in re.finditer(re.escape(self.prefix), code)]
        if len(found) != len(self.regions):
            return None
        pieces: list[str] = []
        cursor = 0
        for at, (marker, original) in zip(found, self.regions, strict=True):
            if not code.startswith(marker, at) or (at > 0 and code[at - 1] != "\n"):
                return None
            pieces += [code[cursor:at], original]
            cursor = at + len(marker)
        pieces.append(code[cursor:])
        return "".join(pieces)

    @property
    def kept_fraction(self) -> float:
        return (len(self.text) - sum(len(m) for m, _ in self.regions)) / max(1, len(self.original))


def _module_binds(stmt: ast.stmt, has_global: bool, has_walrus: bool) -> set[str]:
    """Names a top-level statement binds in the module scope (a small superset);
    `has_global`/`has_walrus`: whether its text holds `global`/`:=` (walking every
    body and value is costly)."""
    out: set[str] = set()
    stack: list[ast.AST] = [stmt]
    # Only targets bind in these (values too, with `:=`): do not walk big values.
    if isinstance(stmt, ast.Assign) and not has_walrus:
        stack = list(stmt.targets)
    elif isinstance(stmt, ast.AnnAssign | ast.AugAssign) and not has_walrus:
        stack = [stmt.target]
    elif isinstance(stmt, ast.Expr) and not has_walrus:
        return out
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            out.add(node.name)
            # Decorators, defaults and bases run in the module scope; the body does
            # not, except for `global` names.
            if has_global:
                out.update(n for g in ast.walk(node) if isinstance(g, ast.Global) for n in g.names)
            outer: list[ast.AST] = list(node.decorator_list)
            if isinstance(node, ast.ClassDef):
                outer += [*node.bases, *(k.value for k in node.keywords)]
            else:
                outer += [*node.args.defaults, *(d for d in node.args.kw_defaults if d)]
            stack.extend(outer)
            continue
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            out.add(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                out.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.add(node.name)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            out.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            out.add(node.rest)
        stack.extend(ast.iter_child_nodes(node))
    return out


def _has_import(stmt: ast.stmt) -> bool:
    """An import statement, or a compound statement holding one outside any def/class."""
    stack: list[ast.AST] = [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            return True
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        stack.extend(c for c in ast.iter_child_nodes(node) if isinstance(c, ast.stmt))
        if isinstance(node, ast.Try | ast.TryStar):
            stack.extend(s for h in node.handlers for s in h.body)
        if isinstance(node, ast.Match):
            stack.extend(s for c in node.cases for s in c.body)
    return False


@dataclass
class _Unit:
    first: int  # 1-based first line of its statements
    last: int  # 1-based last line
    stmts: list[ast.stmt]


def _units(tree: ast.Module, lines: list[str]) -> list[_Unit]:
    units: list[_Unit] = []
    for stmt in tree.body:
        decorators = getattr(stmt, "decorator_list", [])
        first = min([stmt.lineno, *(d.lineno for d in decorators)])
        last = stmt.end_lineno or stmt.lineno
        if units:
            prev = units[-1]
            gap = lines[prev.last : first - 1]
            # Same line (`a; b`), or comments indented under the previous block, which
            # LibCST gives to that block rather than to this statement: keep together.
            if first <= prev.last or any(g.strip() and g[:1] in " \t" for g in gap):
                prev.last = max(prev.last, last)
                prev.stmts.append(stmt)
                continue
        units.append(_Unit(first, last, [stmt]))
    return units


def sparse_source(text: str, relevance: Relevance) -> SparseSource | None:
    """The sparse text for `text`, or None when the whole file should be parsed."""
    if "\r" in text or not text.endswith("\n") or "\x00" in text:
        return None
    lines = text.split("\n")[:-1]
    if len(lines) < MIN_LINES:
        return None
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # the full parse reports it
    units = _units(tree, lines)
    if len(units) < 2:
        return None
    texts = ["\n".join(lines[u.first - 1 : u.last]) for u in units]
    idents = [set(_IDENT.findall(t)) for t in texts]
    binds = [
        set().union(*(_module_binds(s, "global" in t, ":=" in t) for s in u.stmts))
        for u, t in zip(units, texts, strict=True)
    ]
    pure_import = [all(isinstance(s, ast.Import | ast.ImportFrom) for s in u.stmts) for u in units]

    keep = [False] * len(units)
    # Units whose bindings make other units relevant (aliases, derived classes).
    spreads = [False] * len(units)
    for i, t in enumerate(texts):
        if any(s in t for s in relevance.substrings) or idents[i] & relevance.words:
            keep[i] = spreads[i] = True
        elif i == 0 or any(_has_import(s) for s in units[i].stmts):
            keep[i] = True
    relevant: set[str] = set()
    reads: set[str] = set()
    done = [False] * len(units)
    changed = True
    while changed:
        changed = False
        for i in range(len(units)):
            if keep[i] and not done[i]:
                done[i] = True
                if not pure_import[i]:
                    reads |= idents[i]
                if spreads[i]:
                    relevant |= binds[i]
        for i in range(len(units)):
            if keep[i]:
                continue
            if idents[i] & relevant:
                keep[i] = spreads[i] = changed = True
            elif binds[i] & reads:
                keep[i] = changed = True
    if all(keep):
        return None

    nonce = secrets.token_hex(6)
    while nonce in text:
        nonce = secrets.token_hex(6)
    prefix = f'"""__sparse_{nonce}_'
    out: list[str] = []
    regions: list[tuple[str, str]] = []
    placeholders: set[int] = set()
    cursor = 0  # next original line index (0-based) to copy
    for i, unit in enumerate(units):
        if keep[i]:
            continue
        out.extend(lines[cursor : unit.first - 1])
        # A string statement spanning the same lines: one token for LibCST, and every
        # position (and every line number a reason quotes) stays the file's own.
        span = unit.last - unit.first
        marker = f"{prefix}{i}__" + "\n" * span + '"""'
        regions.append((marker + "\n", texts[i] + "\n"))
        out.append(marker)
        placeholders.update(range(unit.first, unit.last + 1))
        cursor = unit.last
    out.extend(lines[cursor:])
    sparse = "\n".join(out) + "\n"
    source = SparseSource(sparse, text, tuple(regions), frozenset(placeholders), prefix)
    if source.restore(sparse) != text:
        return None
    return source


def relevance_for(plan: Plan, project: ProjectIndex | None) -> Relevance:
    """Everything whose mention makes a statement matter to some stage."""
    substrings = [t.decode() for t in plan.prefilter_tokens]
    if project is not None:
        substrings += [t.decode() for t in project.extra_tokens]
    substrings += [plan.target_module, plan.target_class]
    words = set(plan.legacy_method_names)
    words.update(s.name for s in plan.symbols.values())
    words.update(key.rsplit(".", 1)[-1] for key in plan.constructors)
    return Relevance.of(substrings, words)
