"""`emitter-migrate`: parse flags, call the engine, render. No migration logic lives here.

Exit codes (as ruff): 0 nothing to change / applied cleanly; 1 `--diff`/`--check` found
changes to make; 2 an error (bad plan, unusable path, a file that failed, a refused stage).
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn, TypeVar

import typer

from codemods import engine, render
from codemods.config import FORMATS, Config, ConfigError, load_config
from codemods.plan import Plan, PlanError, load_plan
from codemods.report import Report
from codemods.run.discover import common_root

T = TypeVar("T")

app = typer.Typer(
    name="emitter-migrate",
    help="Migrate code off the five legacy WebSocket emitters, one stage at a time.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
plan_app = typer.Typer(help="Show or validate a migration plan.", no_args_is_help=True)
app.add_typer(plan_app, name="plan")


def _version() -> str:
    from codemods.run.version import __version__

    return __version__


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"emitter-migrate {_version()}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _app_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            callback=_print_version,
            metavar="",
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Migrate code off the five legacy WebSocket emitters, one stage at a time.

    Defaults for the flags can live in pyproject.toml under [tool.emitter-migrate]
    (plan, paths, exclude, jobs, format, root, cache); flags win.
    """
    global _CONFIG
    _CONFIG = Config()  # a bad file must not leave the previous invocation's in place
    try:
        _CONFIG = load_config()
    except ConfigError as exc:
        _fail(str(exc))


# What the app callback read for this invocation; the commands read it through _config.
_CONFIG = Config()


def _config() -> Config:
    return _CONFIG


EXIT_OK, EXIT_CHANGES, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
# Runs over fewer files finish before a bar would help.
_PROGRESS_MIN_FILES = 50

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="PATH",
        help="Files or folders (default: the configured paths, else the current folder).",
    ),
]
PlanOpt = Annotated[
    Path | None,
    typer.Option(
        "--plan",
        metavar="FILE",
        help="Plan TOML (default: $EMITTER_MIGRATE_PLAN, else the bundled "
        "emitter_consolidation plan).",
    ),
]
JobsOpt = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=1, metavar="N", help="Worker processes (default: all cores)."),
]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", metavar="", help="Ignore and do not fill the result cache.")
]
WaveOpt = Annotated[
    str | None,
    typer.Option("--wave", metavar="NAME", help="Only files of this rollout wave of the plan."),
]
ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        metavar="GLOB",
        help="Skip paths matching this gitignore-style glob (repeatable).",
    ),
]
ReportFormatOpt = Annotated[
    Literal["text", "json", "github", "markdown", "sarif"] | None,
    typer.Option(
        "--format",
        help="Output format: text, json, github (workflow annotations), markdown (a "
        "pull-request comment; with run --diff, the diff too) or sarif (code scanning). "
        "Default: the configured one, else text.",
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        metavar="",
        help="No progress bar and no summary line; sites, diffs and errors only.",
    ),
]
VerboseOpt = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        metavar="",
        help="Also say, on stderr, how many files were read, "
        "parsed and answered from the cache, and how long the run took.",
    ),
]
RootOpt = Annotated[
    Path | None,
    typer.Option(
        "--root",
        metavar="DIR",
        help="Folder module names are computed from (default: the current folder when it "
        "holds every path, else their common folder).",
    ),
]


# ---------------------------------------------------------------- helpers ----
def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


def _plan(path: Path | None) -> Plan:
    try:
        return load_plan(path if path is not None else _config().plan)
    except PlanError as exc:
        typer.echo(f"error: the plan {exc.source} is not valid:", err=True)
        for problem in exc.problems:
            typer.echo("  " + problem.render(exc.source), err=True)
        raise typer.Exit(EXIT_ERROR) from None


def _paths(paths: list[Path] | None) -> list[Path]:
    return list(paths) if paths else list(_config().paths) or [Path(".")]


def _root(paths: list[Path], root: Path | None) -> Path:
    root = root if root is not None else _config().root
    if root is not None:
        return root
    cwd = Path.cwd()
    inside = all(os.path.commonpath([cwd, os.path.abspath(p)]) == os.fspath(cwd) for p in paths)
    return cwd if inside else common_root(paths)


