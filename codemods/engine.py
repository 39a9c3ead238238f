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

import ast
import contextlib
import hashlib
import json
import os
import pickle
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper

from codemods.cache import ResultCache, cache_key
from codemods.discover import discover
from codemods.lock import LockError, run_lock
from codemods.plan import Plan, Stage
from codemods.pool import map_jobs
from codemods.prefilter import PrefilterMemo, TokenMatcher
from codemods.render import unified_diff
from codemods.report import AUTO, MANUAL, FileError, Report, Site
from codemods.resolve import ProjectIndex, build_index, module_name_of
from codemods.signals import graceful_signals
from codemods.source import SourceError, SourceFile, read_source, write_atomic
from codemods.sparse import (
    Relevance,
    SparseSource,
    full_parse_forced,
    relevance_for,
    sparse_source,
)
from codemods.transforms import CodemodUnavailable, get_codemod
from codemods.transforms.base import FileContext, StageCodemod, run_codemod
from codemods.transforms.positions import module_code, tree_text
from codemods.version import tool_fingerprint

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


def _legacy_module(plan: Plan, module: str | None) -> str | None:
    """The plan's legacy module this module is (its name may carry a longer prefix)."""
    if module is None:
        return None
    hits = [m for m in plan.legacy_modules if module == m or module.endswith("." + m)]
    return max(hits, key=len) if hits else None


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
    plan: Plan, raws: dict[str, bytes], digests: _Digests, cache: ResultCache | None
) -> tuple[set[str], ProjectIndex, frozenset[bytes]]:
    """Files that may use a legacy API, the project index built from them, and the tokens.

    The index names classes derived from legacy ones; their names widen the prefilter,
    which may bring in files that only use those classes, whose classes may widen it
    again: iterate until nothing new comes in. The files chosen are then exactly those
    holding one of the final tokens.
    """
    tokens = set(plan.prefilter_tokens)
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
@dataclass(frozen=True)
class _Job:
    path: str  # path to open
    rel: str  # root-relative posix path, as reported
    module: str | None
    digest: str
    size: int


@dataclass
class _Outcome:
    rel: str
    digest: str
    changed: bool = False
    new_text: str | None = None  # mode write: the text to write
    diff: str | None = None  # mode diff: the unified diff
    sites: list[Site] = field(default_factory=list)
    error: str | None = None
    pending: dict[str, int] = field(default_factory=dict)  # prerequisite stage -> auto sites
    cacheable: bool = True  # False when the result depends on more than the bytes

    def to_json(self) -> bytes:
        doc = {
            "digest": self.digest,
            "changed": self.changed,
            "new_text": self.new_text,
            "diff": self.diff,
            "sites": [
                [s.line, s.col, s.kind, s.symbol, s.status, s.reason, s.stage] for s in self.sites
            ],
            "error": self.error,
            "pending": self.pending,
        }
        return json.dumps(doc, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, rel: str, data: bytes) -> _Outcome:
        doc = json.loads(data)
        sites = [Site(rel, *row) for row in doc["sites"]]
        return cls(
            rel,
            doc["digest"],
            doc["changed"],
            doc["new_text"],
            doc["diff"],
            sites,
            doc["error"],
            doc["pending"],
        )


@dataclass(frozen=True)
class _Work:
    """Everything a worker needs besides the job (sent once per worker)."""

    plan: Plan
    project: ProjectIndex
    mode: str
    stages: list[tuple[str, type[StageCodemod]]]
    prerequisites: list[tuple[str, type[StageCodemod]]]


def _process(work: _Work, job: _Job) -> _Outcome:
    """Read, parse once, run the stages; never raises for a problem in the file."""
    try:
        src = read_source(Path(job.path))
    except SourceError as exc:
        return _Outcome(job.rel, job.digest, error=exc.reason, cacheable=False)
    sparse = None if full_parse_forced() else sparse_source(src.text, _relevance(work))
    if sparse is not None:
        fast = _process_text(work, job, src, sparse)
        if fast is not None:
            return fast
    full = _process_text(work, job, src, None)
    assert full is not None
    return full


_RELEVANCE: dict[int, tuple[_Work, Relevance]] = {}


