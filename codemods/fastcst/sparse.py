"""Sparse parse: hand LibCST only the statements that can matter.

A candidate file is mostly code that names nothing legacy, and LibCST costs the same
for every line it parses, visits and prints. `ast` finds the statements about ten
times faster; each one that mentions nothing relevant is replaced by a placeholder
spanning the same lines at the same indentation (its leading comments and blank lines
stay, so LibCST gives every kept statement the same leading lines as in the full parse,
and every position is the file's own). Placeholders are string statements, or imports
where they stand for imports, so the import block keeps its shape. After the stages
run, the placeholders are swapped back for the original text byte for byte.

Each block is shaped the same way, from the module down through the bodies of kept
classes and functions. Relevant, iterated to a fixed point within a block: the module
docstring, any statement holding an import that is not a plain import line, `global`
and `nonlocal`, any statement holding a plan token or legacy method name, any
statement naming what such a statement binds (aliases, derived classes; passed down
to inner blocks), and any statement binding a name that a kept statement reads, here
or in an enclosing block (so the resolver sees every binding of a receiver; in a class
body, `self.x = ...` binds `x`). Anything unusual returns None and the caller parses
the whole file.
"""

from __future__ import annotations

import ast
import bisect
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codemods.analysis.project_index import ProjectIndex
    from codemods.plan import Plan

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
    """What makes a statement relevant: substrings anywhere, or whole identifiers.
    `bystanders` keep a statement without making what it binds relevant (a stage
    must see them, but `from typing import TYPE_CHECKING` says nothing about `Any`)."""

    substrings: tuple[str, ...]
    words: frozenset[str]
    bystanders: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, substrings: Iterable[str], words: Iterable[str], bystanders: Iterable[str] = ()
    ) -> Relevance:
        found = tuple(sorted(set(substrings)))
        if any("\n" in s for s in found):
            raise ValueError("a relevance substring must lie on one line")  # see _hit_lines
        return cls(found, frozenset(words), frozenset(bystanders))


@dataclass(frozen=True)
class SparseSource:
    text: str  # what to parse: as many lines as the original, so positions match
    original: str
    # (placeholder text with its newline, original statement text with its newline)
    regions: tuple[tuple[str, str], ...]
    placeholder_lines: frozenset[int]
    prefix: str  # the key every placeholder holds once, and nothing else in the text
    # The original ends without a newline; `text` has one (the shaping reads whole
    # lines), which restoring takes off again.
    added_newline: bool = False

    def line(self, line: int) -> int | None:
        """The line as reported (None if it falls inside a placeholder)."""
        return None if line in self.placeholder_lines else line

    def restore(self, code: str) -> str | None:
        """`code` with each placeholder replaced by its statements; None unless every
        placeholder is there exactly once, in order, starting a line."""
        restored = self._restore(code)
        if restored is None or not self.added_newline:
            return restored
        return restored[:-1] if restored.endswith("\n") else None

    def _restore(self, code: str) -> str | None:
        if not self.regions:
            return code
        found = [m.start() for m in re.finditer(re.escape(self.prefix), code)]
        if len(found) != len(self.regions):
            return None
        pieces: list[str] = []
        cursor = 0
        for at, (marker, original) in zip(found, self.regions, strict=True):
            # A marker is its indentation, then a statement holding the key.
            start = at - marker.index(self.prefix)
            if start < cursor or not code.startswith(marker, start):
                return None
            if start > 0 and code[start - 1] != "\n":
                return None
            pieces += [code[cursor:start], original]
            cursor = start + len(marker)
        pieces.append(code[cursor:])
        return "".join(pieces)


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


def _units(body: list[ast.stmt], lines: list[str], indent: int) -> list[_Unit]:
    """The statements of one block grouped into units that can be replaced alone."""
    units: list[_Unit] = []
    for stmt in body:
        decorators = getattr(stmt, "decorator_list", [])
        first = min([stmt.lineno, *(d.lineno for d in decorators)])
        last = stmt.end_lineno or stmt.lineno
        if units:
            prev = units[-1]
            gap = lines[prev.last : first - 1]
            # Same line (`a; b`), or comments indented under the previous block, which
            # LibCST gives to that block rather than to this statement: keep together.
            if first <= prev.last or any(_deeper(g, indent) for g in gap):
                prev.last = max(prev.last, last)
                prev.stmts.append(stmt)
                continue
        units.append(_Unit(first, last, [stmt]))
    return units


def _deeper(line: str, indent: int) -> bool:
    stripped = line.lstrip(" \t")
    return bool(stripped) and len(line) - len(stripped) > indent


