"""`scan` reports exactly the sites a run of the same stage reports.

A scan skips work that only shapes the output (FileContext.sites_only), so each stage is
run alone both ways on every golden input and the demo app, and the sites compared.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from codemods.engine import run_stages
from codemods.plan import load_plan
from tests.test_golden import case_plan_path

REPO = Path(__file__).resolve().parents[2]
TREES = [
    *sorted(p.parent / "input" for p in (REPO / "tests" / "golden").glob("*/case.toml")),
    REPO / "codemods" / "demo_app",
]


def _plan_for(tree: Path):  # type: ignore[no-untyped-def]
    case = tree.parent / "case.toml"
    spec = tomllib.loads(case.read_text()) if case.exists() else {}
    return load_plan(case_plan_path(tree.parent, spec))


@pytest.mark.parametrize(
    "tree", TREES, ids=lambda p: p.parent.name if p.name == "input" else p.name
)
def test_scan_reports_the_sites_a_run_of_each_stage_reports(tree: Path) -> None:
    plan = _plan_for(tree)
    reported = 0
    for stage in plan.stage_names:
        both = [
            run_stages([tree], plan, [stage], mode=mode, root=tree, force=True)
            for mode in ("scan", "diff")
        ]
        scan, diff = ([(s.path, s.line, s.col, s.kind, s.status, s.reason) for s in r.sites]
                      for r in both)  # fmt: skip
        assert scan == diff, stage
        reported += len(scan)
    assert reported or tree.parent.name.startswith("no_")


def test_scan_matches_a_run_where_a_manual_site_undoes_retargets(tmp_path: Path) -> None:
    # A scan skips the undo pass's rebuild of the tree: the sites must not change.
    from tests.fuzz.test_found_bugs import _OLD_UNIFIED_KEPT, _RETARGETS

    package = tmp_path / "netra_backend" / "app" / "services"
    package.mkdir(parents=True)
    for name, (head, use, _) in _RETARGETS.items():
        text = _OLD_UNIFIED_KEPT.format(head=head, use=use)
        (package / f"{name.replace('-', '_')}.py").write_text(text, encoding="utf-8")
    plan = load_plan()
    scan, diff = (
        run_stages([tmp_path], plan, ["call-sites"], mode=mode, root=tmp_path, force=True)
        for mode in ("scan", "diff")
    )
    assert scan.sites == diff.sites
    assert any(s.status == "manual" for s in scan.sites)
    assert len(diff.diffs) == 2
