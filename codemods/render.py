"""Turn reports into text: unified diffs, and the text, json and github renderers.

Renderers return strings; the CLI decides which stream they go to.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from typing import Any

from codemods.plan import Plan
from codemods.report import AUTO, MANUAL, FileError, Report, Site

__all__ = [
    "github_annotations",
    "json_run",
    "json_scan",
    "json_status",
    "markdown_run",
    "markdown_scan",
    "plan_counts",
    "sarif",
    "text_errors",
    "text_plan",
    "text_run_summary",
    "text_scan",
    "text_status",
    "unified_diff",
]

_LINE = re.compile(r"[^\n]*\n|[^\n]+")
_NO_NEWLINE = "\\ No newline at end of file\n"


# ------------------------------------------------------------------ diffs ----
def unified_diff(old: str, new: str, path: str, context: int = 3) -> str:
    """A diff `git apply` accepts: a/ and b/ prefixes, lines split on \\n only."""
    lines: list[str] = []
    for line in difflib.unified_diff(
        _LINE.findall(old), _LINE.findall(new), f"a/{path}", f"b/{path}", n=context
    ):
        lines.append(line if line.endswith("\n") else line + "\n" + _NO_NEWLINE)
    return "".join(lines)


def patch_bytes(report: Report) -> bytes:
    """The whole patch of a dry run as bytes: each file's lines in that file's own
    encoding (its header in UTF-8, as git writes paths), so `git apply` finds the bytes
    of a latin-1 file where a UTF-8 patch would not."""
    out = []
    for path in report.files_changed:
        if path not in report.diffs:
            continue
        encoding = report.diff_encodings.get(path, "utf-8")
        for line in _LINE.findall(report.diffs[path]):
            header = line.startswith(("--- a/", "+++ b/"))
            try:
                out.append(line.encode("utf-8" if header else encoding))
            except (UnicodeEncodeError, LookupError):
                out.append(line.encode("utf-8", "surrogateescape"))
    return b"".join(out)


# ------------------------------------------------------------------- text ----
def _where(site: Site) -> str:
    return f"{site.path}:{site.line}:{site.col}"


def text_site(site: Site) -> str:
    stage = f" [{site.stage}]" if site.stage else ""
    head = f"{_where(site)}: {site.status} {site.kind} {site.symbol}{stage}"
    return f"{head}: {site.reason}" if site.reason else head


def text_errors(errors: Iterable[FileError]) -> str:
    return "".join(f"error: {e.path}: {e.reason}\n" for e in errors)


def plural(count: int, noun: str) -> str:
    """`1 file`, `2 files`: every count the CLI prints goes through here."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _counts(report: Report) -> str:
    auto = sum(1 for s in report.sites if s.status == AUTO)
    manual = sum(1 for s in report.sites if s.status == MANUAL)
    return (
        f"{plural(report.files_scanned, 'file')} scanned, {plural(auto, 'auto site')}, "
        f"{plural(manual, 'manual site')}, {plural(report.files_failed, 'file')} failed"
    )


def text_scan(report: Report, summary: bool = True) -> str:
    out = [text_site(s) + "\n" for s in report.sites]
    if summary:
        out.append(_counts(report) + "\n")
    return "".join(out)


def text_run_summary(report: Report, mode: str, summary: bool = True) -> str:
    """The manual sites of a run, then its counts (unless `summary` is off); `mode` is
    write, diff or check."""
    changed = len(report.files_changed)
    verb = "rewritten" if mode == "write" else "would be rewritten"
    manual = [s for s in report.sites if s.status == MANUAL]
    rewritten = sum(1 for s in report.sites if s.status == AUTO)
    out = [text_site(s) + "\n" for s in manual]
    if not summary:
        return "".join(out)
    out.append(
        f"{plural(changed, 'file')} {verb}, {plural(rewritten, 'site')} rewritten, "
        f"{plural(len(manual), 'manual site')}, {plural(report.files_failed, 'file')} failed "
        f"({plural(report.files_scanned, 'file')} scanned)\n"
    )
    return "".join(out)


