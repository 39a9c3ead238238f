"""The measuring scripts report what they claim: phases that add up, every candidate counted."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import make_repo
from codemods.fastcst.prefilter import TokenMatcher
from codemods.plan import load_plan
from codemods.run.discover import discover

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench-repo")
    make_repo.generate(root, files=120, seed=4, legacy_fraction=0.3, scale=0.05)
    # One candidate that CPython rejects, so the floor's parse step has one to count.
    (root / "broken_emitter.py").write_text("emit_agent_started(\n")
    return root


def _run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _candidates(repo: Path) -> tuple[int, int]:
    """(files the plan's prefilter matches, those Python's parser rejects)."""
    matcher = TokenMatcher(load_plan().prefilter_tokens)
    candidates = rejected = 0
    for path in discover([repo], root=repo).files:
        data = path.read_bytes()
        if matcher.matches(data):
            candidates += 1
            try:
                ast.parse(data.decode())
            except (SyntaxError, UnicodeDecodeError, ValueError):
                rejected += 1
    return candidates, rejected


def test_engine_phases_add_up_to_the_whole_run(repo: Path) -> None:
    before = {p: p.read_bytes() for p in repo.rglob("*.py")}
    out = _run("engine_phases.py", "diff", "--repo", os.fspath(repo))
    total = float(re.search(r": ([\d.]+) s \(", out.splitlines()[0]).group(1))  # type: ignore[union-attr]
    rows = dict(re.findall(r"^  (.+?)\s+([\d.]+) s", out, re.M))
    assert {"LibCST parse", "sparse source", "transform: CallsCodemod"} <= set(rows)
    assert any(name.startswith("parent") for name in rows)
    # Each phase excludes the phases timed inside it, so the rows make up the whole.
    assert sum(map(float, rows.values())) == pytest.approx(total, abs=0.01 * len(rows))
    assert {p: p.read_bytes() for p in repo.rglob("*.py")} == before  # a diff writes nothing


def test_scan_floor_counts_every_candidate_and_every_rejection(repo: Path) -> None:
    out = _run("scan_floor.py", "--repo", os.fspath(repo), "--repeat", "1", "--jobs", "2")
    counts = re.findall(r"-j (\d): +[\d.]+ s +\((\d+) candidates, (\d+) rejected", out)
    assert sorted(jobs for jobs, _, _ in counts) == ["1", "1", "1", "2", "2", "2"]
    candidates, rejected = _candidates(repo)
    assert rejected >= 1
    for i, (_, found, refused) in enumerate(counts):
        assert int(found) == candidates
        # The first step of each job count only prefilters; the others parse.
        assert int(refused) == (0 if i % 3 == 0 else rejected)
    assert "cold scan target: 3.0 s" in out