def _relevance(work: _Work) -> Relevance:
    hit = _RELEVANCE.get(id(work))
    if hit is None or hit[0] is not work:
        _RELEVANCE.clear()
        hit = _RELEVANCE[id(work)] = (work, relevance_for(work.plan, work.project))
    return hit[1]


def _process_text(
    work: _Work, job: _Job, src: SourceFile, sparse: SparseSource | None
) -> _Outcome | None:
    """Parse and run the stages on the whole text, or on its sparse form (see
    codemods.sparse); None when the sparse form cannot be trusted for this file."""
    out = _Outcome(job.rel, src.digest)
    text = src.text if sparse is None else sparse.text
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        if sparse is not None:
            return None
        out.error = _syntax_error(src.text, exc)
        return out
    except Exception as exc:  # the native parser can fail in other ways (e.g. deep nesting)
        if sparse is not None:
            return None
        out.error = f"cannot parse: {type(exc).__name__}: {exc}; fix it and re-run"
        return out

    def ctx(stage: str) -> FileContext:
        return FileContext(
            job.rel, job.module, work.plan, stage, work.project, sites_only=work.mode == "scan"
        )

    # Every stage that reads the original tree shares one wrapper, so metadata such as
    # positions is computed once for them (run_codemod would build a wrapper per stage).
    original = MetadataWrapper(module, unsafe_skip_copy=True)
    current_stage = ""
    try:
        if work.mode == "scan":
            for name, codemod in work.stages:
                current_stage = name
                c = ctx(name)
                original.visit(codemod(c))
                out.sites.extend(c.sites)
            return _mapped(out, sparse)
        for name, codemod in work.prerequisites:
            current_stage = name
            c = ctx(name)
            original.visit(codemod(c))
            pending = sum(1 for s in c.sites if s.status == AUTO)
            if pending:
                out.pending[name] = pending
        # Read now, while the original tree's code is shared with its first stage.
        roundtrips = tree_text(module).code == text
        chain = [module]
        for name, codemod in work.stages:
            current_stage = name
            c = ctx(name)
            if len(chain) == 1:
                chain.append(original.visit(codemod(c)))
            else:
                chain.append(run_codemod(chain[-1], codemod, c))
            out.sites.extend(c.sites)
    except Exception as exc:  # a codemod bug must cost one file, not the run
        if sparse is not None:
            return None
        out.sites = []
        out.error = (
            f"internal error in stage {current_stage}: {type(exc).__name__}: {exc}; please report"
        )
        return out
    new_text: str | None = module_code(chain[-1])
    if new_text != text and not roundtrips:
        # LibCST does not give every file back byte for byte (lines of spaces, or comments
        # indented deeper than the last statement, at the end of a module): what differs
        # may be its loss, not a rewrite, and is never written.
        if sparse is not None:
            return None
        if any(s.status == AUTO for s in out.sites):
            out.sites = []
            out.error = (
                "LibCST cannot reproduce this file byte for byte (lines at its end, such as "
                "indented comments or a line of spaces, would be lost); file left unchanged: "
                "delete or dedent those trailing lines, then re-run"
            )
        return out
    if sparse is not None:
        if new_text != sparse.text and not _parses(new_text):
            return None
        # Sites of later stages are on lines of the chained trees, which a placeholder
        # shifts exactly like the statements it stands for: nothing to check there.
        new_text = sparse.restore(new_text)
        if new_text is None:
            return None
    if new_text != src.text:
        # A sparse output was checked above (and a bad one parsed whole instead).
        bad = None if sparse is not None else _first_unparsable(chain, [n for n, _ in work.stages])
        if bad is not None:
            out.sites = []
            out.error = (
                f"stage {bad} produced code that does not parse; file left unchanged; please report"
            )
            return out
        out.changed = True
        if work.mode == "write":
            out.new_text = new_text
        elif work.mode == "diff":
            out.diff = unified_diff(src.text, new_text, job.rel)
    return out


def _mapped(out: _Outcome, sparse: SparseSource | None) -> _Outcome | None:
    """The scan outcome, or None when a site sits inside a placeholder of the sparse
    form (its positions are the file's own otherwise), which would mean it is wrong."""
    if sparse is not None and any(sparse.line(s.line) is None for s in out.sites):
        return None
    return out


