"""Realistic generated modules through each stage alone and through the whole chain."""

from __future__ import annotations

import libcst as cst
import pytest
from hypothesis import given

from codemods.engine import module_name_for
from codemods.stages.base import FileContext
from tests.fuzz.fragments import PLAN, GenModule, legacy_modules, plain_modules
from tests.fuzz.harness import STAGES, check_stages, codemod_of, fuzz_settings, project_of


@pytest.mark.parametrize("stage", STAGES)
@fuzz_settings(0.5)
@given(module=legacy_modules())
def test_each_stage_alone_on_legacy_code_gives_valid_code_that_a_rerun_keeps(
    stage: str, module: GenModule
) -> None:
    check_stages(module.code, module.path, [stage], legacy=True)


@pytest.mark.parametrize("stage", STAGES)
@fuzz_settings(0.25)
@given(module=plain_modules())
def test_each_stage_alone_leaves_code_without_legacy_use_byte_identical(
    stage: str, module: GenModule
) -> None:
    check_stages(module.code, module.path, [stage], legacy=False)


@fuzz_settings(0.75)
@given(module=legacy_modules())
def test_all_stages_chained_on_legacy_code_give_valid_code_that_a_rerun_keeps(
    module: GenModule,
) -> None:
    check_stages(module.code, module.path, STAGES, legacy=True)


@fuzz_settings(0.5)
@given(module=plain_modules())
def test_all_stages_chained_leave_code_without_legacy_use_byte_identical(
    module: GenModule,
) -> None:
    check_stages(module.code, module.path, STAGES, legacy=False)


@pytest.mark.parametrize("stage", STAGES)
@fuzz_settings(0.25)
@given(module=legacy_modules())
def test_each_stage_reads_the_sites_a_run_reports(stage: str, module: GenModule) -> None:
    # A scan reads the tree (no rebuild, leave hooks given the node as read): it must
    # report exactly what rewriting it reports, reasons and positions included.
    tree = cst.parse_module(module.code)
    project = project_of({module.path: module.code})
    sites = []
    for sites_only in (True, False):
        ctx = FileContext(
            module.path, module_name_for(module.path), PLAN, stage, project, sites_only=sites_only
        )
        codemod = codemod_of(stage)(ctx)
        if sites_only:
            codemod.read_sites(tree)
        else:
            tree.visit(codemod)
        sites.append(ctx.sites)
    assert sites[0] == sites[1]
