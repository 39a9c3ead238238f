"""The one path data takes, top to bottom:

    paths → discover → prefilter (bytes) ⇄ project index (fixed point) → read + parse once
      → stages (chained for `run`; each alone on the original for `scan`) → diff | write → Report

Public API (used by the CLI, the golden harness and `demo`):

    run_stages(paths, plan, stages, *, mode="write", jobs=1, root=None, exclude=(), wave=None,
               force=False, use_cache=False, cache_dir=None, progress=None) -> Report
        mode is "scan" (sites only), "write", "diff" (Report.diffs) or "check";
        stages are stage names of the plan, or ["all"].
    status(paths, plan, **same keywords) -> Status   (per stage and per wave: what is left)
    resolve_stages(plan, names) -> list[Stage]

What stops a run before any file is touched raises EngineError (StageOrderError when a stage
is asked for before the stages it comes after are done). A file that fails never raises: it
is listed in Report.errors with its reason, and the other files go on.
Workers only read and compute; every write happens here, in the parent process.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codemods.analysis.project_index import ProjectIndex, build_index, module_name_of
from codemods.fastcst.collector import fewer_collections
from codemods.fastcst.prefilter import PrefilterMemo, TokenMatcher
from codemods.plan import RUNTIMES, Plan, Stage
from codemods.report import AUTO, MANUAL, FileError, Report, Site
from codemods.run.cache import ResultCache, cache_key
from codemods.run.discover import discover
from codemods.run.jobs import Job, Outcome, Work
from codemods.run.lock import LockError, run_lock
from codemods.run.pool import map_jobs
from codemods.run.signals import graceful_signals
from codemods.run.source import SourceError, read_source, write_atomic
from codemods.run.version import tool_fingerprint
from codemods.stages import (
    CodemodUnavailable,
    check_codemod,
    get_codemod,
    module_names_matter,
)

if TYPE_CHECKING:
    from codemods.stages.base import StageCodemod

__all__ = [
    "MODES",
    "EngineError",
    "StageOrderError",
    "Status",
    "module_name_for",
    "resolve_stages",
    "run_stages",
    "status",
]

MODES = ("scan", "write", "diff", "check")
ProgressFn = Callable[[int, int], None]


class EngineError(Exception):
    """A problem that stops the run before any file is touched."""


class StageOrderError(EngineError):
    """A stage was asked for while a stage it comes after still has work in these paths."""


# ----------------------------------------------------------------- stages ----
def resolve_stages(plan: Plan, names: Sequence[str]) -> list[Stage]:
    """The plan's stages named (or all of them for "all"), in plan order."""
    if not names or "all" in names:
        return list(plan.stages)
    wanted = set(names)
    unknown = [n for n in names if n not in plan.stage_names]
    if unknown:
        raise EngineError(
            f"no stage named {unknown[0]!r}; the plan has: {', '.join(plan.stage_names)}, all"
        )
    return [s for s in plan.stages if s.name in wanted]


def _prerequisites(plan: Plan, chosen: list[Stage]) -> list[Stage]:
    """Stages the chosen ones come after (transitively) that are not chosen themselves."""
    by_name = {s.name: s for s in plan.stages}
    needed: set[str] = set()
    todo = [dep for s in chosen for dep in s.after]
    while todo:
        name = todo.pop()
        if name not in needed:
            needed.add(name)
            todo.extend(by_name[name].after)
    chosen_names = {s.name for s in chosen}
    return [s for s in plan.stages if s.name in needed and s.name not in chosen_names]


def _check_codemods(stages: Iterable[Stage]) -> None:
    """Fail early on a codemod name nobody registered (loading waits for a file to parse)."""
    try:
        for s in stages:
            check_codemod(s.codemod)
    except CodemodUnavailable as exc:
        raise EngineError(str(exc)) from None


