"""Printing LibCST nodes without LibCST's per-node bookkeeping.

LibCST's CodegenState opens a generator-based context manager for every node it
prints, for the benefit of PositionProvider. `PlainCodegen` opens none, so printing a
node costs about a third less; the text is the same (tests compare it).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import libcst as cst
from libcst._nodes.internal import CodegenState

__all__ = ["PlainCodegen", "node_code"]

NO_CONTEXT: AbstractContextManager[None] = nullcontext()  # stateless: serves every node


@dataclass
class PlainCodegen(CodegenState):
    """Prints a tree, and nothing else."""

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> AbstractContextManager[None]:
        return NO_CONTEXT


def node_code(node: cst.CSTNode) -> str:
    """The source text of a node, as `cst.Module([]).code_for_node(node)` gives it."""
    state = PlainCodegen(default_indent="    ", default_newline="\n")
    node._codegen(state)
    return "".join(state.tokens)
