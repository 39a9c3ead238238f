"""`emitter-migrate demo`: the whole plan on a copy of the bundled legacy app.

Steps: copy codemods/demo_app to a temporary folder; run its tests; run each stage of the
plan in turn, printing the stage's diff; run the tests again with the compat shims
counting their use; print what was rewritten, what was left to a human and why, and the
compat usage that is left. Exit 0 only if both test runs pass and no file failed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from codemods import engine, render
from codemods.plan import ENV_PLAN, Plan, bundled_plan_path, load_plan
from codemods.report import AUTO, MANUAL, FileError, Site

__all__ = ["DemoResult", "TestRun", "run_demo"]

Echo = Callable[[str], None]  # prints one line
# The legacy library the app is migrated off: stage 1 deprecates it where it defines
# each API (see demo_app/README.md).
LIBRARY = "netra_backend"
USAGE_ENV = "EMITTER_MIGRATE_COMPAT_USAGE"
_COPY_IGNORE = shutil.ignore_patterns("__pycache__", ".*", "*.pyc")


@dataclass(frozen=True)
class TestRun:
    passed: bool
    summary: str  # pytest's last line
    output: str


@dataclass
class DemoResult:
    before: TestRun
    after: TestRun | None
    rewritten: int
    manual: list[Site]
    errors: list[FileError]
    usage: dict[str, object] | None
    # Compat calls from files where the plan reported no manual site: every site there
    # was meant to be automatic, so any use left is a migration bug.
    unexplained: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.errors:
            return 2
        ok = self.before.passed and self.after is not None and self.after.passed
        return 0 if ok and not self.unexplained else 1


def run_demo(
    *,
    jobs: int = 1,
    keep: bool = False,
    echo: Echo = print,
    source: Path | None = None,
    plan: Plan | None = None,
) -> int:
    """Run the demo and return its exit code."""
    # The demo shows the shipped plan, whatever $EMITTER_MIGRATE_PLAN names.
    the_plan = plan if plan is not None else load_plan(bundled_plan_path())
    with resources.as_file(resources.files("codemods").joinpath("demo_app")) as bundled:
        app = Path(source) if source is not None else Path(bundled)
        work = Path(tempfile.mkdtemp(prefix="emitter-migrate-demo-"))
        try:
            copy = work / "demo_app"
            shutil.copytree(app, copy, ignore=_COPY_IGNORE)
            result = _demo(copy, the_plan, jobs, echo)
        finally:
            if keep:
                echo(f"\nthe migrated copy is kept in {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)
    return result.exit_code


def _demo(copy: Path, plan: Plan, jobs: int, echo: Echo) -> DemoResult:
    paths = sorted(p for p in copy.iterdir() if _migratable(p))
    shown = ", ".join(p.name for p in paths)
    echo(f"emitter-migrate demo: a copy of the bundled help-desk app in {copy}")
    echo(
        f"migrating: {shown} (the legacy library {LIBRARY}/ keeps its classes, deprecated "
        "where they are defined, until it is deleted at the end)\n"
    )

    echo("== the app's tests, before migration ==")
    before = _pytest(copy, env={})
    echo(f"   {before.summary}: {'PASSED' if before.passed else 'FAILED'}\n")
    if not before.passed:
        echo(before.output)

    sites: list[Site] = []
    errors: list[FileError] = []
    for number, stage in enumerate(plan.stages, 1):
        echo(f"== stage {number}/{len(plan.stages)}: {stage.name} ==")
        if stage.description:
            echo(f"   {stage.description}")
        old = _texts(copy)
        try:
            report = engine.run_stages(
                paths, plan, [stage.name], mode="write", jobs=jobs, root=copy
            )
        except engine.EngineError as exc:
            echo(f"error: {exc}")
            errors.append(FileError(stage.name, str(exc)))
            return DemoResult(before, None, _count(sites, AUTO), _manual(sites), errors, None)
        for rel in report.files_changed:
            new = (copy / rel).read_text(encoding="utf-8")
            echo(render.unified_diff(old[rel], new, rel).rstrip("\n"))
        rewritten = sum(1 for s in report.sites if s.status == AUTO)
        echo(
            f"   {len(report.files_changed)} files changed, {rewritten} sites rewritten, "
            f"{sum(1 for s in report.sites if s.status == MANUAL)} manual\n"
        )
        if report.errors:
            echo(render.text_errors(report.errors).rstrip("\n"))
        sites.extend(report.sites)
        errors.extend(report.errors)

    echo("== the app's tests, after migration (compat shims counting their use) ==")
    usage_file = copy.parent / "compat-usage.json"
    # The app's runtime (the decorators) must follow the plan the migration followed.
    after = _pytest(copy, env={USAGE_ENV: os.fspath(usage_file), ENV_PLAN: plan.source})
    echo(f"   {after.summary}: {'PASSED' if after.passed else 'FAILED'}\n")
    if not after.passed:
        echo(after.output)
    usage = _read_usage(usage_file)

    prefix = f"{copy}{os.sep}"
    manual = _manual(sites)
    unexplained = _unexplained(usage, {s.path for s in manual}, prefix)
    result = DemoResult(before, after, _count(sites, AUTO), manual, errors, usage, unexplained)
    _summary(result, echo, prefix)
    return result


def _migratable(path: Path) -> bool:
    return not path.name.startswith(".") and (path.is_dir() or path.suffix == ".py")


def _texts(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in root.rglob("*.py")
        if "__pycache__" not in p.parts
    }


def _count(sites: list[Site], status: str) -> int:
    return sum(1 for s in sites if s.status == status)


def _manual(sites: list[Site]) -> list[Site]:
    """Manual sites still standing: the last stage that saw each place has the last word."""
    seen: dict[tuple[str, int, str, str], Site] = {}
    for s in sites:
        if s.status == MANUAL:
            seen[(s.path, s.line, s.kind, s.symbol)] = s
    return sorted(seen.values())


def _pytest(cwd: Path, env: dict[str, str]) -> TestRun:
    full_env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    # The demo's tests are plain pytest; other installed plugins only cost start-up time.
    full_env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    full_env.update(env)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
    )
    output = proc.stdout + proc.stderr
    lines = [line for line in output.splitlines() if line.strip()]
    return TestRun(proc.returncode == 0, lines[-1] if lines else "(no output)", output)


def _read_usage(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"total": 0, "apis": {}}  # nothing used a shim, so nothing was dumped
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _unexplained(usage: dict[str, object] | None, manual_files: set[str], prefix: str) -> list[str]:
    apis = usage.get("apis", {}) if usage else {}
    out = []
    for name, entry in sorted(apis.items() if isinstance(apis, dict) else []):
        callers = entry.get("callers", {}) if isinstance(entry, dict) else {}
        for caller in sorted(callers):
            rel = str(caller).removeprefix(prefix)
            if rel != caller and rel.rsplit(":", 1)[0] not in manual_files:
                out.append(f"{name} from {rel}")
    return out


def _summary(result: DemoResult, echo: Echo, prefix: str) -> None:
    echo("== summary ==")
    echo(f"   sites rewritten by the plan: {result.rewritten}")
    echo(f"   sites left to a developer: {len(result.manual)}")
    for s in result.manual:
        echo(f"     {s.path}:{s.line}:{s.col} {s.kind} {s.symbol}: {s.reason}")
    usage = result.usage
    if usage is None:
        echo("   compat usage: unknown (the usage file could not be read)")
    else:
        apis = usage.get("apis", {})
        echo(f"   compat usage left while the tests ran: {usage.get('total', 0)} calls")
        if isinstance(apis, dict):
            for name, entry in sorted(apis.items()):
                count = entry.get("count") if isinstance(entry, dict) else entry
                first = entry.get("first_caller") if isinstance(entry, dict) else None
                where = f" (first from {str(first).removeprefix(prefix)})" if first else ""
                echo(f"     {name}: {count}{where}")
    for line in result.unexplained:
        echo(f"   compat use left where every site was automatic: {line}")
    if result.errors:
        echo(f"   files that failed: {len(result.errors)}")
    verdict = "tests pass before and after" if result.exit_code == 0 else "demo FAILED"
    echo(f"   {verdict}")