def _refuse_runtime_clash(plan: Plan, stages: Iterable[Stage], root: Path) -> None:
    """Stage `deprecate` writes an import of the plan's deprecation runtime into the
    application; a top-level package or module of the project's own under that name would
    shadow ours."""
    if not any(s.codemod == "deprecate" for s in stages):
        return
    runtime = plan.deprecation_runtime
    ours = (root / "compat" / "deprecation.py").is_file()  # the tool run on its own tree
    # The runtime reads the plan through `codemods.plan` when a class is decorated: a
    # project's own `codemods` would shadow that, whatever the runtime's name.
    for own in (root / "codemods" / "__init__.py", root / "codemods.py"):
        if own.is_file() and not ours:
            raise EngineError(
                f"{_shown(os.fspath(own), root)}: this project has its own top-level "
                "`codemods`, which would shadow the package emitter-migrate's runtime reads "
                "its plan from when a legacy class is decorated; rename the project's "
                "package (or run the tool on a tree where it is not top-level), then re-run"
            )
    package = runtime.split(".")[0]
    if package != "compat":
        return  # emitter_migrate: our distribution's own name
    for own in (root / package / "__init__.py", root / f"{package}.py"):
        if own.is_file() and not (own.name == "__init__.py" and ours):
            raise EngineError(
                f"{_shown(os.fspath(own), root)}: this project has its own top-level "
                f"`{package}`, which would shadow emitter-migrate's `{runtime}` that stage "
                f'deprecate imports; set deprecation_runtime = "{RUNTIMES[1]}" at the top '
                f"of the plan ({plan.source}) to use the same runtime under a name no "
                "project has, then re-run"
            )


def _load_codemods(stages: Iterable[Stage]) -> list[tuple[str, type[StageCodemod]]]:
    try:
        return [(s.name, get_codemod(s.codemod)) for s in stages]
    except CodemodUnavailable as exc:
        raise EngineError(str(exc)) from None


# ---------------------------------------------------------------- modules ----
def module_name_for(rel: str) -> str | None:
    """Dotted module name of a root-relative path; `--root` picks what paths are relative to."""
    if not rel.endswith(".py"):
        return None
    return module_name_of(rel) or None


def _definition_site(plan: Plan, rel: str, legacy: str) -> Site:
    titles = sorted(
        {plan.apis[s.api].title for s in plan.symbols.values() if s.module == legacy and s.api}
    )
    title = ", ".join(titles) if titles else legacy
    return Site(
        rel,
        1,
        1,
        "definition",
        legacy,
        MANUAL,
        f"defines the legacy API {title}: delete it once `status` shows no stage has work left",
        "",
    )


# -------------------------------------------------------------- prefilter ----
def _select_candidates(
    plan: Plan,
    raws: dict[str, bytes],
    digests: _Digests,
    cache: ResultCache | None,
    module_names: bool,
) -> tuple[set[str], ProjectIndex, frozenset[bytes]]:
    """Files that may use a legacy API, the project index built from them, and the tokens.

    The index names classes derived from legacy ones; their names widen the prefilter,
    which may bring in files that only use those classes, whose classes may widen it
    again: iterate until nothing new comes in. The files chosen are then exactly those
    holding one of the final tokens.
    """
    tokens = set(plan.file_tokens(module_names))
    matcher = TokenMatcher(tokens)
    chosen = {rel for rel, raw in raws.items() if matcher.matches(raw)}
    while True:
        project = _index(plan, sorted(chosen), raws, digests, cache)
        extra = set(project.extra_tokens) - tokens
        tokens |= extra
        if not extra:
            return chosen, project, frozenset(tokens)
        matcher = TokenMatcher(extra)
        new = {rel for rel, raw in raws.items() if rel not in chosen and matcher.matches(raw)}
        if not new:
            return chosen, project, frozenset(tokens)
        chosen |= new


class _Digests(dict[str, str]):
    """sha256 of each file's bytes, computed once on first use."""

    def __init__(self, raws: dict[str, bytes]) -> None:
        super().__init__()
        self.raws = raws

    def __missing__(self, rel: str) -> str:
        value = self[rel] = hashlib.sha256(self.raws[rel]).hexdigest()
        return value


