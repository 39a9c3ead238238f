"""What every codemod gets and gives: the per-file context and the runner.

A codemod is a LibCST transformer class, one per module in this package, built
with a FileContext. It returns the rewritten tree and records Sites on the
context: `auto` for what it rewrote (or would rewrite), `manual` with a reason
for what it refuses to touch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

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
    """Base for the codemods: position lookup and site recording."""

    METADATA_DEPENDENCIES = (PositionProvider,)
    name: ClassVar[str] = ""  # the `codemod` value a plan stage names

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.plan = ctx.plan

    def position(self, node: cst.CSTNode) -> tuple[int, int]:
        try:
            rng: CodeRange = self.get_metadata(PositionProvider, node)
        except KeyError:  # a node built by this codemod has no position
            return (0, 0)
        return rng.start.line, rng.start.column + 1

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
