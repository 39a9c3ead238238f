"""The in-place golden trees behave the same before and after: their own tests pass on the
input and on the expected output, with the shipped plan driving the decorators."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codemods.plan import ENV_PLAN
from tests.conftest import FLAGSHIP

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.parent.parent for p in GOLDEN.glob("inplace_*/input/pytest.ini"))


def _pytest(tree: Path, mode: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, ENV_PLAN: str(FLAGSHIP), "EMITTER_MIGRATE_COMPAT": mode}
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "error::RuntimeWarning",
        ],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_there_is_an_inplace_case_with_tests():
    assert [c.name for c in CASES] == ["inplace_calls_move_with_their_stand_ins"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("side", ["input", "expected"])
def test_the_trees_own_tests_pass(case: Path, side: str, tmp_path: Path):
    tree = tmp_path / side
    shutil.copytree(case / side, tree)
    for mode in ("silent", "warn"):
        result = _pytest(tree, mode)
        assert result.returncode == 0, f"{side} under {mode}:\n{result.stdout}{result.stderr}"
        assert " passed" in result.stdout.splitlines()[-1]


def test_error_mode_stops_the_legacy_call_the_tool_left(tmp_path: Path):
    tree = tmp_path / "expected"
    shutil.copytree(GOLDEN / "inplace_calls_move_with_their_stand_ins" / "expected", tree)
    result = _pytest(tree, "error")
    assert result.returncode == 1
    assert "AgentWebSocketBridge.notify_tool_executing() is deprecated" in result.stdout
    assert "1 failed, 3 passed" in result.stdout.splitlines()[-1]
