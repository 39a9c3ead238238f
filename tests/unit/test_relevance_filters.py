"""The relevance filters never hide a site, for every registered codemod.

A run looks at less than the whole tree: the byte prefilter drops files that name
nothing of the plan, a codemod may skip a module in `visit_Module` (calls: the resolver's
`mentions_legacy`), and each stage's `statement_tokens` leaves statements unvisited.
(The sparse parse is the third filter; it re-parses a file whole when a site falls in
a placeholder, and test_sparse_equivalence compares it with the full parse.) A filter
that disagrees with what a codemod acts on hides sites without a word, so every
registered codemod is run here over every golden input and the demo application with
no filter, and each site must survive those filters. A new codemod is checked by being
registered.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from codemods.analysis.project_index import build_index, module_name_of
from codemods.plan import Plan, load_plan
from codemods.stages import CODEMODS, get_codemod, module_names_matter
from codemods.stages.base import FileContext, StageCodemod, run_codemod
from tests.trees import golden_and_demo_trees


def _unfiltered(codemod: type[StageCodemod]) -> type[StageCodemod]:
    class Unfiltered(codemod):  # type: ignore[misc, valid-type]
        def statement_tokens(self) -> None:
            return None

        def visit_Module(self, node: cst.Module) -> bool:
            # A codemod may skip a whole module (calls: `mentions_legacy`); here it may not.
            parent = getattr(super(), "visit_Module", None)
            if parent is not None:
                parent(node)
            return True

    return Unfiltered


def _facts(ctx: FileContext) -> list[tuple[int, int, str, str, str, str]]:
    return [(s.line, s.col, s.kind, s.symbol, s.status, s.reason) for s in ctx.sites]


@pytest.mark.parametrize("name", sorted(CODEMODS))
@pytest.mark.parametrize("tree", golden_and_demo_trees(), ids=lambda t: t[0])
def test_no_filter_hides_a_site(name: str, tree: tuple[str, Path, str | None]) -> None:
    _, root, plan_path = tree
    plan: Plan = load_plan(plan_path)
    codemod = get_codemod(name)
    files = {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*.py"))
        if "__pycache__" not in p.parts
    }
    project = build_index(files.items(), plan)
    # The tokens a run of this codemod alone prefilters with.
    file_tokens = (*plan.file_tokens(module_names_matter([name])), *project.extra_tokens)
    checked = 0
    for rel, data in files.items():
        module_name = module_name_of(rel)
        if codemod.edits_definitions != (plan.legacy_module_of(module_name) is not None):
            continue  # the engine never hands this file to this codemod
        try:
            module = cst.parse_module(data)
        except cst.ParserSyntaxError:
            continue  # golden inputs include files that must fail to parse
        whole = FileContext(rel, module_name, plan, name, project)
        run_codemod(module, _unfiltered(codemod), whole)
        if not whole.sites:
            continue
        checked += 1
        if not codemod.edits_definitions:
            assert any(t in data for t in file_tokens), f"{rel}: the prefilter drops it"
        skipping = FileContext(rel, module_name, plan, name, project)
        run_codemod(module, codemod, skipping)
        assert _facts(skipping) == _facts(whole), f"{rel}: statement_tokens hide sites"
    if name in _ACTS_ON.get(tree[0], ()):
        assert checked, f"{name} found nothing in {tree[0]}: the test would prove nothing"


# Trees where a codemod is known to find sites, so the test cannot pass vacuously there.
_ACTS_ON = {
    "demo_app": ("calls", "calls-in-place", "deprecate", "imports"),
    "strings_patch_targets": ("strings",),
    "cleanup_unused_shims": ("cleanup",),
}