class _Progress:
    """A bar on stderr with the percentage, the count and the time left, only for a person
    watching a terminal (not under --quiet), and only for runs long enough to need one."""

    def __init__(self, quiet: bool) -> None:
        self.wanted = not quiet and sys.stderr.isatty()
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if not self.wanted or total < _PROGRESS_MIN_FILES:
            return
        if self.bar is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("parsing"),
                BarColumn(),
                TaskProgressColumn(),
                MofNCompleteColumn(),
                TextColumn("files, about"),
                TimeRemainingColumn(),
                TextColumn("left"),
                console=Console(stderr=True),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("files", total=total)
        self.bar.update(self.task, completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _engine_call(fn: Callable[[_Progress], T], quiet: bool = False) -> T:
    progress = _Progress(quiet)
    try:
        return fn(progress)
    except engine.EngineError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        typer.echo("\ninterrupted: every file is either as it was or fully rewritten", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    finally:
        progress.close()


def _ignore_further_signals() -> None:
    """The run is over: a late or repeated Ctrl-C or SIGTERM while exiting must not print a
    traceback from interpreter shutdown. Only for the real process (see main): the
    setting outlives the call and is inherited by child processes."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)


def _echo_errors(report: Report) -> None:
    if report.errors:
        _echo_painted(render.text_errors(report.errors), err=True)


def _write_patch(data: bytes) -> None:
    """The patch as bytes on stdout (files keep their own encodings); text where stdout
    has no byte stream (a test runner's capture)."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        typer.echo(data.decode("utf-8", "replace"), nl=False)
        return
    buffer.write(data)
    buffer.flush()


def _run_facts(report: Report, seconds: float) -> str:
    """--verbose: what the run read and where its answers came from."""
    return (
        f"{render.plural(report.files_scanned, 'file')} read, "
        f"{render.plural(report.files_parsed + report.files_cached, 'candidate')} "
        f"({report.files_parsed} parsed, {report.files_cached} from the cache), "
        f"{seconds:.1f} s"
    )


_COLOURS = {"auto": "green", "manual": "yellow", "error": "red"}
_STATUS_WORD = re.compile(r"^(\S+:\d+:\d+: )(auto|manual)\b|^(error)(:)", re.M)


def _colour_wanted(err: bool) -> bool:
    """Colour for a person at a terminal; never under NO_COLOR (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    stream = sys.stderr if err else sys.stdout
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def _echo_painted(text: str, err: bool = False) -> None:
    """Text output, with the status word of each site line and `error` in colour when
    wanted (typer.echo would strip colour from what it thinks is not a terminal)."""
    wanted = _colour_wanted(err)
    typer.echo(_paint(text) if wanted else text, nl=False, err=err, color=wanted)


def _paint(text: str) -> str:

    def paint(m: re.Match[str]) -> str:
        if m.group(3):
            return typer.style(m.group(3), fg=_COLOURS["error"], bold=True) + m.group(4)
        return m.group(1) + typer.style(m.group(2), fg=_COLOURS[m.group(2)])

    return _STATUS_WORD.sub(paint, text)


def _jobs(jobs: int | None) -> int:
    if jobs is None:
        jobs = _config().jobs
    return jobs if jobs is not None else os.cpu_count() or 1


def _exclude(exclude: list[str] | None) -> list[str]:
    """The configured globs, then the flags' (a flag adds to the file, never undoes it)."""
    return [*_config().exclude, *(exclude or ())]


def _use_cache(no_cache: bool) -> bool:
    return not no_cache and _config().cache


def _format(given: str | None, allowed: tuple[str, ...]) -> str:
    """--format, else the configured format when this command has it, else text."""
    if given is not None:
        return given
    configured = _config().format
    return configured if configured in allowed else "text"


# --------------------------------------------------------------- commands ----
@app.command()
def scan(
    paths: PathsArg = None,
    plan: PlanOpt = None,
    format: ReportFormatOpt = None,
    stage: Annotated[
        list[str] | None,
        typer.Option("--stage", metavar="NAME", help="Stage to scan for, or all (repeatable)."),
    ] = None,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    wave: WaveOpt = None,
    exclude: ExcludeOpt = None,
    root: RootOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    fail_on_manual: Annotated[
        bool,
        typer.Option(
            "--fail-on-manual", metavar="", help="Exit 1 while any manual site remains (CI)."
        ),
    ] = False,
) -> None:
    """Report every legacy use: what each stage will rewrite (auto) and what it will not."""
    the_plan = _plan(plan)
    chosen = _paths(paths)
    started = time.perf_counter()
    report = _engine_call(
        lambda progress: engine.run_stages(
            chosen,
            the_plan,
            stage or ["all"],
            mode="scan",
            jobs=_jobs(jobs),
            root=_root(chosen, root),
            exclude=_exclude(exclude),
            wave=wave,
            use_cache=_use_cache(no_cache),
            progress=progress,
        ),
        quiet,
    )
    chosen_format = _format(format, FORMATS)
    renderers: dict[str, Callable[[Report], str]] = {
        "text": lambda r: render.text_scan(r, summary=not quiet),
        "json": render.json_scan,
        "github": render.github_annotations,
        "markdown": render.markdown_scan,
        "sarif": lambda r: render.sarif(r, _version()),
    }
    text = renderers[chosen_format](report)
    if chosen_format == "text":
        _echo_painted(text)
    else:
        typer.echo(text, nl=False)
    _echo_errors(report)
    if verbose:
        typer.echo(_run_facts(report, time.perf_counter() - started), err=True)
    if report.errors:
        raise typer.Exit(EXIT_ERROR)
    manual_left = any(s.status == "manual" for s in report.sites)
    raise typer.Exit(EXIT_CHANGES if fail_on_manual and manual_left else EXIT_OK)


@app.command()
def run(
    paths: PathsArg = None,
    plan: PlanOpt = None,
    stage: Annotated[
        list[str] | None,
        typer.Option(
            "--stage", metavar="NAME", help="Stage to run, or all (default: all; repeatable)."
        ),
    ] = None,
    diff: Annotated[
        bool, typer.Option("--diff", metavar="", help="Write nothing; print a unified diff.")
    ] = False,
    check: Annotated[
        bool,
        typer.Option("--check", metavar="", help="Write nothing; exit 1 if anything would change."),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", metavar="", help="Run a stage even if an earlier stage still has work here."
        ),
    ] = False,
    jobs: JobsOpt = None,
    format: ReportFormatOpt = None,
    no_cache: NoCacheOpt = False,
    wave: WaveOpt = None,
    exclude: ExcludeOpt = None,
    root: RootOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Rewrite files in place (or show/check what would change) stage by stage."""
    the_plan = _plan(plan)
    chosen = _paths(paths)
    mode = "diff" if diff else "check" if check else "write"
    started = time.perf_counter()
    report = _engine_call(
        lambda progress: engine.run_stages(
            chosen,
            the_plan,
            stage or ["all"],
            mode=mode,
            jobs=_jobs(jobs),
            root=_root(chosen, root),
            exclude=_exclude(exclude),
            wave=wave,
            force=force,
            use_cache=_use_cache(no_cache),
            progress=progress,
        ),
        quiet,
    )
    chosen_format = _format(format, FORMATS)
    if chosen_format == "json":
        typer.echo(render.json_run(report, mode), nl=False)
    elif chosen_format == "markdown":
        typer.echo(render.markdown_run(report, mode), nl=False)
    elif chosen_format == "github":
        typer.echo(render.github_annotations(report), nl=False)
    elif chosen_format == "sarif":
        typer.echo(render.sarif(report, _version()), nl=False)
    else:
        if mode == "diff":
            _write_patch(render.patch_bytes(report))
        # With --diff stdout carries only the patch, so it can go straight to `git apply`.
        summary = render.text_run_summary(report, mode, summary=not quiet)
        _echo_painted(summary, err=mode == "diff")
    _echo_errors(report)
    if verbose:
        typer.echo(_run_facts(report, time.perf_counter() - started), err=True)
    if report.errors:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_CHANGES if mode != "write" and report.files_changed else EXIT_OK)


@app.command()
def status(
    paths: PathsArg = None,
    plan: PlanOpt = None,
    format: Annotated[
        Literal["text", "json", "markdown"] | None,
        typer.Option(
            "--format",
            help="Output format (markdown: a pull-request summary). Default: the configured "
            "one when it is one of these, else text.",
        ),
    ] = None,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    exclude: ExcludeOpt = None,
    root: RootOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Per stage and per wave: auto sites still pending, manual sites, legacy modules left."""
    the_plan = _plan(plan)
    chosen = _paths(paths)
    result = _engine_call(
        lambda progress: engine.status(
            chosen,
            the_plan,
            jobs=_jobs(jobs),
            root=_root(chosen, root),
            exclude=_exclude(exclude),
            use_cache=_use_cache(no_cache),
            progress=progress,
        ),
        quiet,
    )
    chosen_format = _format(format, ("text", "json", "markdown"))
    renderer = {"json": render.json_status, "markdown": render.markdown_status}.get(
        chosen_format, render.text_status
    )
    typer.echo(renderer(result), nl=False)
    if result.errors and chosen_format != "text":
        typer.echo(render.text_errors(result.errors), err=True, nl=False)
    raise typer.Exit(EXIT_ERROR if result.errors else EXIT_OK)


@plan_app.command("show")
def plan_show(
    file: Annotated[Path | None, typer.Argument(help="Plan TOML (default: bundled).")] = None,
) -> None:
    """Print the plan: stages, waves, APIs and how many methods each maps."""
    typer.echo(render.text_plan(_plan(file)), nl=False)


@plan_app.command("validate")
def plan_validate(
    file: Annotated[Path | None, typer.Argument(help="Plan TOML (default: bundled).")] = None,
) -> None:
    """Check a plan; print every problem with its line and key (exit 2 if any)."""
    the_plan = _plan(file)
    typer.echo(f"ok: {the_plan.source}: {render.plan_counts(the_plan)}")


@app.command()
def ssot(
    paths: PathsArg = None,
    format: Annotated[
        Literal["text", "json", "markdown"], typer.Option("--format", help="Output format.")
    ] = "text",
    top: Annotated[int, typer.Option("--top", help="Findings of each kind to show.")] = 20,
    exclude: ExcludeOpt = None,
    jobs: JobsOpt = None,
) -> None:
    """Classes defined more than once, and symbols imported through more than one path.

    Exit 0 when there is neither, 1 when there is (for CI), 2 on an error.
    """
    from codemods.ssot import build_report

    chosen = paths or [Path(".")]
    report = build_report(chosen, jobs=_jobs(jobs), exclude=exclude or ())
    if not report.files:
        reasons = "".join(f"error: {path}: {why}\n" for path, why in report.errors)
        typer.echo(reasons or "error: no Python files under these paths\n", err=True, nl=False)
        raise typer.Exit(EXIT_ERROR)
    if format == "json":
        typer.echo(render.json_ssot(report), nl=False)
    elif format == "markdown":
        typer.echo(render.markdown_ssot(report, top), nl=False)
    else:
        typer.echo(render.text_ssot(report, top), nl=False)
    found = report.duplicate_classes or report.import_paths
    raise typer.Exit(EXIT_CHANGES if found else EXIT_OK)


@app.command()
def demo(
    jobs: JobsOpt = None,
    keep: Annotated[
        bool, typer.Option("--keep", help="Keep the temporary copy and print where it is.")
    ] = False,
) -> None:
    """Migrate the bundled legacy demo app in a temp folder, with its tests before and after."""
    from codemods.demo import run_demo

    raise typer.Exit(run_demo(jobs=_jobs(jobs), keep=keep, echo=typer.echo))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # a signal outside the engine's run (start-up, rendering)
        _ignore_further_signals()
        sys.exit(EXIT_INTERRUPTED)
    finally:
        # Whatever the outcome, the work is over: a Ctrl-C landing now (a run that had just
        # finished) must not surface as a traceback from interpreter shutdown.
        _ignore_further_signals()


if __name__ == "__main__":
    main()