def _inner_body(stmt: ast.stmt, lines: list[str]) -> tuple[list[ast.stmt], int] | None:
    """The body of a def or class and its indentation, when it is an indented block
    (not `def f(): pass` on one line)."""
    if not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return None
    first = stmt.body[0]
    lead = lines[first.lineno - 1][: first.col_offset]
    if first.lineno <= stmt.lineno or lead.strip(" \t") or len(lead) <= stmt.col_offset:
        return None
    return stmt.body, len(lead)


class _AttributeStores:
    """Attribute names assigned in a line range (`self.bridge = ...` in `__init__` types
    `self.bridge` for the other methods). One walk of the file, then a lookup per unit:
    walking each unit's statements again at every block level cost a third of the
    sparse shaping on the real backend. A node lies inside a unit exactly when its
    first line does, since the units of a block cover disjoint whole lines."""

    def __init__(self, tree: ast.Module) -> None:
        found = sorted(
            (node.lineno, node.attr)
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load)
        )
        self.lines = [line for line, _ in found]
        self.names = [name for _, name in found]

    def between(self, first: int, last: int) -> set[str]:
        lo = bisect.bisect_left(self.lines, first)
        hi = bisect.bisect_right(self.lines, last)
        return set(self.names[lo:hi])


_SCOPE_DECLARATIONS = (ast.Global, ast.Nonlocal)


@dataclass
class _Scope:
    """What the enclosing blocks pass down: names whose mention makes a statement
    relevant (aliases, derived classes) and names a kept statement reads."""

    relevant: set[str]
    reads: set[str]


class _Shaper:
    """Chooses what to keep, block by block, and collects the placeholders."""

    def __init__(
        self, text: str, lines: list[str], relevance: Relevance, key: str, tree: ast.Module
    ) -> None:
        self.lines = lines
        self.stores = _AttributeStores(tree)
        self.relevance = relevance
        self.key = key
        self.hits = _hit_lines(text, relevance.substrings)
        self.replaced: list[tuple[_Unit, int, bool]] = []  # unit, indentation, import-shaped

    def shape(self, body: list[ast.stmt], indent: int, scope: _Scope, *, top: bool = False) -> None:
        units = _units(body, self.lines, indent)
        if top and len(units) < 2:
            return
        texts = ["\n".join(self.lines[u.first - 1 : u.last]) for u in units]
        wanted = self.relevance.words | scope.relevant
        binds: list[set[str]] = []
        pure_import: list[bool] = []
        keep = [False] * len(units)
        spreads = [False] * len(units)  # its bindings make other units relevant
        idents: list[set[str] | None] = [None] * len(units)

        def idents_of(i: int) -> set[str]:
            found = idents[i]
            if found is None:
                found = idents[i] = set(_IDENT.findall(texts[i]))
            return found

        for i, (unit, text) in enumerate(zip(units, texts, strict=True)):
            bound = set().union(
                *(_module_binds(s, "global" in text, ":=" in text) for s in unit.stmts)
            )
            if not top:
                bound |= self.stores.between(unit.first, unit.last)
            binds.append(bound)
            pure = all(isinstance(s, ast.Import | ast.ImportFrom) for s in unit.stmts)
            pure_import.append(pure)
            if _any_between(self.hits, unit.first, unit.last) or idents_of(i) & wanted:
                keep[i] = spreads[i] = True
            elif top and i == 0:
                keep[i] = True  # the docstring decides where a new import goes
            elif idents_of(i) & self.relevance.bystanders:
                keep[i] = True
            elif not pure and any(_has_import(s) for s in unit.stmts):
                keep[i] = True
            elif any(isinstance(s, _SCOPE_DECLARATIONS) for s in unit.stmts):
                keep[i] = True
        relevant = set(scope.relevant)
        reads = set(scope.reads)
        done = [False] * len(units)
        changed = True
        while changed:
            changed = False
            for i in range(len(units)):
                if keep[i] and not done[i]:
                    done[i] = True
                    if not pure_import[i]:
                        reads |= idents_of(i)
                    if spreads[i]:
                        relevant |= binds[i]
            for i in range(len(units)):
                if keep[i]:
                    continue
                if relevant and _mentions_any(texts[i], relevant) and idents_of(i) & relevant:
                    keep[i] = spreads[i] = changed = True
                elif binds[i] & reads:
                    keep[i] = changed = True
        readers = [i for i in range(len(units)) if keep[i] and not pure_import[i]]
        for i, unit in enumerate(units):
            if not keep[i]:
                self.replaced.append((unit, indent, pure_import[i]))
                continue
            found = _inner_body(unit.stmts[0], self.lines) if len(unit.stmts) == 1 else None
            if found is None:
                continue
            # What the unit itself reads would keep every binding inside it: only the
            # enclosing blocks and the other kept units count.
            others = set(scope.reads).union(*(idents_of(j) for j in readers if j != i))
            self.shape(found[0], found[1], _Scope(relevant, others))

    def placeholder(self, number: int, unit: _Unit, indent: int, import_shaped: bool) -> str:
        """A statement spanning the unit's lines at its indentation: one token for LibCST
        (or one import, so the import block keeps its shape for where a new import goes),
        and every position (and every line number a reason quotes) stays the file's own."""
        span = unit.last - unit.first
        name = f"{self.key}{number}__"
        pad = self.lines[unit.first - 1][:indent]
        if import_shaped:
            body = f"import {name}" if span == 0 else f"from {name} import (" + "\n" * span + "_)"
        else:
            body = '"""' + name + "\n" * span + '"""'
        return pad + body


