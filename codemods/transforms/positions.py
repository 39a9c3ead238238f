"""Where nodes start, from one codegen pass that notes only the nodes asked for.

LibCST's PositionProvider records a CodeRange for every node of the tree, which costs
more than parsing it; a stage needs the start of the few nodes it reports. The starts
here are PositionProvider's (after parentheses and leading whitespace; a statement line
starts where its first statement does), which a test checks node by node.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import libcst as cst
from libcst._nodes.internal import CodegenState

__all__ = ["line_col", "line_text", "node_offsets", "node_positions"]


@dataclass
class _Starts(CodegenState):
    wanted: set[int] = field(default_factory=set)
    starts: dict[int, int] = field(default_factory=dict)  # node id -> token index

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            self.starts[id(node)] = len(self.tokens)

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        if id(node) not in self.wanted:
            yield
        elif start_node is None:
            self.starts[id(node)] = len(self.tokens)
            yield
        else:
            # The node starts where a child does (a statement line: its first statement).
            self.wanted.add(id(start_node))
            yield
            if id(start_node) in self.starts:
                self.starts[id(node)] = self.starts[id(start_node)]


def node_offsets(
    root: cst.CSTNode, nodes: Iterable[cst.CSTNode], module: cst.Module, indent: Sequence[str] = ()
) -> tuple[str, dict[int, int]]:
    """The code of `root` (inside blocks indented by `indent`) and where each node starts
    in it (character offset), by node id."""
    wanted = {id(n) for n in nodes}
    state = _Starts(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        indent_tokens=list(indent),
        wanted=set(wanted),
    )
    root._codegen(state)
    ends, total = [], 0
    for token in state.tokens:
        ends.append(total)
        total += len(token)
    ends.append(total)
    return "".join(state.tokens), {k: ends[i] for k, i in state.starts.items() if k in wanted}


def node_positions(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> dict[int, tuple[int, int]]:
    """1-based (line, column) of each node of `module` asked for, by node id."""
    text, offsets = node_offsets(module, nodes, module)
    return {k: line_col(text, off) for k, off in offsets.items()}


def line_text(text: str, offset: int) -> tuple[str, int]:
    """The line of `text` holding `offset`, and the 1-based column of the offset in it."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end >= 0 else len(text)], offset - start + 1


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