# ------------------------------------------------------------------- json ----
def _site_json(s: Site) -> dict[str, Any]:
    # Field by field: dataclasses.asdict deep-copies and costs seconds on big reports.
    return {
        "path": s.path,
        "line": s.line,
        "col": s.col,
        "kind": s.kind,
        "symbol": s.symbol,
        "status": s.status,
        "reason": s.reason,
        "stage": s.stage,
    }


def _dumps(doc: dict[str, Any]) -> str:
    # No indent: json's C encoder only runs without one (10x faster on 10,000 sites).
    return json.dumps(doc) + "\n"


def json_scan(report: Report) -> str:
    doc: dict[str, Any] = {
        "summary": report.summary(),
        "sites": [_site_json(s) for s in report.sites],
        "errors": [e.to_json() for e in report.errors],
    }
    return _dumps(doc)


def json_run(report: Report, mode: str) -> str:
    doc: dict[str, Any] = {
        "mode": mode,
        "files_changed": len(report.files_changed),
        "files_failed": report.files_failed,
        "sites_rewritten": sum(1 for s in report.sites if s.status == AUTO),
        "sites_manual": sum(1 for s in report.sites if s.status == MANUAL),
        "errors": [e.to_json() for e in report.errors],
        "changed": list(report.files_changed),
        "sites": [_site_json(s) for s in report.sites],
    }
    if mode == "diff":
        doc["diffs"] = dict(report.diffs)
    return _dumps(doc)


# ----------------------------------------------------------------- github ----
def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(report: Report) -> str:
    """Workflow commands: a warning per manual site, an error per failed file."""
    out = []
    for s in report.sites:
        if s.status != MANUAL:
            continue
        props = ",".join(
            [
                f"file={_escape_property(s.path)}",
                f"line={s.line}",
                f"col={s.col}",
                f"title={_escape_property(f'emitter-migrate: manual {s.kind} {s.symbol}')}",
            ]
        )
        out.append(f"::warning {props}::{_escape_data(s.reason)}\n")
    for e in report.errors:
        title = _escape_property("emitter-migrate: file failed")
        out.append(f"::error file={_escape_property(e.path)},title={title}::")
        out.append(_escape_data(e.reason) + "\n")
    out.append(_counts(report) + "\n")
    return "".join(out)


# ----------------------------------------------------------------- status ----
def text_status(status: Any) -> str:
    """Render an engine.Status (typed loosely to keep render a leaf module)."""
    out = [f"plan {status.plan_name}: {plural(status.files_scanned, 'file')} scanned\n"]
    if _nothing_read(status):
        out.append("\nnothing could be read, so no stage can be judged:\n")
        out.append(text_errors(status.errors))
        return "".join(out)
    out.append("\nstages:\n")
    for row in status.stages:
        if row.pending:
            state = f"{plural(row.pending, 'auto site')} pending"
        elif row.manual:
            state = "rewrites done, manual left"
        else:
            state = "done"
        out.append(
            f"  {row.stage:<16} {state:<28} {row.manual} manual"
            f" ({plural(row.files_pending, 'file')} with pending work)\n"
        )
    if status.waves:
        out.append("\nwaves (pending auto / manual per stage):\n")
        for wave in status.waves:
            cells = ", ".join(f"{c.stage} {c.pending}/{c.manual}" for c in wave.cells)
            out.append(f"  {wave.wave:<12} {wave.files:>5} files  {cells}\n")
    out.append("\nlegacy modules (delete once every stage is done):\n")
    if not status.legacy:
        out.append("  none in these paths\n")
    for site in status.legacy:
        out.append(f"  {site.path}  ({site.symbol})\n")
    if status.errors:
        out.append("\n" + text_errors(status.errors))
    return "".join(out)


def _nothing_read(status: Any) -> bool:
    return status.files_scanned == 0 and bool(status.errors)


