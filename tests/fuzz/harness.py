"""Run generated modules through the codemods and check the three fuzz properties.

1. the output parses (and compiles, when the input compiled);
2. a second run changes nothing and reports no `auto` site;
3. a module with no legacy use comes out byte-identical, with no `auto` site.
"""

from __future__ import annotations

import difflib
import inspect
import re
import warnings
from dataclasses import dataclass
from functools import cache

import libcst as cst
import pytest
from hypothesis import settings

from codemods.analysis.project_index import ProjectIndex, build_index
from codemods.engine import module_name_for
from codemods.report import AUTO, Site
from codemods.stages import CodemodUnavailable, get_codemod
from codemods.stages.base import FileContext, StageCodemod, run_codemod
from target_emitter import UnifiedWebSocketEmitter
from tests.fuzz.fragments import PLAN

STAGES: list[str] = PLAN.stage_names


def fuzz_settings(weight: float = 1.0) -> settings:
    """The active fuzz profile (tests/fuzz/conftest.py), its example count scaled by `weight`."""
    active = settings.get_profile("emitter-fuzz")
    return settings(active, max_examples=max(1, round(active.max_examples * weight)))


def codemod_of(stage: str) -> type[StageCodemod]:
    try:
        return get_codemod(PLAN.stage(stage).codemod)
    except CodemodUnavailable as exc:  # a stage still being written: nothing to fuzz yet
        pytest.skip(f"stage {stage} is not available: {exc}")


@dataclass
class Outcome:
    code: str
    sites: list[Site]

    @property
    def auto(self) -> list[Site]:
        return [s for s in self.sites if s.status == AUTO]


def project_of(files: dict[str, str]) -> ProjectIndex:
    return build_index([(p, t.encode("utf-8", "surrogatepass")) for p, t in files.items()], PLAN)


def run_stages(
    code: str, path: str, stages: list[str], project: ProjectIndex | None = None
) -> Outcome:
    """Chain the named stages over `code` the way the engine does for one file."""
    module = cst.parse_module(code)
    if project is None:
        project = project_of({path: code})
    sites: list[Site] = []
    for stage in stages:
        ctx = FileContext(path, module_name_for(path), PLAN, stage, project)
        module = run_codemod(module, codemod_of(stage), ctx)
        sites += ctx.sites
    return Outcome(module.code, sites)


def _compiles(code: str) -> SyntaxError | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. SyntaxWarning for `1()` in generated code
        try:
            compile(code, "<fuzz>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as exc:
            return exc if isinstance(exc, SyntaxError) else SyntaxError(str(exc))
    return None


def compiles(code: str) -> bool:
    return _compiles(code) is None


def diff(before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), "input", "output"
        )
    )


def check_valid(before: str, after: str, what: str) -> None:
    """`after` parses with LibCST and, if `before` compiled, compiles too."""
    try:
        cst.parse_module(after)
    except Exception as exc:
        pytest.fail(f"{what}: output does not parse: {exc}\n{diff(before, after)}")
    if _compiles(before) is None and (err := _compiles(after)) is not None:
        pytest.fail(
            f"{what}: output does not compile ({err.msg}, line {err.lineno})\n{diff(before, after)}"
        )


@cache
def _unified_signature(name: str) -> inspect.Signature | None:
    member = getattr(UnifiedWebSocketEmitter, name, None)
    if name.startswith("_") or not callable(member):
        return None
    return inspect.signature(member)


class _NewCalls(cst.CSTVisitor):
    """Calls of unified emitter methods whose source text the input did not have."""

    def __init__(self, old: str, new: cst.Module) -> None:
        self.old = _squeeze(old)
        self.new = new
        self.found: list[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and _unified_signature(node.func.attr.value):
            if _squeeze(self.new.code_for_node(node)) not in self.old:
                self.found.append(node)


def _squeeze(code: str) -> str:
    # LibCST may re-render the whitespace inside an untouched node (newline style, indent).
    return re.sub(r"\s+", "", code)


def check_new_calls_bind(before: str, after: str, what: str) -> None:
    """Every call a stage wrote onto a unified method binds that method's signature."""
    module = cst.parse_module(after)
    finder = _NewCalls(before, module)
    module.visit(finder)
    for call in finder.found:
        if any(a.star for a in call.args):
            continue
        assert isinstance(call.func, cst.Attribute)
        sig = _unified_signature(call.func.attr.value)
        assert sig is not None
        positional = [None for a in call.args if a.keyword is None]
        keywords = {a.keyword.value: None for a in call.args if a.keyword is not None}
        is_method = next(iter(sig.parameters), "") == "self"
        try:
            sig.bind(*([None] if is_method else []), *positional, **keywords)
        except TypeError as exc:
            pytest.fail(
                f"{what}: `{module.code_for_node(call)}` does not bind "
                f"UnifiedWebSocketEmitter.{call.func.attr.value}{sig}: {exc}"
            )


def check_idempotent(first: Outcome, again: Outcome, what: str) -> None:
    assert again.code == first.code, (
        f"{what}: a second run changed it:\n{diff(first.code, again.code)}"
    )
    assert not again.auto, f"{what}: a second run still reports auto sites: {again.auto}"


def check_stages(code: str, path: str, stages: list[str], *, legacy: bool) -> Outcome:
    """All three properties for one chain of stages over one module."""
    what = f"{'+'.join(stages)} on {path}"
    first = run_stages(code, path, stages)
    check_valid(code, first.code, what)
    check_new_calls_bind(code, first.code, what)
    if not legacy:
        # Measured against LibCST's own rendering: a few texts (a last line of only spaces)
        # do not survive parse + render even untouched. That is LibCST's, and the engine's
        # to guard; test_engine_fuzz.py checks the bytes on disk.
        baseline = cst.parse_module(code).code
        assert first.code == baseline, (
            f"{what}: a module with no legacy use changed:\n{diff(baseline, first.code)}"
        )
        assert not first.auto, f"{what}: auto sites in a module with no legacy use: {first.auto}"
    again = run_stages(first.code, path, stages)
    check_idempotent(first, again, what)
    return first
