"""Where a cold run's time goes: the engine in one process, one core, no cache (issue 4).

    python benchmarks/engine_phases.py scan|diff [--files 8000] [--seed 1] [--repo PATH]

Runs every stage over the generated monorepo with `--jobs 1` semantics and times the
engine's phases by wrapping the functions that do them. Each phase's time excludes the
phases timed inside it, so the rows add up to the whole. A profiler would distort the
figures (it slows Python calls, not the parsers); these wrappers cost one timer call
per phase call. Each stage's transform is reported separately; in a scan, the stages'
site reading is what is left of the per-file work.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import libcst as cst  # noqa: E402
from codemod_bench import build_repo  # noqa: E402

import codemods.analysis.import_edit as import_edit  # noqa: E402
import codemods.engine as engine  # noqa: E402
import codemods.run.process as process  # noqa: E402
import codemods.stages.cleanup as cleanup  # noqa: E402
from codemods.analysis.resolve import Resolver  # noqa: E402
from codemods.plan import load_plan  # noqa: E402

_spent: Counter[str] = Counter()
_calls: Counter[str] = Counter()
_inner: list[float] = []  # time spent in timed phases below the current one


def _timed(fn: Callable[..., Any], name: Callable[..., str] | str) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        _inner.append(0.0)
        try:
            return fn(*args, **kwargs)
        finally:
            took = time.perf_counter() - started
            key = name(*args) if callable(name) else name
            _spent[key] += took - _inner.pop()
            _calls[key] += 1
            if _inner:
                _inner[-1] += took

    return wrapper


def _patch() -> None:
    process.sparse_source = _timed(process.sparse_source, "sparse source")
    process.unified_diff = _timed(process.unified_diff, "unified diff")
    process._parses = _timed(process._parses, "output check (ast.parse)")
    cst.parse_module = _timed(cst.parse_module, "LibCST parse")
    cst.Module._codegen = _timed(cst.Module._codegen, "codegen of whole trees")
    Resolver.run = _timed(Resolver.run, "resolver runs")
    # Bound by name where it is imported too: each binding is replaced, or those calls
    # would count as the calling stage's transform.
    name_uses = _timed(import_edit.name_uses, "name-use counts")
    import_edit.name_uses = cleanup.name_uses = name_uses
    import_edit.edit_lines = _timed(import_edit.edit_lines, "import removal")
    process.run_codemod = _timed(
        process.run_codemod, lambda _m, codemod, _ctx: f"transform: {codemod.__name__}"
    )
    process.process_job = _timed(process.process_job, "rest of the per-file work")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("scan", "diff"))
    parser.add_argument("--files", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repo", type=Path, help="an existing tree instead of the generated one")
    args = parser.parse_args(argv)
    repo = args.repo.resolve() if args.repo else build_repo(args.files, args.seed)[0]
    plan = load_plan()
    _patch()
    started = time.perf_counter()
    engine.run_stages([repo], plan, ["all"], mode=args.mode, jobs=1, root=repo)
    total = time.perf_counter() - started
    parse = _spent["LibCST parse"] or 1.0
    print(f"{args.mode}, one process, no cache, {repo.name}: {total:.2f} s "
          f"({total / parse:.1f}x the LibCST parse)")  # fmt: skip
    rows = [
        *_spent.most_common(),
        ("parent: find, read, prefilter, index, load", total - sum(_spent.values())),
    ]
    for name, spent in rows:
        calls = f"{_calls[name]} calls" if name in _calls else ""
        print(f"  {name:42s} {spent:7.2f} s  {calls}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