def _index(
    plan: Plan,
    rels: list[str],
    raws: dict[str, bytes],
    digests: _Digests,
    cache: ResultCache | None,
) -> ProjectIndex:
    """build_index over these files, from the cache when the same files were indexed before."""
    key = None
    if cache is not None:
        files = json.dumps([[rel, digests[rel]] for rel in rels])
        key = cache_key(hashlib.sha256(files.encode()).hexdigest(), plan.digest,
                        tool_fingerprint(), ["project-index"])  # fmt: skip
        data = cache.get(key)
        if data is not None:
            with contextlib.suppress(Exception):  # an unreadable entry is only a miss
                found = pickle.loads(data)
                if isinstance(found, ProjectIndex):
                    return found
    project = build_index([(rel, raws[rel]) for rel in rels], plan)
    if cache is not None and key is not None:
        cache.put(key, pickle.dumps(project))
    return project


def _read_into(raws: dict[str, bytes], report: Report, path: str, rel: str) -> None:
    try:
        raws[rel] = _read_raw(path)
    except SourceError as exc:
        report.errors.append(FileError(rel, exc.reason))


def _memo_key(plan: Plan, root: Path) -> str:
    place = hashlib.sha256(os.fsencode(root)).hexdigest()
    return cache_key(place, plan.digest, tool_fingerprint(), ["prefilter-memo"])


def _load_memo(cache: ResultCache | None, plan: Plan, root: Path) -> PrefilterMemo | None:
    if cache is None:
        return None
    data = cache.get(_memo_key(plan, root))
    return PrefilterMemo.from_bytes(data) if data is not None else None


def _save_memo(
    cache: ResultCache,
    plan: Plan,
    root: Path,
    old: PrefilterMemo | None,
    tokens: frozenset[bytes],
    raws: dict[str, bytes],
    stats: dict[str, os.stat_result],
    candidates: set[str],
) -> None:
    """Remember this run's answers; earlier answers stay valid for a subset of tokens."""
    keep = old is not None and tokens <= old.tokens
    memo = PrefilterMemo(tokens, dict(old.files) if keep and old is not None else {})
    for rel in raws:
        if rel in stats:
            memo.remember(rel, stats[rel], rel in candidates)
    cache.put(_memo_key(plan, root), memo.to_bytes())


def _read_raw(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except PermissionError:
        raise SourceError(path, "cannot open: permission denied") from None
    except IsADirectoryError:
        raise SourceError(path, "not a regular file (a directory)") from None
    except FileNotFoundError:
        raise SourceError(path, "vanished: it no longer exists") from None
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc.strerror or exc}") from None


# ------------------------------------------------------------ file worker ----
def _process(work: Work, job: Job) -> Outcome:
    """codemods.run.process.process_job, imported on first use: LibCST loads only for a run
    that has a file to parse (every other file's result comes from the cache)."""
    from codemods.run.process import process_job

    return process_job(work, job)


# ------------------------------------------------------------- execution ----
def _cached(
    cache: ResultCache | None, keys: dict[str, str], jobs: list[Job]
) -> tuple[dict[str, Outcome], list[Job]]:
    hits: dict[str, Outcome] = {}
    misses: list[Job] = []
    for job in jobs:
        data = cache.get(keys[job.rel]) if cache is not None else None
        outcome = None
        if data is not None:
            with contextlib.suppress(ValueError, KeyError, TypeError):
                outcome = Outcome.from_json(job.rel, data)
        if outcome is None:
            misses.append(job)
        else:
            hits[job.rel] = outcome
    return hits, misses


# -------------------------------------------------------------------- run ----
@dataclass
class _Run:
    report: Report
    files: list[str]  # root-relative paths of every file looked at


def run_stages(
    paths: Sequence[Path | str],
    plan: Plan,
    stages: Sequence[str],
    *,
    mode: str = "write",
    jobs: int = 1,
    root: Path | None = None,
    exclude: Sequence[str] = (),
    wave: str | None = None,
    force: bool = False,
    use_cache: bool = False,
    cache_dir: Path | None = None,
    progress: ProgressFn | None = None,
) -> Report:
    """Run the named stages over the files under `paths`; see the module docstring."""
    return _run(
        paths,
        plan,
        stages,
        mode=mode,
        jobs=jobs,
        root=root,
        exclude=exclude,
        wave=wave,
        force=force,
        use_cache=use_cache,
        cache_dir=cache_dir,
        progress=progress,
    ).report


