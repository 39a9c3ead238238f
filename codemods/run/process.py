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
from libcst.metadata import MetadataWrapper

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
        fast = _process_text(work, job, src, sparse)
        if fast is not None:
            return fast
    full = _process_text(work, job, src, None)
    assert full is not None
    return full


_RELEVANCE: dict[int, tuple[Work, Relevance]] = {}


def _relevance(work: Work) -> Relevance:
    hit = _RELEVANCE.get(id(work))
    if hit is None or hit[0] is not work:
        _RELEVANCE.clear()
        hit = _RELEVANCE[id(work)] = (work, relevance_for(work.plan, work.project))
    return hit[1]


def _process_text(
    work: Work, job: Job, src: SourceFile, sparse: SparseSource | None
) -> Outcome | None:
    """Parse and run the stages on the whole text, or on its sparse form (see
    codemods.fastcst.sparse); None when the sparse form cannot be trusted for this file."""
    stages, prerequisites = work.for_file(job)
    out = Outcome(job.rel, src.digest)
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

    current_stage = ""
    try:
        if work.mode == "scan":
            for name, codemod in stages:
                current_stage = name
                c = ctx(name)
                codemod(c).read_sites(module)
                out.sites.extend(c.sites)
            return _mapped(out, sparse)
        # Every stage that reads the original tree shares one wrapper, so metadata such as
        # positions is computed once for them (run_codemod would build a wrapper per stage).
        original = MetadataWrapper(module, unsafe_skip_copy=True)
        for name, codemod in prerequisites:
            current_stage = name
            c = ctx(name)
            original.visit(codemod(c))
            pending = sum(1 for s in c.sites if s.status == AUTO)
            if pending:
                out.pending[name] = pending
        # Read now, while the original tree's code is shared with its first stage.
        roundtrips = tree_text(module).code == text
        chain = [module]
        for name, codemod in stages:
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
        bad = None
        if sparse is None:
            # Python's parser, unless it rejects the input too (LibCST accepts a little more).
            check = _parses if _parses(src.text) else _libcst_parses
            bad = _first_unparsable(chain, [n for n, _ in stages], check)
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


def _mapped(out: Outcome, sparse: SparseSource | None) -> Outcome | None:
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
