"""A tree's code and where its nodes start, from one codegen pass per tree.

LibCST's PositionProvider records a CodeRange for every node of the tree, which costs
more than parsing it; a stage needs the start of the few nodes it reports. The starts
here are PositionProvider's (after parentheses and leading whitespace; a statement line
starts where its first statement does), which a test checks node by node. The codegen
states are codemods.fastcst.codegen's, which open no context per node.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TypeVar

import libcst as cst

from codemods.fastcst.codegen import NO_CONTEXT, PlainCodegen
from codemods.fastcst.memo import cached, per_tree

__all__ = [
    "TreeText",
    "line_col",
    "line_text",
    "module_code",
    "node_offsets",
    "node_positions",
    "tree_text",
]

_P = TypeVar("_P", bound=PlainCodegen)


@dataclass
class _Wanted(PlainCodegen):
    """Also notes the token index where the nodes asked for start. A node reached twice
    keeps its last start, as with PositionProvider; a block starts at its first line."""

    wanted: set[int] = field(default_factory=set)
    starts: dict[int, int] = field(default_factory=dict)  # node id -> token index
    # (node, start node): a node that starts where a child does (an indented block: its
    # first line), settled after the pass since the child is printed inside it.
    links: list[tuple[int, int]] = field(default_factory=list)

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            self.starts[id(node)] = len(self.tokens)

    def record_syntactic_position(  # type: ignore[override]
        self, node: cst.CSTNode, **where: cst.CSTNode | None
    ) -> AbstractContextManager[None]:
        start_node = where.get("start_node")  # end_node: only starts are noted
        if id(node) in self.wanted:
            if start_node is None:
                self.starts[id(node)] = len(self.tokens)
            else:
                self.wanted.add(id(start_node))
                self.links.append((id(node), id(start_node)))
        return NO_CONTEXT


# Statements whose span TreeText records: lines and compound statements (not their
# clauses: `else`, `except` and the like go with their statement).
SPANNED = frozenset(
    (
        cst.SimpleStatementLine,
        cst.FunctionDef,
        cst.ClassDef,
        cst.If,
        cst.For,
        cst.While,
        cst.With,
        cst.Try,
        cst.TryStar,
        cst.Match,
    )
)


@dataclass
class _Every(PlainCodegen):
    """Notes where every node starts, and where each statement starts (its comment lines
    and decorators included) and ends, as token indexes."""

    starts: dict[int, int] = field(default_factory=dict)
    links: list[tuple[int, int]] = field(default_factory=list)
    statement_starts: dict[int, int] = field(default_factory=dict)
    statement_ends: dict[int, int] = field(default_factory=dict)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts[id(node)] = len(self.tokens)
        if type(node) in SPANNED:
            self.statement_starts[id(node)] = len(self.tokens)

    def after_codegen(self, node: cst.CSTNode) -> None:
        if type(node) in SPANNED:
            self.statement_ends[id(node)] = len(self.tokens)

    def record_syntactic_position(  # type: ignore[override]
        self, node: cst.CSTNode, **where: cst.CSTNode | None
    ) -> AbstractContextManager[None]:
        start_node = where.get("start_node")  # end_node: only starts are noted
        if start_node is None:
            self.starts[id(node)] = len(self.tokens)
        else:
            self.links.append((id(node), id(start_node)))
        return NO_CONTEXT


def _settle(starts: dict[int, int], links: list[tuple[int, int]]) -> None:
    for node, start in reversed(links):  # inner links first
        if start in starts:
            starts[node] = starts[start]


def _char_offsets(tokens: list[str]) -> list[int]:
    """The character offset of each token index (and of the end)."""
    return [0, *accumulate(map(len, tokens))]


def _state(module: cst.Module, kind: type[_P], indent: Sequence[str] = (), **kw: object) -> _P:
    return kind(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        indent_tokens=list(indent),
        **kw,
    )


@dataclass(frozen=True)
class TreeText:
    """A tree's code, where each of its nodes starts, and each statement's span (from
    its leading comment lines to its last newline; see SPANNED)."""

    code: str
    starts: dict[int, int]  # node id -> token index
    offsets: list[int]  # token index -> character offset
    statement_spans: dict[int, tuple[int, int]]  # statement id -> (start, end) chars

    def start(self, node: cst.CSTNode) -> int | None:
        """Character offset where `node` starts (None: not in this tree)."""
        index = self.starts.get(id(node))
        return None if index is None else self.offsets[index]


def tree_text(module: cst.Module) -> TreeText:
    """The TreeText of `module`, once per tree: the stages of a scan all read one tree,
    and a stage's input is read for its text, its statement lines and its sites."""

    def compute() -> TreeText:
        state = _state(module, _Every)
        module._codegen(state)
        _settle(state.starts, state.links)
        at = _char_offsets(state.tokens)
        last = len(at) - 1  # a module without a final newline pops the last line's
        spans = {
            k: (at[state.statement_starts[k]], at[min(i, last)])
            for k, i in state.statement_ends.items()
        }
        return TreeText("".join(state.tokens), state.starts, at, spans)

    return per_tree(module, "tree-text", compute)


def module_code(module: cst.Module) -> str:
    """`module.code`: from its TreeText if one was made, else a plain codegen pass."""
    known = cached(module, "tree-text")
    if isinstance(known, TreeText):
        return known.code
    state = _state(module, PlainCodegen)
    module._codegen(state)
    return "".join(state.tokens)


def node_offsets(
    root: cst.CSTNode, nodes: Iterable[cst.CSTNode], module: cst.Module, indent: Sequence[str] = ()
) -> tuple[str, dict[int, int]]:
    """The code of `root` (inside blocks indented by `indent`) and where each node starts
    in it (character offset), by node id."""
    wanted = {id(n) for n in nodes}
    state = _state(module, _Wanted, indent, wanted=set(wanted))
    root._codegen(state)
    _settle(state.starts, state.links)
    at = _char_offsets(state.tokens)
    return "".join(state.tokens), {k: at[i] for k, i in state.starts.items() if k in wanted}


def node_positions(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> dict[int, tuple[int, int]]:
    """1-based (line, column) of each node of `module` asked for, by node id."""
    tree = tree_text(module)
    found = {id(n): tree.start(n) for n in nodes}
    return {k: line_col(tree.code, at) for k, at in found.items() if at is not None}


def line_text(text: str, offset: int) -> tuple[str, int]:
    """The line of `text` holding `offset`, and the 1-based column of the offset in it."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end >= 0 else len(text)], offset - start + 1


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
