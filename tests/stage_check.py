"""One way for stage tests to run a codemod on source text and compare exact text."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import libcst as cst

from codemods.analysis.project_index import ProjectIndex
from codemods.plan import Plan
from codemods.report import AUTO, MANUAL, Site
from codemods.stages.base import FileContext, StageCodemod, run_codemod

# The module name a test file gets unless it names one: its path's.
FROM_PATH = "<from path>"


@dataclass
class StageResult:
    code: str
    sites: list[Site]

    def manual(self) -> list[Site]:
        return [s for s in self.sites if s.status == MANUAL]

    def auto(self) -> list[Site]:
        return [s for s in self.sites if s.status == AUTO]


def source_text(text: str) -> str:
    """Test source as written in a triple-quoted string: dedented, first newline dropped."""
    return textwrap.dedent(text).removeprefix("\n")


def run_stage(
    codemod: type[StageCodemod],
    plan: Plan,
    source: str,
    *,
    stage: str,
    path: str = "app/mod.py",
    module: str | None = FROM_PATH,
    project: ProjectIndex | None = None,
) -> StageResult:
    """Run `codemod` on `source`; check that the output parses and that a second run
    changes nothing and rewrites nothing. `module` None: a file with no module name."""
    text = source_text(source)
    if module == FROM_PATH:
        module = path.removesuffix(".py").replace("/", ".")
    ctx = FileContext(path, module, plan, stage, project)
    out = run_codemod(cst.parse_module(text), codemod, ctx).code
    again_ctx = FileContext(path, module, plan, stage, project)
    again = run_codemod(cst.parse_module(out), codemod, again_ctx).code
    assert again == out, "a second run changed the code"
    assert [s for s in again_ctx.sites if s.status == AUTO] == [], again_ctx.sites
    return StageResult(out, ctx.sites)


def assert_stage(
    codemod: type[StageCodemod],
    plan: Plan,
    before: str,
    after: str,
    *,
    stage: str,
    sites: list[tuple[str, str, str]] | None = None,
    path: str = "app/mod.py",
    module: str | None = FROM_PATH,
    project: ProjectIndex | None = None,
) -> StageResult:
    """`before` through the stage gives exactly `after` (both dedented), and, when given,
    exactly these sites as (kind, symbol, status)."""
    result = run_stage(
        codemod, plan, before, stage=stage, path=path, module=module, project=project
    )
    assert result.code == source_text(after)
    if sites is not None:
        assert [(s.kind, s.symbol, s.status) for s in result.sites] == sites
    return result