def json_status(status: Any) -> str:
    judged = not _nothing_read(status)
    doc = {
        "plan": status.plan_name,
        "files_scanned": status.files_scanned,
        "files_failed": len(status.errors),
        "stages": [
            {
                "stage": r.stage,
                "pending": r.pending,
                "manual": r.manual,
                "files_pending": r.files_pending,
                # done: nothing left for the stage, manual sites included;
                # rewrites_done: nothing left for the tool to rewrite.
                "done": judged and r.pending == 0 and r.manual == 0,
                "rewrites_done": judged and r.pending == 0,
            }
            for r in status.stages
        ],
        "waves": [
            {
                "wave": w.wave,
                "files": w.files,
                "stages": {c.stage: {"pending": c.pending, "manual": c.manual} for c in w.cells},
            }
            for w in status.waves
        ],
        "legacy_modules": [{"path": s.path, "module": s.symbol} for s in status.legacy],
        "errors": [e.to_json() for e in status.errors],
    }
    return _dumps(doc)


# ------------------------------------------------------------------- plan ----
def plan_counts(plan: Plan) -> str:
    methods = [m for api in plan.apis.values() for m in api.methods.values()]
    manual = sum(1 for m in methods if m.manual is not None)
    return (
        f"{len(plan.stages)} stages, {len(plan.waves)} waves, {len(plan.apis)} APIs, "
        f"{len(methods)} methods ({len(methods) - manual} mapped, {manual} manual), "
        f"{len(plan.symbols)} symbols, {len(plan.constructors)} constructors"
    )


def text_plan(plan: Plan) -> str:
    out = [f"plan {plan.name} ({plan.source})\n"]
    if plan.description:
        out.append(f"  {plan.description}\n")
    out.append(f"target: {plan.target_module}.{plan.target_class}\n")
    out.append(f"{plan_counts(plan)}\n\nstages:\n")
    for i, stage in enumerate(plan.stages, 1):
        after = f", after {', '.join(stage.after)}" if stage.after else ""
        out.append(f"  {i}. {stage.name} (codemod {stage.codemod}{after})\n")
        if stage.description:
            out.append(f"     {stage.description}\n")
    out.append("\nwaves (first match wins):\n")
    for wave in plan.waves:
        out.append(f"  {wave.name}: {', '.join(wave.paths)}\n")
    out.append("\nlegacy modules (never rewritten; delete at the end):\n")
    out.extend(f"  {m}\n" for m in plan.legacy_modules)
    out.append("\nAPIs:\n")
    for api in plan.apis.values():
        out.append(f"  {api.id}: {api.title} -> shim {api.shim_module}\n")
        for name, m in api.methods.items():
            if m.manual is not None:
                out.append(f"    {name}: manual: {m.manual}\n")
            else:
                sig = m.signature.text if m.signature else ""
                out.append(f"    {name}({sig}) -> {m.target}\n")
    if plan.constructors:
        out.append("\nconstructors and factories:\n")
        for callee, m in plan.constructors.items():
            target = f"manual: {m.manual}" if m.manual is not None else f"-> {m.target}"
            out.append(f"  {callee} {target}\n")
    return "".join(out)


# ------------------------------------------------------------------- ssot ----
def _ssot_summary(report: Any) -> str:
    return (
        f"{plural(report.files, 'file')} read: "
        f"{plural(len(report.duplicate_classes), 'class name')} "
        f"defined more than once in non-test code, "
        f"{plural(len(report.import_paths), 'symbol')} imported through more than one path"
    )


def text_ssot(report: Any, top: int) -> str:
    """The most duplicated classes and most scattered imports first, `top` of each."""
    out = [_ssot_summary(report) + "\n"]
    classes = sorted(report.duplicate_classes, key=lambda d: (-len(d.places), d.name))
    if classes:
        out.append(f"\nclasses defined more than once (top {min(top, len(classes))}):\n")
    for dup in classes[:top]:
        out.append(f"  {dup.name}: {len(dup.places)} definitions\n")
        out.extend(f"    {p.path}:{p.line}\n" for p in dup.places)
    imports = sorted(report.import_paths, key=lambda i: (-len(i.paths), i.definition))
    if imports:
        out.append(
            f"\nsymbols imported through more than one path (top {min(top, len(imports))}):\n"
        )
    for item in imports[:top]:
        out.append(f"  {item.definition}: {plural(len(item.paths), 'path')}\n")
        out.extend(f"    {path}  ({plural(n, 'import')})\n" for path, n in item.paths.items())
    if report.errors:
        out.append("\n" + "".join(f"error: {path}: {reason}\n" for path, reason in report.errors))
    return "".join(out)


