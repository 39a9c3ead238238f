"""What every codemod gets and gives: the per-file context and the runner.

A codemod is a LibCST transformer class, one per module in this package, built
with a FileContext. It returns the rewritten tree and records Sites on the
context: `auto` for what it rewrote (or would rewrite), `manual` with a reason
for what it refuses to touch.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, ClassVar

import libcst as cst

from codemods.fastcst.dispatch import FastTransformer, read_tree
from codemods.fastcst.positions import SPANNED, TreeText, node_positions, tree_text
from codemods.report import AUTO, MANUAL, Site

if TYPE_CHECKING:
    from codemods.analysis.project_index import ProjectIndex
    from codemods.plan import Plan


@dataclass
class FileContext:
    path: str  # root-relative posix path, as reported
    module_name: str | None  # dotted module name guessed from the path (for relative imports)
    plan: Plan
    stage: str  # name of the stage being run
    project: ProjectIndex | None = None  # cross-file facts (legacy-derived classes)
    sites: list[Site] = field(default_factory=list)
    # Only sites are wanted (scan): work that only shapes the output may be skipped.
    sites_only: bool = False


@functools.lru_cache(maxsize=16)
def _finder(tokens: frozenset[str]) -> re.Pattern[str]:
    """A pattern for any of `tokens` (a stage's set is the same for every file)."""
    alternatives = sorted(tokens, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alternatives)) or "(?!)")


class StageCodemod(FastTransformer):
    """Base for the codemods: site recording. A site's position is filled in when the
    stage leaves the module, for all its sites in one cheap pass (see
    codemods.fastcst.positions), since most files give a stage few sites."""

    name: ClassVar[str] = ""  # the `codemod` value a plan stage names
    # True: runs only on the plan's legacy modules (and no other codemod does).
    edits_definitions: ClassVar[bool] = False
    # True: it changes a file only where it records an auto site, so a run may read its
    # sites first and skip the transform where there is none (see run.process).
    # tests/unit/test_auto_site_shortcut.py checks each codemod that says so.
    edits_only_at_auto_sites: ClassVar[bool] = False

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.plan = ctx.plan
        self._root: cst.Module | None = None
        self.site_nodes: dict[int, cst.CSTNode] = {}  # id(site not yet placed) -> its node
        self._finder: re.Pattern[str] | None = None  # see statement_tokens
        self._finder_asked = False
        self._text: TreeText | None = None  # of the visited tree, once a finder needs it
        self._passed: set[int] = set()  # ids of the statement lines left unvisited
        self._changed = False  # some hook returned other than the node it was given

    def statement_tokens(self) -> Iterable[str] | None:
        """Strings one of which is in the text (comment lines included) of every statement
        this stage may rewrite or report: a statement line, or a whole compound statement
        (decorators and body included), holding none is not visited, so hooks on a
        compound statement must matter only for what is inside it.
        None: visit everything.

        This is one of the filters a new codemod must agree with; the others are the
        byte prefilter (`Plan.prefilter_tokens` and the project index's extra tokens: a
        file naming none is never parsed) and the sparse parse (`relevance_for`: which
        statements stay parsed). tests/unit/test_relevance_filters.py runs every
        registered codemod with and without them and fails on a site they hide."""
        return None

    def on_visit(self, node: cst.CSTNode) -> bool:
        # The first node visited is the tree positions refer to, whatever visit_Module does.
        if self._root is None and isinstance(node, cst.Module):
            self._root = node
        elif type(node) in SPANNED and self._passes_over(node):
            return False
        return super().on_visit(node)

    def _passes_over(self, statement: cst.CSTNode) -> bool:
        """Whether to leave a statement unvisited: no hook would act in it. Its leave
        hooks are skipped too, so a stage's visit/leave bookkeeping stays paired."""
        if not self._finder_asked:
            self._finder_asked = True
            tokens = self.statement_tokens()
            if tokens is not None and self._root is not None:
                self._finder = _finder(frozenset(tokens))
                self._text = tree_text(self._root)
        if self._finder is None or self._text is None:
            return False
        span = self._text.statement_spans.get(id(statement))
        if span is None or self._finder.search(self._text.code, *span):
            return False
        self._passed.add(id(statement))
        return True

    def on_leave(
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        if self._passed and id(original_node) in self._passed:
            return updated_node
        result = super().on_leave(original_node, updated_node)
        if result is not updated_node:
            self._changed = True
        if original_node is self._root:
            if self.site_nodes:
                self.place_sites([])
            if not self._changed:
                # LibCST rebuilt every node visited; giving back the very tree read lets
                # the next stage reuse what was computed for it (its text, positions).
                return original_node
        return result

    def read_sites(self, module: cst.Module) -> None:
        """Record the sites of `module` without building its rewritten tree (scan):
        the same hooks in the same order as a visit, each leave hook given the node
        as read, so no node is copied; what the hooks return is dropped."""
        read_tree(module, self.on_visit, self._leave_as_read, self._visit_whole)

    def _leave_as_read(self, node: cst.CSTNode) -> None:
        self.on_leave(node, node)

    def positions(self, nodes: list[cst.CSTNode]) -> dict[int, tuple[int, int]]:
        """1-based (line, column) by node id of nodes of the visited tree (absent: a node
        this codemod built)."""
        if self._root is None or not nodes:
            return {}
        return node_positions(self._root, nodes)

    def place_sites(self, extra: list[cst.CSTNode]) -> dict[int, tuple[int, int]]:
        """Give the sites recorded so far their positions; returns those of `extra` too."""
        where = self.positions([*self.site_nodes.values(), *extra])
        placed = []
        for site in self.ctx.sites:
            node = self.site_nodes.get(id(site))
            if node is not None and id(node) in where:
                line, col = where[id(node)]
                site = replace(site, line=line, col=col)
            placed.append(site)
        self.ctx.sites[:] = placed
        self.site_nodes.clear()
        return where

    def report(
        self, node: cst.CSTNode, kind: str, symbol: str, status: str, reason: str = ""
    ) -> None:
        site = Site(self.ctx.path, 0, 0, kind, symbol, status, reason, self.ctx.stage)
        self.site_nodes[id(site)] = node
        self.ctx.sites.append(site)

    def auto(self, node: cst.CSTNode, kind: str, symbol: str, reason: str = "") -> None:
        self.report(node, kind, symbol, AUTO, reason)

    def manual(self, node: cst.CSTNode, kind: str, symbol: str, reason: str) -> None:
        self.report(node, kind, symbol, MANUAL, reason)


def run_codemod(module: cst.Module, codemod: type[StageCodemod], ctx: FileContext) -> cst.Module:
    """Apply one codemod; positions refer to `module` as given. (No codemod declares LibCST
    metadata: positions come from codemods.fastcst.positions, so no MetadataWrapper.)"""
    return module.visit(codemod(ctx))
