"""One file through the stages: read, parse once (sparse when it can), run, compare.

Runs in the workers (and in the parent for `--jobs 1`); never raises for a problem in
the file, which comes back as the outcome's error.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import libcst as cst

from codemods.fastcst.positions import module_code, tree_text
from codemods.fastcst.sparse import (
    Relevance,
    SparseSource,
    full_parse_forced,
    relevance_for,
    sparse_source,
)
from codemods.render import unified_diff
from codemods.report import AUTO
from codemods.run.jobs import Job, Outcome, Work
from codemods.run.source import SourceError, SourceFile, UndecodableSourceError, read_source
from codemods.stages.base import FileContext, run_codemod

__all__ = ["process_job"]


def process_job(work: Work, job: Job) -> Outcome:
    """Read, parse once, run the stages; never raises for a problem in the file."""
    if work.for_file(job) == ([], []):
        # No stage acts on this file (stage 1 acts on the legacy modules alone): nothing
        # to read or parse.
        return Outcome(job.rel, job.digest)
    try:
        src = read_source(Path(job.path))
    except UndecodableSourceError as exc:  # decided by the bytes alone
        return Outcome(job.rel, exc.digest, error=exc.reason)
    except SourceError as exc:  # the file system's doing (permissions, a vanished file)
        return Outcome(job.rel, job.digest, error=exc.reason, cacheable=False)
    # A legacy module is parsed whole: the codemods that edit it decorate its definitions,
    # which the sparse form is not shaped for.
    sparse = (
        None if full_parse_forced() or job.legacy else sparse_source(src.text, _relevance(work))
    )
    if sparse is not None:
        try:
            return _process_text(work, job, src, sparse)
        except _SparseUntrusted:
            pass  # parsed whole below: the same outcome, only slower
    return _process_text(work, job, src, None)


class _SparseUntrusted(Exception):
    """The sparse form of a file cannot be trusted for it (it fails to parse, a stage
    fails on it, a site or an edit falls in a placeholder): redo with the whole text."""


def _fail(out: Outcome, sparse: SparseSource | None, error: str) -> Outcome:
    """`out` with `error` and no sites; on the sparse form, redo whole instead, since the
    problem may be the sparse form's."""
    if sparse is not None:
        raise _SparseUntrusted
    out.sites = []
    out.error = error
    return out


_RELEVANCE: dict[int, tuple[Work, Relevance]] = {}


def _relevance(work: Work) -> Relevance:
    hit = _RELEVANCE.get(id(work))
    if hit is None or hit[0] is not work:
        _RELEVANCE.clear()
        relevance = relevance_for(work.plan, work.project, work.module_names)
        hit = _RELEVANCE[id(work)] = (work, relevance)
    return hit[1]


def _process_text(work: Work, job: Job, src: SourceFile, sparse: SparseSource | None) -> Outcome:
    """Parse and run the stages on the whole text, or on its sparse form (see
    codemods.fastcst.sparse); raises _SparseUntrusted when the sparse form will not do."""
    out = Outcome(job.rel, src.digest)
    text = src.text if sparse is None else sparse.text
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        return _fail(out, sparse, _syntax_error(src.text, exc))
    except Exception as exc:  # the native parser can fail in other ways (e.g. deep nesting)
        return _fail(out, sparse, f"cannot parse: {type(exc).__name__}: {exc}; fix it and re-run")
    try:
        if work.mode == "scan":
            return _scan(work, job, module, out, sparse)
        chain, roundtrips = _run_stages(work, job, module, text, out)
    except _StageError as exc:  # a codemod bug must cost one file, not the run
        return _fail(out, sparse, str(exc))
    return _result(work, job, src, sparse, roundtrips, chain, out)


class _StageError(Exception):
    """A codemod raised: the message names the stage and the exception."""

    def __init__(self, stage: str, exc: Exception) -> None:
        super().__init__(
            f"internal error in stage {stage}: {type(exc).__name__}: {exc}; please report"
        )


def _context(work: Work, job: Job, stage: str, sites_only: bool = False) -> FileContext:
    return FileContext(
        job.rel,
        job.module,
        work.plan,
        stage,
        work.project,
        sites_only=sites_only or work.mode == "scan",
    )


def _scan(
    work: Work, job: Job, module: cst.Module, out: Outcome, sparse: SparseSource | None
) -> Outcome:
    """Sites only: every stage reads the tree as parsed, nothing is rebuilt."""
    stages, _ = work.for_file(job)
    for name, codemod in stages:
        c = _context(work, job, name)
        try:
            codemod(c).read_sites(module)
        except Exception as exc:
            raise _StageError(name, exc) from exc
        out.sites.extend(c.sites)
    # A site inside a placeholder of the sparse form would have a wrong position.
    if sparse is not None and any(sparse.line(s.line) is None for s in out.sites):
        raise _SparseUntrusted
    return out


