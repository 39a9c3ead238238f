"""Arbitrary valid Python (hypothesmith) through every stage, with and without legacy code."""

from __future__ import annotations

import hypothesmith
import libcst as cst
from hypothesis import assume, given

from tests.fuzz.fragments import PLAN, GenModule, spliced
from tests.fuzz.harness import STAGES, check_stages, fuzz_settings

_PATH = "netra_backend/app/services/generated.py"


def _libcst_parses(code: str) -> bool:
    # A few valid programs LibCST refuses (a backslash continuation at the very end); the
    # engine lists those as failed and leaves them alone (test_engine_fuzz.py checks that).
    try:
        cst.parse_module(code)
    except cst.ParserSyntaxError:
        return False
    return True


def _mentions_legacy(code: str) -> bool:
    data = code.encode("utf-8", "surrogatepass")
    return any(token in data for token in PLAN.prefilter_tokens)


def _each_stage_and_chain(code: str, path: str, *, legacy: bool) -> None:
    for stage in STAGES:
        check_stages(code, path, [stage], legacy=legacy)
    check_stages(code, path, STAGES, legacy=legacy)


@fuzz_settings(1.0)
@given(code=hypothesmith.from_grammar())
def test_arbitrary_python_from_the_grammar_passes_every_stage_byte_identical(code: str) -> None:
    assume(not _mentions_legacy(code) and _libcst_parses(code))
    _each_stage_and_chain(code, _PATH, legacy=False)


@fuzz_settings(0.15)
@given(code=hypothesmith.from_node())
def test_arbitrary_python_from_cst_nodes_passes_every_stage_byte_identical(code: str) -> None:
    assume(not _mentions_legacy(code) and _libcst_parses(code))
    _each_stage_and_chain(code, _PATH, legacy=False)


@fuzz_settings(0.5)
@given(module=spliced(hypothesmith.from_grammar()))
def test_legacy_code_spliced_into_arbitrary_python_stays_valid_and_rerun_safe(
    module: GenModule,
) -> None:
    _each_stage_and_chain(module.code, module.path, legacy=True)
