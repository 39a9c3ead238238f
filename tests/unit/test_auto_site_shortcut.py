"""A codemod that says `edits_only_at_auto_sites` changes nothing where it records no
auto site: the run may then skip its transform. Checked for every registered codemod
that says so, file by file, on every golden input and the demo app, and through the
engine with and without the shortcut."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from codemods.analysis.project_index import build_index, module_name_of
from codemods.engine import run_stages
from codemods.plan import load_plan
from codemods.report import AUTO
from codemods.stages import CODEMODS, get_codemod
from codemods.stages.base import FileContext, run_codemod
from tests.trees import golden_and_demo_trees, report_facts

SHORTCUT = sorted(n for n in CODEMODS if get_codemod(n).edits_only_at_auto_sites)


def test_some_codemod_takes_the_shortcut() -> None:
    assert SHORTCUT == ["calls-in-place"]


@pytest.mark.parametrize("name", SHORTCUT)
@pytest.mark.parametrize("tree", golden_and_demo_trees(), ids=lambda t: t[0])
def test_no_auto_site_means_no_change(name: str, tree: tuple[str, Path, str | None]) -> None:
    _, root, plan_path = tree
    plan = load_plan(plan_path)
    codemod = get_codemod(name)
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.py"))}
    project = build_index(files.items(), plan)
    for rel, data in files.items():
        module_name = module_name_of(rel)
        if plan.legacy_module_of(module_name) is not None:
            continue
        try:
            module = cst.parse_module(data)
        except cst.ParserSyntaxError:
            continue
        probe = FileContext(rel, module_name, plan, name, project, sites_only=True)
        codemod(probe).read_sites(module)
        if any(s.status == AUTO for s in probe.sites):
            continue
        ctx = FileContext(rel, module_name, plan, name, project)
        assert run_codemod(module, codemod, ctx).code == module.code, rel
        assert [(s.line, s.col, s.reason) for s in ctx.sites] == [
            (s.line, s.col, s.reason) for s in probe.sites
        ], rel


@pytest.mark.parametrize("tree", golden_and_demo_trees(), ids=lambda t: t[0])
def test_the_engine_gives_the_same_run_with_and_without_the_shortcut(
    tree: tuple[str, Path, str | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, root, plan_path = tree
    plan = load_plan(plan_path)
    stages = [s.name for s in plan.stages]
    options = {"mode": "diff", "jobs": 1, "root": root, "force": True}
    fast = report_facts(run_stages([root], plan, stages, **options))
    for name in SHORTCUT:
        monkeypatch.setattr(get_codemod(name), "edits_only_at_auto_sites", False)
    slow = report_facts(run_stages([root], plan, stages, **options))
    assert fast == slow
