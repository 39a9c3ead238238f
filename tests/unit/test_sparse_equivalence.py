"""The sparse parse reports the same sites and writes the same bytes as the full parse.

Each tree is run twice through the engine, once with EMITTER_MIGRATE_FULL_PARSE=1, and
every site (path, line, col, kind, symbol, status, reason, stage), error and diff must
be equal. MIN_LINES is lowered so that small files are parsed sparsely too.
"""

from __future__ import annotations

import ast
import shutil
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import codemods.fastcst.sparse as sparse
from codemods.engine import run_stages
from codemods.fastcst.sparse import FULL_PARSE_ENV, relevance_for, sparse_source
from codemods.plan import load_plan
from tests.test_golden import case_plan_path
from tests.trees import report_facts

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden"
DEMO = REPO / "codemods" / "demo_app"


def _both(
    monkeypatch: pytest.MonkeyPatch, tree: Path, **options: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    monkeypatch.setattr(sparse, "MIN_LINES", 0)
    monkeypatch.setenv(FULL_PARSE_ENV, "1")
    full = report_facts(run_stages([tree], jobs=1, root=tree, **options))
    monkeypatch.delenv(FULL_PARSE_ENV)
    fast = report_facts(run_stages([tree], jobs=1, root=tree, **options))
    return full, fast


def _golden_cases() -> list[Path]:
    return sorted(p.parent for p in GOLDEN.glob("*/case.toml"))


@pytest.mark.parametrize("mode", ["scan", "diff"])
@pytest.mark.parametrize("case", _golden_cases(), ids=lambda p: p.name)
def test_golden_inputs_give_the_same_result_sparse_and_full(
    case: Path, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tomllib.loads((case / "case.toml").read_text())
    plan = load_plan(case_plan_path(case, spec))
    full, fast = _both(
        monkeypatch,
        case / "input",
        plan=plan,
        stages=spec["stages"],
        mode=mode,
        force=spec.get("force", True),
    )
    assert fast == full


@pytest.mark.parametrize("mode", ["scan", "diff"])
def test_demo_app_gives_the_same_result_sparse_and_full(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    full, fast = _both(monkeypatch, DEMO, plan=load_plan(), stages=["all"], mode=mode, force=True)
    assert full["sites"], "the demo app has legacy sites"
    assert fast == full


def _padded(source: Path, dest: Path) -> Path:
    """A copy of the tree with an unrelated function before every top-level statement,
    so that most statements have placeholders around them in the sparse form."""
    shutil.copytree(source, dest)
    for path in sorted(dest.rglob("*.py")):
        try:
            text = path.read_bytes().decode("utf-8")
            tree = ast.parse(text)
        except (UnicodeDecodeError, SyntaxError, ValueError):
            continue
        lines = text.splitlines(keepends=True)
        starts = {
            min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", []))])
            for stmt in tree.body
        }
        out = []
        for number, line in enumerate(lines, 1):
            if number in starts:
                out.append(f"def _unrelated_{number}(value):\n    return value + {number}\n\n\n")
            out.append(line)
        path.write_text("".join(out))
    return dest


def test_padded_golden_inputs_are_parsed_sparsely(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guards the test above: most padded files do get placeholders."""
    monkeypatch.setattr(sparse, "MIN_LINES", 0)
    relevance = relevance_for(load_plan(), None)
    shaped = total = 0
    for case in _golden_cases():
        tree = _padded(case / "input", tmp_path / case.name)
        for path in tree.rglob("*.py"):
            total += 1
            text = path.read_bytes().decode("utf-8", "replace")
            result = sparse_source(text, relevance)
            if result is not None and result.regions:
                shaped += 1
    assert shaped * 2 > total


def _generated_sample(tmp_path: Path, count: int) -> Path:
    """`count` candidate files of a small generated repo (the slow full parse bounds it)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from make_repo import generate
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    repo = tmp_path / "repo"
    generate(repo, files=300, seed=7, legacy_fraction=0.2, scale=0.5)
    plan = load_plan()
    relevance = relevance_for(plan, None)
    sample = tmp_path / "sample"
    picked = 0
    for path in sorted(repo.rglob("*.py")):
        text = path.read_text()
        shaped = sparse_source(text, relevance)
        if shaped is None or not shaped.regions or not relevance_hits(text, relevance):
            continue
        dest = sample / path.relative_to(repo)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
        picked += 1
        if picked == count:
            break
    assert picked == count
    return sample


def relevance_hits(text: str, relevance: sparse.Relevance) -> bool:
    return any(s in text for s in relevance.substrings)


@pytest.mark.parametrize("mode", ["scan", "diff"])
def test_generated_files_give_the_same_result_sparse_and_full(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = _generated_sample(tmp_path, 4)
    full, fast = _both(monkeypatch, sample, plan=load_plan(), stages=["all"], mode=mode)
    assert full["sites"]
    assert fast == full


def _without_final_newlines(source: Path, dest: Path) -> Path:
    """The padded tree with each file's final newline taken off, as 95% of the real
    backend's candidate files are: the sparse form must be built and restored for them."""
    _padded(source, dest)
    for path in sorted(dest.rglob("*.py")):
        data = path.read_bytes()
        if data.endswith(b"\n"):
            path.write_bytes(data.rstrip(b"\n"))
    return dest


@pytest.mark.parametrize("mode", ["scan", "diff"])
@pytest.mark.parametrize("case", _golden_cases(), ids=lambda p: p.name)
@pytest.mark.parametrize("reshape", [_padded, _without_final_newlines], ids=["padded", "no_eol"])
def test_reshaped_golden_inputs_give_the_same_result_sparse_and_full(
    case: Path,
    mode: str,
    reshape: Callable[[Path, Path], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = tomllib.loads((case / "case.toml").read_text())
    plan = load_plan(case_plan_path(case, spec))
    tree = reshape(case / "input", tmp_path / "input")
    full, fast = _both(monkeypatch, tree, plan=plan, stages=spec["stages"], mode=mode, force=True)
    assert fast == full


def test_a_file_without_a_final_newline_gets_a_sparse_form_that_restores_exactly() -> None:
    body = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(40))
    text = "import os\n\n" + body + "bridge.notify_agent_started('r', 'a')"
    relevance = relevance_for(load_plan(), None)
    found = sparse_source(text, relevance)
    assert found is not None and found.added_newline
    assert found.text.endswith("bridge.notify_agent_started('r', 'a')\n")
    assert found.restore(found.text) == text
    assert found.restore(found.text.replace("'a')", "'b')")) == text.replace("'a')", "'b')")
