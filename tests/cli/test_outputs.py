"""Outputs for pull requests and code scanning: SARIF, markdown, GitHub annotations."""

from __future__ import annotations

import json

from sarif_pydantic import Sarif

from codemods import render
from codemods.report import AUTO, MANUAL, FileError, Report, Site
from tests.cli.fakes import invoke


def test_scan_sarif_is_a_valid_sarif_log_with_a_result_per_site(project):
    result = invoke("scan", "--format", "sarif", "--no-cache")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    Sarif.model_validate(doc)  # raises on a log that breaks the SARIF 2.1.0 model
    assert doc["version"] == "2.1.0"
    (run,) = doc["runs"]
    assert run["tool"]["driver"]["name"] == "emitter-migrate"
    scan = json.loads(invoke("scan", "--format", "json", "--no-cache").stdout)
    assert len(run["results"]) == len(scan["sites"])
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for res, site in zip(run["results"], scan["sites"], strict=True):
        assert rules[res["ruleIndex"]] == res["ruleId"] == f"{site['status']}-{site['kind']}"
        assert res["level"] == ("warning" if site["status"] == MANUAL else "note")
        where = res["locations"][0]["physicalLocation"]
        assert where["artifactLocation"]["uri"] == site["path"]
        assert (where["region"]["startLine"], where["region"]["startColumn"]) == (
            site["line"],
            site["col"],
        )
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_reports_a_failed_file_as_a_tool_notification():
    report = Report(
        sites=[Site("a.py", 3, 5, "call", "X.m", AUTO, "→ y", "call-sites")],
        errors=[FileError("b.py", "syntax error at line 1, col 1: bad; fix it and re-run")],
        files_scanned=2,
    )
    doc = json.loads(render.sarif(report, "9.9"))
    Sarif.model_validate(doc)
    (run,) = doc["runs"]
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["message"]["text"].startswith("syntax error at line 1")
    assert run["invocations"][0]["executionSuccessful"] is False
    assert run["tool"]["driver"]["version"] == "9.9"


def test_run_github_format_annotates_manual_sites_and_failed_files(project):
    (project / "app/broken.py").write_text("from x import AgentWebSocketBridge (\n")
    result = invoke("run", "--diff", "--format", "github", "--no-cache")
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    warnings = [x for x in lines if x.startswith("::warning ")]
    errors = [x for x in lines if x.startswith("::error ")]
    assert len(warnings) == 2
    assert errors and errors[0].startswith("::error file=app/broken.py,")


def test_scan_markdown_lists_each_manual_site_with_its_reason(project):
    result = invoke("scan", "--format", "markdown", "--no-cache")
    assert result.exit_code == 0
    assert result.stdout.startswith("## emitter-migrate scan\n\n4 files scanned, 4 auto sites")
    assert (
        "| `app/two.py:4` | string `'notify_agent_started'` | method-name string on an unknown "
        "receiver |\n"
    ) in result.stdout


def test_run_markdown_under_diff_carries_the_diff_folded(project):
    diff = invoke("run", "--diff", "--no-cache").stdout
    result = invoke("run", "--diff", "--format", "markdown", "--no-cache")
    assert result.exit_code == 1
    assert f"<details><summary>Diff</summary>\n\n```diff\n{diff}```\n" in result.stdout


def test_a_diff_longer_than_a_comment_holds_is_cut_at_a_line_with_a_note():
    body = "".join(f"+line {i}\n" for i in range(20_000))
    report = Report(files_changed=["a.py"], diffs={"a.py": body}, files_scanned=1)
    text = render.markdown_run(report, "diff")
    assert len(text) < 65_536
    fenced = text.split("```diff\n", 1)[1].split("```", 1)[0]
    assert body.startswith(fenced) and fenced.endswith("\n") and len(fenced) < len(body)
    assert "The diff is cut at 60,000 characters" in text


# --------------------------------------------------------------- terminal ----
def test_quiet_drops_the_summary_line_but_keeps_every_site(project):
    loud = invoke("scan", "--no-cache").stdout.splitlines()
    quiet = invoke("scan", "--no-cache", "-q").stdout.splitlines()
    assert quiet == loud[:-1] and loud[-1].endswith("0 files failed")
    run_quiet = invoke("run", "--check", "--no-cache", "--quiet")
    assert run_quiet.exit_code == 1
    assert "would be rewritten" not in run_quiet.output
    assert run_quiet.stdout.count(": manual ") == 2


def test_verbose_says_what_was_parsed_and_what_came_from_the_cache(project):
    cold = invoke("scan", "-v")
    assert cold.stderr.startswith("4 files read, 3 candidates (3 parsed, 0 from the cache), ")
    warm = invoke("scan", "--verbose")
    assert warm.stderr.startswith("4 files read, 3 candidates (0 parsed, 3 from the cache), ")
    assert warm.stderr.rstrip().endswith(" s")


def test_colour_only_when_wanted_and_never_under_no_color(project, monkeypatch):
    plain = invoke("scan", "--no-cache").stdout
    assert "\x1b[" not in plain  # not a terminal
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = invoke("scan", "--no-cache").stdout
    assert "app/two.py:4:8: \x1b[33mmanual\x1b[0m string" in coloured
    assert "\x1b[32mauto\x1b[0m import" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    assert invoke("scan", "--no-cache").stdout == plain