def _syntax_error(text: str, exc: cst.ParserSyntaxError) -> str:
    """Python's own message and position when it has one: clearer than the native parser's."""
    line, col, message = exc.raw_line, exc.raw_column + 1, exc.message
    message = re.sub(r"^(parser error: )?error at \d+:\d+: ", "", message)
    try:
        ast.parse(text)
    except SyntaxError as py:
        if py.lineno is not None:
            line, col, message = py.lineno, py.offset or 1, py.msg
    except (ValueError, RecursionError, MemoryError):
        pass
    return f"syntax error at line {line}, col {col}: {message}; fix it and re-run"


def _first_unparsable(chain: list[cst.Module], names: list[str]) -> str | None:
    """The first stage whose output does not parse (None if the final output parses)."""
    if _parses(chain[-1].code):
        return None
    for name, module in zip(names, chain[1:], strict=True):
        if not _parses(module.code):
            return name
    return names[-1]


def _parses(code: str) -> bool:
    try:
        cst.parse_module(code)
    except Exception:
        return False
    return True


# ------------------------------------------------------------- execution ----
def _cached(
    cache: ResultCache | None, keys: dict[str, str], jobs: list[_Job]
) -> tuple[dict[str, _Outcome], list[_Job]]:
    hits: dict[str, _Outcome] = {}
    misses: list[_Job] = []
    for job in jobs:
        data = cache.get(keys[job.rel]) if cache is not None else None
        outcome = None
        if data is not None:
            with contextlib.suppress(ValueError, KeyError, TypeError):
                outcome = _Outcome.from_json(job.rel, data)
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
    codemods = _load_codemods(chosen)
    before = _load_codemods(prerequisites)

    found = discover([Path(p) for p in paths], root=root, exclude=exclude)
    report = Report()
    root_abs = found.root
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
        candidates, project, tokens = _select_candidates(plan, raws, digests, cache)
        if memo is not None and skipped and not tokens <= memo.tokens:
            # New tokens the memo's answers do not cover: check those files after all.
            for rel in skipped:
                _read_into(raws, report, where[rel], rel)
            skipped = []
            candidates, project, tokens = _select_candidates(plan, raws, digests, cache)
        report.files_scanned = len(raws) + len(skipped)
        if cache is not None:
            _save_memo(cache, plan, root_abs, memo, tokens, raws, stats, candidates)

        todo: list[_Job] = []
        definitions: dict[str, Site] = {}
        looked_at = [*raws, *skipped]
        for rel in sorted(candidates | {r for r in looked_at if _legacy_module(plan, modules[r])}):
            legacy = _legacy_module(plan, modules[rel])
            if legacy is not None:
                definitions[rel] = _definition_site(plan, rel, legacy)
                continue
            todo.append(_Job(where[rel], rel, modules[rel], digests[rel], len(raws[rel])))
        # The bytes are not needed past this point; free them before workers are forked.
        del raws, digests

        work = _Work(plan, project, mode, codemods, before)
        read_digest = {job.rel: job.digest for job in todo}
        keys = {job.rel: _key(work, job, chosen, prerequisites) for job in todo}
        outcomes, misses = _cached(cache, keys, todo)
        try:
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


def _key(work: _Work, job: _Job, chosen: list[Stage], prerequisites: list[Stage]) -> str:
    stages = [work.mode, *(s.name for s in chosen), "|", *(s.name for s in prerequisites)]
    extra = json.dumps([job.rel, job.module, work.project.digest])
    return cache_key(job.digest, work.plan.digest, tool_fingerprint(), stages, extra=extra)


def _refuse_if_pending(
    prerequisites: list[Stage],
    chosen: list[Stage],
    outcomes: dict[str, _Outcome],
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


def _apply(report: Report, mode: str, path: str, outcome: _Outcome, read_digest: str) -> None:
    """Record, diff or write one changed file, only if its bytes are the ones processed."""
    try:
        if outcome.digest != read_digest:
            raise SourceError(path, "changed on disk while it was being read; run again")
        if mode == "diff":
            assert outcome.diff is not None
            report.diffs[outcome.rel] = outcome.diff
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
    legacy = [s for s in report.sites if s.kind == "definition"]
    work = [s for s in report.sites if s.kind != "definition"]
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
