"""A tree's code and where its nodes start, from one codegen pass per tree.

LibCST's PositionProvider records a CodeRange for every node of the tree, which costs
more than parsing it; a stage needs the start of the few nodes it reports. The starts
here are PositionProvider's (after parentheses and leading whitespace; a statement line
starts where its first statement does), which a test checks node by node. The codegen
state opens no generator-based context per node, as LibCST's own does for every node
it prints, so `module_code` is also the cheaper way to print a tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

import libcst as cst
from libcst._nodes.internal import CodegenState

from codemods.memo import per_tree

__all__ = [
    "TreeText",
    "line_col",
    "line_text",
    "module_code",
    "node_offsets",
    "node_positions",
    "tree_text",
]

_NO_CONTEXT = nullcontext()  # stateless: one instance serves every node


@dataclass
class _Plain(CodegenState):
    """Prints a tree, and nothing else."""

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> AbstractContextManager[None]:
        return _NO_CONTEXT


@dataclass
class _Starts(_Plain):
    """Also notes the token index where nodes start: every node (wanted is None) or the
    nodes asked for. A node reached twice keeps its last start, as PositionProvider's."""

    wanted: set[int] | None = None
    starts: dict[int, int] = field(default_factory=dict)  # node id -> token index
    # Token indexes where each statement line (with its comment lines) starts and ends;
    # all-nodes mode only.
    line_starts: dict[int, int] = field(default_factory=dict)
    line_ends: dict[int, int] = field(default_factory=dict)
    # (node, start node): a node that starts where a child does (a statement line: its
    # first statement), settled after the pass since the child is printed inside it.
    links: list[tuple[int, int]] = field(default_factory=list)

    def before_codegen(self, node: cst.CSTNode) -> None:
        if self.wanted is None:
            self.starts[id(node)] = len(self.tokens)
            if type(node) is cst.SimpleStatementLine:
                self.line_starts[id(node)] = len(self.tokens)
        elif id(node) in self.wanted:
            self.starts[id(node)] = len(self.tokens)

    def after_codegen(self, node: cst.CSTNode) -> None:
        if self.wanted is None and type(node) is cst.SimpleStatementLine:
            self.line_ends[id(node)] = len(self.tokens)

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> AbstractContextManager[None]:
        if self.wanted is None or id(node) in self.wanted:
            if start_node is None:
                self.starts[id(node)] = len(self.tokens)
            else:
                if self.wanted is not None:
                    self.wanted.add(id(start_node))
                self.links.append((id(node), id(start_node)))
        return _NO_CONTEXT

    def offsets(self) -> dict[int, int]:
        """Character offset of each start noted, by node id."""
        for node, start in reversed(self.links):  # inner links first
            if start in self.starts:
                self.starts[node] = self.starts[start]
        at = self._char_offsets()
        return {k: at[i] for k, i in self.starts.items()}

    def line_spans(self) -> dict[int, tuple[int, int]]:
        """(start, end) character offsets of each statement line, by node id."""
        at = self._char_offsets()
        last = len(at) - 1  # a module without a final newline pops the last line's
        return {k: (at[self.line_starts[k]], at[min(i, last)]) for k, i in self.line_ends.items()}

    def _char_offsets(self) -> list[int]:
        """The character offset of each token index."""
        at, total = [], 0
        for token in self.tokens:
            at.append(total)
            total += len(token)
        at.append(total)
        return at


def _state(module: cst.Module, indent: Sequence[str] = (), **kw: object) -> _Starts:
    return _Starts(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        indent_tokens=list(indent),
        **kw,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class TreeText:
    """A tree's code, where each of its nodes starts, and each statement line's span
    (from its leading comment lines to its newline)."""

    code: str
    starts: dict[int, int]  # node id -> character offset
    line_spans: dict[int, tuple[int, int]]  # SimpleStatementLine id -> (start, end)


def tree_text(module: cst.Module) -> TreeText:
    """The TreeText of `module`, once per tree: the stages of a scan all read one tree,
    and a stage's input is read for its text, its statement lines and its sites."""

    def compute() -> TreeText:
        state = _state(module)
        module._codegen(state)
        return TreeText("".join(state.tokens), state.offsets(), state.line_spans())

    return per_tree(module, "tree-text", compute)


def module_code(module: cst.Module) -> str:
    """`module.code`, shared with the positions of the same tree."""
    return tree_text(module).code


def node_offsets(
    root: cst.CSTNode, nodes: Iterable[cst.CSTNode], module: cst.Module, indent: Sequence[str] = ()
) -> tuple[str, dict[int, int]]:
    """The code of `root` (inside blocks indented by `indent`) and where each node starts
    in it (character offset), by node id."""
    wanted = {id(n) for n in nodes}
    state = _state(module, indent, wanted=set(wanted))
    root._codegen(state)
    offsets = state.offsets()
    return "".join(state.tokens), {k: v for k, v in offsets.items() if k in wanted}


def node_positions(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> dict[int, tuple[int, int]]:
    """1-based (line, column) of each node of `module` asked for, by node id."""
    tree = tree_text(module)
    return {id(n): line_col(tree.code, tree.starts[id(n)]) for n in nodes if id(n) in tree.starts}


def line_text(text: str, offset: int) -> tuple[str, int]:
    """The line of `text` holding `offset`, and the 1-based column of the offset in it."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end >= 0 else len(text)], offset - start + 1


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
