"""A stage that changes nothing gives back the tree it read, not LibCST's copy of it."""

from __future__ import annotations

import libcst as cst

from codemods.plan import load_plan
from codemods.stages import get_codemod
from codemods.stages.base import FileContext, StageCodemod, run_codemod

SOURCE = "import os\n\nx = legacy(1)\n\n\ndef f(y):\n    return y + 2\n"


def _ctx() -> FileContext:
    return FileContext("m.py", "m", load_plan(), "probe")


class _Reader(StageCodemod):
    """Visits every node and reports one, rewriting nothing."""

    def visit_Call(self, node: cst.Call) -> None:
        self.manual(node, "call", "legacy", "only reported")


class _Renamer(StageCodemod):
    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if original_node.value == "legacy":
            return updated_node.with_changes(value="unified")
        return updated_node


class _NoOpRewrite(StageCodemod):
    """Returns an equal but new node: counted as a change (the check is by identity)."""

    def leave_Integer(self, original_node: cst.Integer, updated_node: cst.Integer) -> cst.Integer:
        return updated_node.with_changes(value=updated_node.value)


def test_a_stage_that_changes_nothing_returns_the_same_tree() -> None:
    module = cst.parse_module(SOURCE)
    ctx = _ctx()
    assert run_codemod(module, _Reader, ctx) is module
    assert [(s.line, s.status) for s in ctx.sites] == [(3, "manual")]


def test_a_stage_that_rewrites_returns_a_new_tree() -> None:
    module = cst.parse_module(SOURCE)
    out = run_codemod(module, _Renamer, _ctx())
    assert out is not module
    assert out.code == SOURCE.replace("legacy", "unified")


def test_a_new_node_equal_to_the_old_still_counts_as_a_change() -> None:
    module = cst.parse_module(SOURCE)
    out = run_codemod(module, _NoOpRewrite, _ctx())
    assert out is not module
    assert out.code == SOURCE


def test_real_stages_with_nothing_to_do_return_the_same_tree() -> None:
    module = cst.parse_module(SOURCE)
    plan = load_plan()
    for stage in plan.stages:
        ctx = FileContext("m.py", "m", plan, stage.name)
        assert run_codemod(module, get_codemod(stage.codemod), ctx) is module, stage.name
