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

__all__ = ["line_col", "line_text", "module_code", "node_offsets", "node_positions"]

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
    # (node, start node): a node that starts where a child does (a statement line: its
    # first statement), settled after the pass since the child is printed inside it.
    links: list[tuple[int, int]] = field(default_factory=list)

    def before_codegen(self, node: cst.CSTNode) -> None:
        if self.wanted is None or id(node) in self.wanted:
            self.starts[id(node)] = len(self.tokens)

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
        ends, total = [], 0
        for token in self.tokens:
            ends.append(total)
            total += len(token)
        ends.append(total)
        return {k: ends[i] for k, i in self.starts.items()}


def _state(module: cst.Module, indent: Sequence[str] = (), **kw: object) -> _Starts:
    return _Starts(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        indent_tokens=list(indent),
        **kw,  # type: ignore[arg-type]
    )


def _code_and_starts(module: cst.Module) -> tuple[str, dict[int, int]]:
    """The module's code and the start of every node in it, once per tree: the stages of
    a scan all read one tree, and a stage's input is read for its text and its sites."""

    def compute() -> tuple[str, dict[int, int]]:
        state = _state(module)
        module._codegen(state)
        return "".join(state.tokens), state.offsets()

    return per_tree(module, "code-and-starts", compute)


def module_code(module: cst.Module) -> str:
    """`module.code`, shared with the positions of the same tree."""
    return _code_and_starts(module)[0]


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
    text, starts = _code_and_starts(module)
    return {id(n): line_col(text, starts[id(n)]) for n in nodes if id(n) in starts}


def line_text(text: str, offset: int) -> tuple[str, int]:
    """The line of `text` holding `offset`, and the 1-based column of the offset in it."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end >= 0 else len(text)], offset - start + 1


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