def json_ssot(report: Any) -> str:
    doc = {
        "files": report.files,
        "duplicate_classes": [
            {"name": d.name, "places": [{"path": p.path, "line": p.line} for p in d.places]}
            for d in report.duplicate_classes
        ],
        "import_paths": [
            {"definition": i.definition, "paths": i.paths} for i in report.import_paths
        ],
        "errors": [{"path": path, "reason": reason} for path, reason in report.errors],
    }
    return json.dumps(doc, indent=2) + "\n"


def markdown_ssot(report: Any, top: int) -> str:
    """A summary for a pull-request comment or an issue."""
    out = ["## Single source of truth\n\n", _ssot_summary(report) + ".\n"]
    classes = sorted(report.duplicate_classes, key=lambda d: (-len(d.places), d.name))[:top]
    if classes:
        out.append("\n| class | definitions | where |\n|---|---|---|\n")
        for dup in classes:
            where = ", ".join(f"`{p.path}:{p.line}`" for p in dup.places[:4])
            more = f" and {len(dup.places) - 4} more" if len(dup.places) > 4 else ""
            out.append(f"| `{dup.name}` | {len(dup.places)} | {where}{more} |\n")
    imports = sorted(report.import_paths, key=lambda i: (-len(i.paths), i.definition))[:top]
    if imports:
        out.append("\n| defined at | import paths | most used path |\n|---|---|---|\n")
        for item in imports:
            path, count = next(iter(item.paths.items()))
            used = plural(count, "import")
            out.append(f"| `{item.definition}` | {len(item.paths)} | `{path}` ({used}) |\n")
    return "".join(out)


# --------------------------------------------------------------- markdown ----
def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# A pull-request comment holds at most 65,536 characters; the diff gets what is left.
MARKDOWN_DIFF_LIMIT = 60_000


def markdown_run(report: Report, mode: str) -> str:
    """A pull-request comment: what changed, each site left to a person with its reason,
    and (dry run) the diff, folded."""
    changed = len(report.files_changed)
    verb = "rewritten" if mode == "write" else "to rewrite"
    auto = sum(1 for s in report.sites if s.status == AUTO)
    manual = [s for s in report.sites if s.status == MANUAL]
    out = [
        "## emitter-migrate\n\n",
        f"{plural(changed, 'file')} {verb}, {plural(auto, 'site')} rewritten, "
        f"{plural(len(manual), 'manual site')}, {plural(report.files_failed, 'file')} failed "
        f"({plural(report.files_scanned, 'file')} scanned).\n",
    ]
    if report.files_changed:
        out.append("\n<details><summary>Files</summary>\n\n")
        out.extend(f"- `{path}`\n" for path in report.files_changed)
        out.append("\n</details>\n")
    if mode == "diff" and report.diffs:
        out.append(_markdown_diff(report))
    out.append(_markdown_manual_and_errors(report))
    return "".join(out)


def markdown_scan(report: Report) -> str:
    """A pull-request comment for a scan: the counts, then each manual site."""
    return (
        "## emitter-migrate scan\n\n"
        + _counts(report)
        + ".\n"
        + _markdown_manual_and_errors(report)
    )


