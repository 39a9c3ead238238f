"""The fuzz checks themselves: each must fail on the defect it exists to catch."""

from __future__ import annotations

import libcst as cst
import pytest

from codemods.report import AUTO, Site
from codemods.stages import override
from codemods.stages.base import StageCodemod
from tests.fuzz.fragments import PLAN
from tests.fuzz.harness import (
    Outcome,
    check_idempotent,
    check_new_calls_bind,
    check_stages,
    check_valid,
)

Failed = pytest.fail.Exception


def test_output_that_does_not_parse_is_caught() -> None:
    with pytest.raises(Failed, match="does not parse"):
        check_valid("x = 1\n", "x = (1\n", "stage")


def test_output_only_python_3_12_accepts_is_caught() -> None:
    nested_quotes = 'print(f"{d["k"]}")\n'
    cst.parse_module(nested_quotes)  # LibCST alone would let it through
    with pytest.raises(Failed, match="does not compile"):
        check_valid("print(1)\n", nested_quotes, "stage")


def test_a_second_run_that_changes_code_or_still_rewrites_is_caught() -> None:
    with pytest.raises(AssertionError, match="changed it"):
        check_idempotent(Outcome("a\n", []), Outcome("b\n", []), "stage")
    site_run = Outcome("a\n", [Site("p.py", 1, 1, "call", "X.m", AUTO)])
    with pytest.raises(AssertionError, match="auto sites"):
        check_idempotent(Outcome("a\n", []), site_run, "stage")


def test_a_new_unified_call_that_does_not_bind_is_caught() -> None:
    with pytest.raises(Failed, match="does not bind"):
        check_new_calls_bind("x\n", "e.emit_agent_started(bogus=1)\n", "stage")
    with pytest.raises(Failed, match="missing a required argument"):
        check_new_calls_bind("x\n", "e.emit_tool_executing(agent_name='a')\n", "stage")


def test_unified_calls_that_bind_or_were_already_there_pass() -> None:
    check_new_calls_bind("x\n", "e.emit_agent_started(agent_name='a', run_id=r)\n", "stage")
    untouched = "e.emit_agent_started({'agent_name': 'a'})\n"
    check_new_calls_bind(untouched, untouched, "stage")


class _Meddler(StageCodemod):
    """A broken stage: touches every module, legacy or not."""

    name = "imports"

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return updated_node.with_changes(header=[cst.EmptyLine(comment=cst.Comment("# hi"))])


def test_a_stage_that_changes_a_module_without_legacy_use_is_caught() -> None:
    stage = next(s.name for s in PLAN.stages if s.codemod == "imports")
    with override("imports", _Meddler), pytest.raises(AssertionError, match="no legacy use"):
        check_stages("x = 1\n", "app/x.py", [stage], legacy=False)
