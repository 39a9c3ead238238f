"""Renderers and unified diffs."""

from __future__ import annotations

import json

from codemods import render
from codemods.plan import load_plan
from codemods.report import AUTO, MANUAL, FileError, Report, Site


def _report() -> Report:
    return Report(
        sites=[
            Site("app/a.py", 3, 5, "import", "X", AUTO, "routed", "compat-imports"),
            Site("app/b,c.py", 7, 9, "call", "B.m", MANUAL, "line one\nline: two, 100%", "calls"),
        ],
        errors=[FileError("app/bad.py", "syntax error at line 2, col 1: x; fix it and re-run")],
        files_scanned=3,
        files_changed=["app/a.py"],
        diffs={"app/a.py": "--- a/app/a.py\n+++ b/app/a.py\n"},
    )


def test_diff_has_git_prefixes_and_hunks():
    diff = render.unified_diff("a\nb\nc\n", "a\nB\nc\n", "pkg/m.py")
    assert diff == "--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"


def test_diff_marks_a_missing_final_newline():
    diff = render.unified_diff("x = 1\ny = 2", "x = 1\ny = 3", "m.py")
    assert diff.endswith(
        "-y = 2\n\\ No newline at end of file\n+y = 3\n\\ No newline at end of file\n"
    )


def test_diff_keeps_crlf_and_splits_on_newline_only():
    old = "a = 1\r\nb = '\u2028\x0c'\r\n"
    new = "a = 2\r\nb = '\u2028\x0c'\r\n"
    diff = render.unified_diff(old, new, "m.py")
    assert "-a = 1\r\n+a = 2\r\n b = '\u2028\x0c'\r\n" in diff


def test_diff_of_identical_text_is_empty():
    assert render.unified_diff("x\n", "x\n", "m.py") == ""


def test_github_annotations_escape_data_and_properties():
    out = render.github_annotations(_report())
    lines = out.splitlines()
    assert lines[0] == (
        "::warning file=app/b%2Cc.py,line=7,col=9,title=emitter-migrate%3A manual call B.m"
        "::line one%0Aline: two, 100%25"
    )
    assert lines[1] == (
        "::error file=app/bad.py,title=emitter-migrate%3A file failed"
        "::syntax error at line 2, col 1: x; fix it and re-run"
    )
    assert not any("app/a.py" in x for x in lines if x.startswith("::"))


def test_json_scan_keys():
    doc = json.loads(render.json_scan(_report()))
    assert doc["summary"] == {
        "kind": {"call": 1, "import": 1},
        "status": {"auto": 1, "manual": 1},
        "files_scanned": 3,
        "files_failed": 1,
    }
    assert doc["sites"][1]["reason"] == "line one\nline: two, 100%"
    assert doc["errors"] == [{"path": "app/bad.py", "reason": _report().errors[0].reason}]


def test_json_run_keys_and_diffs_only_in_diff_mode():
    doc = json.loads(render.json_run(_report(), "write"))
    assert {k: doc[k] for k in ("files_changed", "files_failed", "sites_rewritten")} == {
        "files_changed": 1,
        "files_failed": 1,
        "sites_rewritten": 1,
    }
    assert doc["sites_manual"] == 1 and len(doc["errors"]) == 1 and "diffs" not in doc
    assert json.loads(render.json_run(_report(), "diff"))["diffs"] == _report().diffs


def test_text_summaries_count_sites_and_files():
    assert render.text_scan(_report()).endswith(
        "3 files scanned, 1 auto site, 1 manual site, 1 file failed\n"
    )
    summary = render.text_run_summary(_report(), "check")
    assert "app/b,c.py:7:9: manual call B.m [calls]: line one" in summary
    assert summary.endswith(
        "1 file would be rewritten, 1 site rewritten, 1 manual site, 1 file failed "
        "(3 files scanned)\n"
    )


def test_plan_text_lists_stages_and_manual_methods_with_reasons():
    plan = load_plan()
    text = render.text_plan(plan)
    assert "1. compat-imports (codemod imports)" in text
    assert "2. call-sites (codemod calls, after compat-imports)" in text
    manual = [
        (name, m.manual)
        for api in plan.apis.values()
        for name, m in api.methods.items()
        if m.manual is not None
    ]
    assert manual
    for name, reason in manual:
        assert f"{name}: manual: {reason}" in text


def test_site_json_has_every_site_field():
    site = _report().sites[1]
    doc = json.loads(render.json_scan(_report()))["sites"][1]
    assert doc == site.to_json()