def _run(
    paths: Sequence[Path | str],
    plan: Plan,
    stages: Sequence[str],
    *,
    mode: str,
    jobs: int,
    root: Path | None,
    exclude: Sequence[str],
    wave: str | None,
    force: bool,
    use_cache: bool,
    cache_dir: Path | None,
    progress: ProgressFn | None,
) -> _Run:
    if mode not in MODES:
        raise EngineError(f"unknown mode {mode!r}; one of {', '.join(MODES)}")
    chosen = resolve_stages(plan, stages)
    if wave is not None and wave not in {w.name for w in plan.waves}:
        names = ", ".join(w.name for w in plan.waves) or "none"
        raise EngineError(f"no wave named {wave!r}; the plan has: {names}")
    prerequisites = [] if mode == "scan" or force else _prerequisites(plan, chosen)
    _check_codemods([*chosen, *prerequisites])

    found = discover([Path(p) for p in paths], root=root, exclude=exclude)
    report = Report()
    root_abs = found.root
    if mode in ("write", "diff", "check"):
        _refuse_runtime_clash(plan, chosen, root_abs)
    report.errors.extend(FileError(_shown(e.path, root_abs), e.reason) for e in found.errors)

    prefix = os.path.join(os.fspath(root_abs), "")

    def rel_of(path: Path) -> str:
        absolute = os.path.abspath(path)
        # Slicing the root off is the common case; relpath costs ~25 µs a file.
        rel = absolute[len(prefix) :] if absolute.startswith(prefix) else None
        rel = rel if rel is not None else os.path.relpath(absolute, root_abs)
        return rel.replace(os.sep, "/")

    entries = [(os.fspath(p), rel_of(p)) for p in found.files]
    if wave is not None:
        entries = [(p, rel) for p, rel in entries if plan.wave_of(rel) == wave]

    with _write_guard(mode, root_abs):
        cache = _open_cache(use_cache, cache_dir, root_abs)
        memo = _load_memo(cache, plan, root_abs)
        names = module_names_matter(s.codemod for s in [*chosen, *prerequisites])
        where = {rel: path for path, rel in entries}
        modules = {rel: module_name_for(rel) for _, rel in entries}
        stats: dict[str, os.stat_result] = {}
        skipped: list[str] = []  # unchanged files the memo says do not match
        raws: dict[str, bytes] = {}
        for path, rel in entries:
            with contextlib.suppress(OSError):  # reading reports the problem
                stats[rel] = os.stat(path)
            if memo is not None and rel in stats and memo.matched(rel, stats[rel]) is False:
                skipped.append(rel)
            else:
                _read_into(raws, report, path, rel)
        digests = _Digests(raws)
        candidates, project, tokens = _select_candidates(plan, raws, digests, cache, names)
        if memo is not None and skipped and not tokens <= memo.tokens:
            # New tokens the memo's answers do not cover: check those files after all.
            for rel in skipped:
                _read_into(raws, report, where[rel], rel)
            skipped = []
            candidates, project, tokens = _select_candidates(plan, raws, digests, cache, names)
        report.files_scanned = len(raws) + len(skipped)
        if cache is not None:
            _save_memo(cache, plan, root_abs, memo, tokens, raws, stats, candidates)

        todo: list[Job] = []
        definitions: dict[str, Site] = {}
        looked_at = [*raws, *skipped]
        for rel in sorted(candidates | {r for r in looked_at if plan.legacy_module_of(modules[r])}):
            legacy = plan.legacy_module_of(modules[rel])
            if legacy is not None:
                definitions[rel] = _definition_site(plan, rel, legacy)
                if rel not in raws:
                    continue
            todo.append(
                Job(
                    where[rel],
                    rel,
                    modules[rel],
                    digests[rel],
                    len(raws[rel]),
                    legacy=legacy is not None,
                )
            )
        # The bytes are not needed past this point; free them before workers are forked.
        del raws, digests

        read_digest = {job.rel: job.digest for job in todo}
        keys = {job.rel: _key(plan, project, mode, job, chosen, prerequisites) for job in todo}
        outcomes, misses = _cached(cache, keys, todo)
        report.files_parsed, report.files_cached = len(misses), len(todo) - len(misses)
        # Only a file to parse loads the codemods, and with them LibCST.
        loaded = (_load_codemods(chosen), _load_codemods(prerequisites)) if misses else ([], [])
        work = Work(plan, project, mode, *loaded, module_names=names)
        try:
            with fewer_collections():
                fresh = map_jobs(
                    _process, work, misses, jobs, weight=lambda job: job.size, progress=progress
                )
        except BrokenProcessPool:
            raise EngineError(
                "a worker process died (killed by the system, e.g. out of memory, or crashed "
                "in a native library); nothing was written; run again, or with --jobs 1 to "
                "see which file it was"
            ) from None
        for outcome in fresh:
            outcomes[outcome.rel] = outcome
            if cache is not None and outcome.cacheable:
                # The worker may have read newer bytes than the prefilter saw.
                if outcome.digest == read_digest[outcome.rel]:
                    cache.put(keys[outcome.rel], outcome.to_json())

        if prerequisites:
            _refuse_if_pending(prerequisites, chosen, outcomes, paths)

        for rel in sorted(set(outcomes) | set(definitions)):
            if rel in definitions:
                report.sites.append(definitions[rel])
            if rel not in outcomes:
                continue
            outcome = outcomes[rel]
            if outcome.error is not None:
                report.errors.append(FileError(rel, outcome.error))
                continue
            report.sites.extend(outcome.sites)
            if outcome.changed:
                _apply(report, mode, where[rel], outcome, read_digest[rel])

    report.errors.sort(key=lambda e: (e.path, e.reason))
    return _Run(report, sorted(rel for _, rel in entries))