def _run_stages(
    work: Work, job: Job, module: cst.Module, text: str, out: Outcome
) -> tuple[list[cst.Module], bool]:
    """The prerequisites' pending counts into `out`, then the chain of trees (the parsed
    one, then each stage's output), and whether LibCST gives `text` back byte for byte."""
    stages, prerequisites = work.for_file(job)
    for name, codemod in prerequisites:
        c = _context(work, job, name)
        try:
            run_codemod(module, codemod, c)  # only its sites are wanted
        except Exception as exc:
            raise _StageError(name, exc) from exc
        pending = sum(1 for s in c.sites if s.status == AUTO)
        if pending:
            out.pending[name] = pending
    # Read now, while the original tree's code is shared with its first stage.
    roundtrips = tree_text(module).code == text
    chain = [module]
    for name, codemod in stages:
        if codemod.edits_only_at_auto_sites:
            # Reading its sites is a walk; transforming copies the tree. Where it would
            # rewrite nothing (most files), the reading is the whole answer.
            probe = _context(work, job, name, sites_only=True)
            try:
                codemod(probe).read_sites(chain[-1])
            except Exception as exc:
                raise _StageError(name, exc) from exc
            if not any(s.status == AUTO for s in probe.sites):
                chain.append(chain[-1])
                out.sites.extend(probe.sites)
                continue
        c = _context(work, job, name)
        try:
            chain.append(run_codemod(chain[-1], codemod, c))
        except Exception as exc:
            raise _StageError(name, exc) from exc
        out.sites.extend(c.sites)
    return chain, roundtrips


def _result(
    work: Work,
    job: Job,
    src: SourceFile,
    sparse: SparseSource | None,
    roundtrips: bool,
    chain: list[cst.Module],
    out: Outcome,
) -> Outcome:
    """The outcome of a run over `chain`: refused unless the output is faithful and parses,
    else the new text (write) or its diff (diff)."""
    stages, _ = work.for_file(job)
    text = src.text if sparse is None else sparse.text
    new_text: str | None = module_code(chain[-1])
    if new_text != text and not roundtrips:
        # LibCST does not give every file back byte for byte (lines of spaces, or comments
        # indented deeper than the last statement, at the end of a module): what differs
        # may be its loss, not a rewrite, and is never written.
        if not any(s.status == AUTO for s in out.sites):
            if sparse is not None:
                raise _SparseUntrusted
            return out
        return _fail(
            out,
            sparse,
            "LibCST cannot reproduce this file byte for byte (lines at its end, such as "
            "indented comments or a line of spaces, would be lost); file left unchanged: "
            "delete or dedent those trailing lines, then re-run",
        )
    if sparse is not None:
        if new_text != sparse.text and not _parses(new_text):
            raise _SparseUntrusted
        # Sites of later stages are on lines of the chained trees, which a placeholder
        # shifts exactly like the statements it stands for: nothing to check there.
        new_text = sparse.restore(new_text)
        if new_text is None:
            raise _SparseUntrusted
    if new_text == src.text:
        return out
    # A sparse output was checked above (and a bad one parsed whole instead).
    if sparse is None:
        # Python's parser, unless it rejects the input too (LibCST accepts a little more).
        check = _parses if _parses(src.text) else _libcst_parses
        bad = _first_unparsable(chain, [n for n, _ in stages], check)
        if bad is not None:
            return _fail(
                out,
                None,
                f"stage {bad} produced code that does not parse; file left unchanged; "
                "please report",
            )
    out.changed = True
    if work.mode == "write":
        out.new_text = new_text
    elif work.mode == "diff":
        out.diff = unified_diff(src.text, new_text, job.rel)
        out.diff_encoding = src.encoding
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


def _first_unparsable(
    chain: list[cst.Module], names: list[str], parses: Callable[[str], bool]
) -> str | None:
    """The first stage whose output does not parse (None if the final output parses)."""
    if parses(chain[-1].code):
        return None
    for name, module in zip(names, chain[1:], strict=True):
        if not parses(module.code):
            return name
    return names[-1]


def _parses(code: str) -> bool:
    """Whether Python's own parser accepts `code`: the grammar that matters, and several
    times cheaper than a second LibCST parse."""
    try:
        ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _libcst_parses(code: str) -> bool:
    try:
        cst.parse_module(code)
    except Exception:
        return False
    return True
