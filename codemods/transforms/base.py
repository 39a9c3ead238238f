"""What every codemod gets and gives: the per-file context and the runner.

A codemod is a LibCST transformer class, one per module in this package, built
with a FileContext. It returns the rewritten tree and records Sites on the
context: `auto` for what it rewrote (or would rewrite), `manual` with a reason
for what it refuses to touch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from codemods.memo import per_tree
from codemods.report import AUTO, MANUAL, Site

if TYPE_CHECKING:
    from codemods.plan import Plan
    from codemods.resolve import ProjectIndex


@dataclass
class FileContext:
    path: str  # root-relative posix path, as reported
    module_name: str | None  # dotted module name guessed from the path (for relative imports)
    plan: Plan
    stage: str  # name of the stage being run
    project: ProjectIndex | None = None  # cross-file facts (legacy-derived classes)
    sites: list[Site] = field(default_factory=list)


class StageCodemod(cst.CSTTransformer):
    """Base for the codemods: site recording, with positions computed only once a site
    is recorded (PositionProvider costs more than the parse itself, and most files a
    stage visits give it nothing to report)."""

    name: ClassVar[str] = ""  # the `codemod` value a plan stage names

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.plan = ctx.plan
        self._root: cst.Module | None = None
        self._positions: Mapping[cst.CSTNode, CodeRange] | None = None

    def on_visit(self, node: cst.CSTNode) -> bool:
        # The first node visited is the tree positions refer to, whatever visit_Module does.
        if self._root is None and isinstance(node, cst.Module):
            self._root = node
        return super().on_visit(node)

    def position(self, node: cst.CSTNode) -> tuple[int, int]:
        """1-based line and column of a node of the tree given to start(); (0, 0) for a
        node this codemod built."""
        if self._positions is None:
            if self._root is None:
                return (0, 0)
            root = self._root
            self._positions = per_tree(
                root,
                "positions",
                lambda: MetadataWrapper(root, unsafe_skip_copy=True).resolve(PositionProvider),
            )
        rng = self._positions.get(node)
        return (rng.start.line, rng.start.column + 1) if rng is not None else (0, 0)

    def report(
        self, node: cst.CSTNode, kind: str, symbol: str, status: str, reason: str = ""
    ) -> None:
        line, col = self.position(node)
        self.ctx.sites.append(
            Site(self.ctx.path, line, col, kind, symbol, status, reason, self.ctx.stage)
        )

    def auto(self, node: cst.CSTNode, kind: str, symbol: str, reason: str = "") -> None:
        self.report(node, kind, symbol, AUTO, reason)

    def manual(self, node: cst.CSTNode, kind: str, symbol: str, reason: str) -> None:
        self.report(node, kind, symbol, MANUAL, reason)


def run_codemod(module: cst.Module, codemod: type[StageCodemod], ctx: FileContext) -> cst.Module:
    """Apply one codemod; positions refer to `module` as given."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    return wrapper.visit(codemod(ctx))