def _shown(path: str, root: Path) -> str:
    """Root-relative posix path when the path is inside the root, else as given."""
    rel = os.path.relpath(os.path.abspath(path), root)
    return path if rel.startswith("..") else Path(rel).as_posix()


@contextlib.contextmanager
def _write_guard(mode: str, root: Path) -> Iterator[None]:
    """SIGTERM unwinds every run like Ctrl-C (so workers are stopped); writing runs
    also hold the tree's lock."""
    with contextlib.ExitStack() as stack:
        # Signals first: a SIGTERM right after the lock is taken (or right before it is
        # dropped) must unwind through the lock's cleanup, not kill the run beside it.
        stack.enter_context(graceful_signals())
        if mode == "write":
            try:
                stack.enter_context(run_lock(root))
            except LockError as exc:
                raise EngineError(str(exc)) from None
        yield


def _open_cache(use_cache: bool, cache_dir: Path | None, root: Path) -> ResultCache | None:
    if not use_cache:
        return None
    return ResultCache(cache_dir if cache_dir is not None else ResultCache.default_dir(root))


def _key(
    plan: Plan,
    project: ProjectIndex,
    mode: str,
    job: Job,
    chosen: list[Stage],
    prerequisites: list[Stage],
) -> str:
    stages = [mode, *(s.name for s in chosen), "|", *(s.name for s in prerequisites)]
    extra = json.dumps([job.rel, job.module, project.digest])
    return cache_key(job.digest, plan.digest, tool_fingerprint(), stages, extra=extra)


def _refuse_if_pending(
    prerequisites: list[Stage],
    chosen: list[Stage],
    outcomes: dict[str, Outcome],
    paths: Sequence[Path | str],
) -> None:
    for stage in prerequisites:
        files = sorted(rel for rel, o in outcomes.items() if o.pending.get(stage.name))
        if not files:
            continue
        sites = sum(outcomes[rel].pending[stage.name] for rel in files)
        where = " ".join(str(p) for p in paths) or "."
        raise StageOrderError(
            f"refusing to run stage {chosen[0].name!r}: stage {stage.name!r} comes first and "
            f"still has {sites} sites to rewrite in {len(files)} files (first: {files[0]}); "
            f"run `emitter-migrate run --stage {stage.name} {where}` first, "
            "or pass --force to run it anyway"
        )