def _hit_lines(text: str, substrings: Iterable[str]) -> list[int]:
    """Sorted 1-based numbers of the lines holding any of `substrings` (each on one line):
    one search of the whole text per substring instead of one per statement."""
    hits: set[int] = set()
    for s in substrings:
        at = text.find(s)
        line, counted = 1, 0  # the line number of offset `counted`
        while at != -1:
            line += text.count("\n", counted, at)
            hits.add(line)
            # The rest of this line can only hit the same line again.
            counted = text.find("\n", at)
            if counted == -1:
                break
            at = text.find(s, counted)
    return sorted(hits)


def _any_between(hits: list[int], first: int, last: int) -> bool:
    i = bisect.bisect_left(hits, first)
    return i < len(hits) and hits[i] <= last


def _mentions_any(text: str, names: set[str]) -> bool:
    return any(n in text for n in names)


def sparse_source(text: str, relevance: Relevance) -> SparseSource | None:
    """The sparse text for `text`, or None when the whole file should be parsed."""
    if "\r" in text or "\x00" in text or not text:
        return None
    # Most files of a real tree may end without a newline (95% of the real backend's
    # candidates did): shape the text with one, and take it off when restoring.
    original = text
    added_newline = not text.endswith("\n")
    if added_newline:
        text += "\n"
    lines = text.split("\n")[:-1]
    if len(lines) < MIN_LINES:
        return None
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # the full parse reports it
    nonce = secrets.token_hex(6)
    while nonce in text:
        nonce = secrets.token_hex(6)
    shaper = _Shaper(text, lines, relevance, f"__sparse_{nonce}_", tree)
    shaper.shape(tree.body, 0, _Scope(set(), set()), top=True)
    if not shaper.replaced:
        return None
    out: list[str] = []
    regions: list[tuple[str, str]] = []
    placeholders: set[int] = set()
    cursor = 0  # next original line index (0-based) to copy
    for number, (unit, indent, import_shaped) in enumerate(
        sorted(shaper.replaced, key=lambda r: r[0].first)
    ):
        out.extend(lines[cursor : unit.first - 1])
        marker = shaper.placeholder(number, unit, indent, import_shaped)
        regions.append((marker + "\n", "\n".join(lines[unit.first - 1 : unit.last]) + "\n"))
        out.append(marker)
        placeholders.update(range(unit.first, unit.last + 1))
        cursor = unit.last
    out.extend(lines[cursor:])
    sparse = "\n".join(out) + "\n"
    source = SparseSource(
        sparse, original, tuple(regions), frozenset(placeholders), shaper.key, added_newline
    )
    if source.restore(sparse) != original:
        return None
    return source


def relevance_for(plan: Plan, project: ProjectIndex | None, module_names: bool = True) -> Relevance:
    """Everything whose mention makes a statement matter to some stage; the legacy
    modules' names only when a stage of the run acts on them (`Plan.file_tokens`)."""
    substrings = [t.decode() for t in plan.file_tokens(module_names)]
    if project is not None:
        substrings += [t.decode() for t in project.extra_tokens]
    substrings += [plan.target_module, plan.target_class]
    if module_names:
        substrings += [*plan.legacy_modules, *(api.shim_module for api in plan.apis.values())]
    words = set(plan.legacy_method_names)
    words.update(s.name for s in plan.symbols.values())
    words.update(key.rsplit(".", 1)[-1] for key in plan.constructors)
    # Names a stage may add to the module (a binding of one elsewhere must be seen),
    # and what decides how annotations are read.
    bystanders = {m.target.split(".")[0] for m in plan.constructors.values() if m.target}
    bystanders.update(api.shim_module.split(".")[0] for api in plan.apis.values())
    bystanders.update(("TYPE_CHECKING", "__future__", "annotations"))
    return Relevance.of(substrings, words, bystanders)
