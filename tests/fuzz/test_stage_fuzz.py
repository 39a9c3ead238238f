"""Realistic generated modules through each stage alone and through the whole chain."""

from __future__ import annotations

import pytest
from hypothesis import given

from tests.fuzz.fragments import GenModule, legacy_modules, plain_modules
from tests.fuzz.harness import STAGES, check_stages, fuzz_settings


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
