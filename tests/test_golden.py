"""Golden cases: each tests/golden/<case>/input tree must become its expected tree, byte for byte.

The format is described in tests/golden/README.md.
"""

from __future__ import annotations

import difflib
import shutil
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import libcst as cst
import pytest

from codemods.engine import run_stages
from codemods.plan import Plan, load_plan
from codemods.report import AUTO, Report, Site
from tests.conftest import FLAGSHIP

GOLDEN = Path(__file__).parent / "golden"
_SKIP_PARTS = {"__pycache__", ".emitter-migrate-cache"}
_EXPECT_KEYS = {"path", "line", "col", "kind", "symbol", "status", "stage", "contains", "count"}
_ERROR_KEYS = {"path", "contains"}


def _cases() -> list[Path]:
    return sorted(p.parent for p in GOLDEN.glob("*/case.toml"))


@cache
def _plan(path: str | None) -> Plan:
    return load_plan(path)


def case_plan_path(case: Path, spec: dict[str, Any]) -> str | None:
    """A case's `plan`: "@flagship" (the shipped plan), a file in the case, or the default."""
    name = spec.get("plan")
    if name == "@flagship":
        return str(FLAGSHIP)
    return str(case / name) if name is not None else None


def _files(tree: Path) -> dict[str, bytes]:
    if not tree.is_dir():
        return {}
    return {
        p.relative_to(tree).as_posix(): p.read_bytes()
        for p in sorted(tree.rglob("*"))
        if p.is_file() and not _SKIP_PARTS.intersection(p.relative_to(tree).parts)
    }


def _tree_mismatches(actual: Path, expected: Path) -> list[str]:
    got, want = _files(actual), _files(expected)
    problems = [f"missing from output: {p}" for p in sorted(set(want) - set(got))]
    problems += [f"not in expected/: {p}" for p in sorted(set(got) - set(want))]
    for path in sorted(set(got) & set(want)):
        if got[path] != want[path]:
            diff = difflib.unified_diff(
                want[path].decode("utf-8", "replace").splitlines(keepends=True),
                got[path].decode("utf-8", "replace").splitlines(keepends=True),
                f"expected/{path}",
                f"output/{path}",
            )
            problems.append(f"{path} differs:\n{''.join(diff) or '(only line endings or bytes)'}")
    return problems


def _matches(site: Site, want: dict[str, Any]) -> bool:
    for key in ("path", "line", "col", "kind", "symbol", "status", "stage"):
        if key in want and getattr(site, key) != want[key]:
            return False
    return "contains" not in want or want["contains"].lower() in site.reason.lower()


def _run(case: Path, spec: dict[str, Any], tree: Path) -> Report:
    plan = _plan(case_plan_path(case, spec))
    return run_stages(
        [tree],
        plan,
        spec["stages"],
        mode="write",
        jobs=1,
        root=tree,
        force=spec.get("force", True),
    )


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_golden_case(case: Path, tmp_path: Path) -> None:
    spec = tomllib.loads((case / "case.toml").read_text(encoding="utf-8"))
    assert spec.get("description"), f"{case.name}: case.toml needs a description"
    assert isinstance(spec.get("stages"), list) and spec["stages"], "case.toml needs stages"
    assert (case / "input").is_dir(), f"{case.name}: no input/ folder"
    assert (case / "expected").is_dir(), f"{case.name}: no expected/ folder"
    tree = tmp_path / "tree"
    shutil.copytree(case / "input", tree, symlinks=True)

    first = _run(case, spec, tree)

    want_errors = spec.get("errors", [])
    for want in want_errors:
        assert set(want) <= _ERROR_KEYS, f"unknown keys in [[errors]]: {set(want) - _ERROR_KEYS}"
        assert any(
            e.path == want["path"] and want.get("contains", "").lower() in e.reason.lower()
            for e in first.errors
        ), f"expected an error for {want}; got {[str(e) for e in first.errors]}"
    assert len(first.errors) == len(want_errors), [str(e) for e in first.errors]

    problems = _tree_mismatches(tree, case / "expected")
    assert not problems, "\n".join(problems)

    failed = {e.path for e in first.errors}
    for rel in _files(tree):
        if rel.endswith(".py") and rel not in failed:
            cst.parse_module((tree / rel).read_bytes())  # output must parse

    for want in spec.get("expect", []):
        assert set(want) <= _EXPECT_KEYS, f"unknown keys in [[expect]]: {set(want) - _EXPECT_KEYS}"
        hits = [s for s in first.sites if _matches(s, want)]
        if "count" in want:
            assert len(hits) == want["count"], f"{want}: {len(hits)} matching sites: {hits}"
        else:
            assert hits, f"no site matches {want}; sites:\n" + "\n".join(map(str, first.sites))

    second = _run(case, spec, tree)
    assert not second.files_changed, f"second run changed {second.files_changed}"
    assert [s for s in second.sites if s.status == AUTO] == [], "second run reported auto sites"
    problems = _tree_mismatches(tree, case / "expected")
    assert not problems, "second run changed the tree:\n" + "\n".join(problems)


def test_golden_cases_exist() -> None:
    assert _cases(), f"no golden cases under {GOLDEN}"