def _apply(report: Report, mode: str, path: str, outcome: Outcome, read_digest: str) -> None:
    """Record, diff or write one changed file, only if its bytes are the ones processed."""
    try:
        if outcome.digest != read_digest:
            raise SourceError(path, "changed on disk while it was being read; run again")
        if mode == "diff":
            assert outcome.diff is not None
            report.diffs[outcome.rel] = outcome.diff
            report.diff_encodings[outcome.rel] = outcome.diff_encoding
        elif mode == "write":
            assert outcome.new_text is not None
            src = read_source(Path(path))
            if src.digest != outcome.digest:
                raise SourceError(path, "changed on disk after it was read; not overwritten")
            write_atomic(src, outcome.new_text)
    except SourceError as exc:
        report.errors.append(FileError(outcome.rel, exc.reason))
        return
    report.files_changed.append(outcome.rel)


# ----------------------------------------------------------------- status ----
@dataclass(frozen=True)
class StageRow:
    stage: str
    pending: int  # auto sites this stage would still rewrite
    manual: int
    files_pending: int


@dataclass(frozen=True)
class WaveCell:
    stage: str
    pending: int
    manual: int


@dataclass(frozen=True)
class WaveRow:
    wave: str
    files: int
    cells: list[WaveCell]


@dataclass
class Status:
    plan_name: str
    files_scanned: int
    stages: list[StageRow]
    waves: list[WaveRow]
    legacy: list[Site]  # one definition site per legacy module file
    errors: list[FileError]
    report: Report

    def done(self, stage: str) -> bool:
        return next(r.pending == 0 for r in self.stages if r.stage == stage)


def status(paths: Sequence[Path | str], plan: Plan, **options: Any) -> Status:
    """What each stage still has to do in `paths`, overall and per wave."""
    run = _run(paths, plan, ["all"], mode="scan", force=False, **_status_options(options))
    report = run.report
    # A legacy module's own site has no stage; stage deprecate's sites on it are work.
    legacy: list[Site] = []
    work: list[Site] = []
    for site in report.sites:
        (legacy if site.kind == "definition" and not site.stage else work).append(site)
    rows = [
        StageRow(
            stage.name,
            sum(1 for s in work if s.stage == stage.name and s.status == AUTO),
            sum(1 for s in work if s.stage == stage.name and s.status == MANUAL),
            len({s.path for s in work if s.stage == stage.name and s.status == AUTO}),
        )
        for stage in plan.stages
    ]
    wave_names = [w.name for w in plan.waves]
    files_per_wave: dict[str, int] = dict.fromkeys(wave_names, 0)
    for rel in run.files:
        name = plan.wave_of(rel) or "(no wave)"
        files_per_wave[name] = files_per_wave.get(name, 0) + 1
    waves = []
    for name, count in files_per_wave.items():
        in_wave = [s for s in work if (plan.wave_of(s.path) or "(no wave)") == name]
        cells = [
            WaveCell(
                stage.name,
                sum(1 for s in in_wave if s.stage == stage.name and s.status == AUTO),
                sum(1 for s in in_wave if s.stage == stage.name and s.status == MANUAL),
            )
            for stage in plan.stages
        ]
        waves.append(WaveRow(name, count, cells))
    return Status(plan.name, report.files_scanned, rows, waves, legacy, list(report.errors), report)


def _status_options(options: dict[str, Any]) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "jobs": 1,
        "root": None,
        "exclude": (),
        "wave": None,
        "use_cache": False,
        "cache_dir": None,
        "progress": None,
    }
    unknown = set(options) - set(defaults)
    if unknown:
        raise TypeError(f"status() got unexpected options: {', '.join(sorted(unknown))}")
    return {**defaults, **options}
