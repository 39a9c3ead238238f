"""The source trees several tests run every codemod over, and a report as comparable
facts."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from codemods.report import Report
from tests.test_golden import FLAGSHIP, case_plan_path

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"
DEMO = REPO / "codemods" / "demo_app"


def golden_and_demo_trees() -> list[tuple[str, Path, str | None]]:
    """(name, root, plan path) for the demo app (shipped plan) and each golden input."""
    trees = [("demo_app", DEMO, str(FLAGSHIP))]
    for case_toml in sorted(GOLDEN.glob("*/case.toml")):
        case = case_toml.parent
        spec = tomllib.loads(case_toml.read_text())
        trees.append((case.name, case / "input", case_plan_path(case, spec)))
    return trees


def report_facts(report: Report) -> dict[str, Any]:
    """Everything a run reports, in a form two runs can be compared by."""
    return {
        "sites": [
            (s.path, s.line, s.col, s.kind, s.symbol, s.status, s.reason, s.stage)
            for s in report.sites
        ],
        "errors": [(e.path, e.reason) for e in report.errors],
        "diffs": dict(report.diffs),
        "changed": sorted(report.files_changed),
    }