def _markdown_diff(report: Report) -> str:
    patch = "".join(report.diffs[p] for p in report.files_changed if p in report.diffs)
    fence = "````" if "```" in patch else "```"
    cut = ""
    if len(patch) > MARKDOWN_DIFF_LIMIT:
        patch = patch[:MARKDOWN_DIFF_LIMIT].rsplit("\n", 1)[0] + "\n"
        cut = (
            f"\n_The diff is cut at {MARKDOWN_DIFF_LIMIT:,} characters; run "
            "`emitter-migrate run --diff` for all of it._\n"
        )
    return f"\n<details><summary>Diff</summary>\n\n{fence}diff\n{patch}{fence}\n{cut}\n</details>\n"


def _markdown_manual_and_errors(report: Report) -> str:
    out = []
    manual = [s for s in report.sites if s.status == MANUAL]
    if manual:
        out.append("\n| where | what | why it is left to you |\n|---|---|---|\n")
        for s in manual:
            what = f"{s.kind} `{_md_cell(s.symbol)}`"
            out.append(f"| `{s.path}:{s.line}` | {what} | {_md_cell(s.reason)} |\n")
    if report.errors:
        out.append("\n**Files that failed**\n\n")
        out.extend(f"- `{e.path}`: {_md_cell(e.reason)}\n" for e in report.errors)
    return "".join(out)


# ------------------------------------------------------------------ sarif ----
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def sarif(report: Report, version: str) -> str:
    """A SARIF 2.1.0 log for code scanning: a result per site (manual: warning, auto:
    note), a rule per status and kind, and each failed file as a tool notification."""
    rule_ids = sorted({f"{s.status}-{s.kind}" for s in report.sites})
    index = {rule: i for i, rule in enumerate(rule_ids)}
    rules = [
        {
            "id": rule,
            "name": rule.replace("-", " "),
            "shortDescription": {"text": _rule_text(rule)},
            "defaultConfiguration": {"level": "warning" if rule.startswith(MANUAL) else "note"},
        }
        for rule in rule_ids
    ]
    results = []
    for s in report.sites:
        rule = f"{s.status}-{s.kind}"
        text = f"{s.symbol}: {s.reason}" if s.reason else s.symbol
        results.append(
            {
                "ruleId": rule,
                "ruleIndex": index[rule],
                "level": "warning" if s.status == MANUAL else "note",
                "message": {"text": text},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": s.path, "uriBaseId": "%SRCROOT%"},
                            "region": {"startLine": max(s.line, 1), "startColumn": max(s.col, 1)},
                        }
                    }
                ],
                "properties": {"stage": s.stage},
            }
        )
    notifications = [
        {
            "level": "error",
            "message": {"text": e.reason},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": e.path, "uriBaseId": "%SRCROOT%"}
                    }
                }
            ],
        }
        for e in report.errors
    ]
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "emitter-migrate", "version": version, "rules": rules}},
                "invocations": [
                    {
                        "executionSuccessful": not report.errors,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": results,
            }
        ],
    }
    return _dumps(doc)


def _rule_text(rule: str) -> str:
    status, _, kind = rule.partition("-")
    if status == MANUAL:
        return f"A legacy emitter use ({kind}) the tool leaves to a person, with the reason"
    return f"A legacy emitter use ({kind}) a stage rewrites"


def markdown_status(status: Any) -> str:
    out = [f"## Migration status: {status.plan_name}\n\n"]
    out.append(f"{plural(status.files_scanned, 'file')} scanned.\n")
    if _nothing_read(status):
        out.append("\nNothing could be read, so no stage can be judged.\n")
        return "".join(out)
    out.append("\n| stage | state | auto sites pending | manual sites |\n|---|---|---|---|\n")
    for row in status.stages:
        state = "pending" if row.pending else ("manual left" if row.manual else "done")
        out.append(f"| {row.stage} | {state} | {row.pending} | {row.manual} |\n")
    if status.waves:
        stages = [row.stage for row in status.stages]
        out.append("\n| wave | files | " + " | ".join(stages) + " |\n")
        out.append("|---|---|" + "---|" * len(stages) + "\n")
        for wave in status.waves:
            cells = " | ".join(f"{c.pending} / {c.manual}" for c in wave.cells)
            out.append(f"| {wave.wave} | {wave.files} | {cells} |\n")
    return "".join(out)
