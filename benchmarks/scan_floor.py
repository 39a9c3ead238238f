"""The least a cold `scan` must do on the generated monorepo, timed step by step (issue 4).

    python benchmarks/scan_floor.py [--files 8000] [--seed 1] [--repo PATH] [--jobs 2] [--repeat 3]

A scan has to report what `run` would do, and `run` reports a candidate file that does
not parse as a failed file with no sites. So even a scan with no LibCST and no analysis
at all must find the files, read them, prefilter them, and parse every candidate with
CPython's own parser (the fastest parser Python has; compiling to bytecode costs the
same). This script times exactly that and nothing more, on 1 process and on `--jobs`
processes, next to `grep -rl` of the same tokens, and prints how much of the 3 s target
is left for everything else (the site analysis, the report). Each figure is the best
of `--repeat` runs, so it is a floor, not a typical time.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from codemod_bench import TARGETS, build_repo, grep_floor  # noqa: E402

from codemods.fastcst.prefilter import TokenMatcher  # noqa: E402
from codemods.plan import load_plan  # noqa: E402
from codemods.run.discover import discover  # noqa: E402
from codemods.stages import module_names_matter  # noqa: E402

_matcher: TokenMatcher | None = None  # set before the workers fork
_CHUNK = 100  # files per task


def _read_and_filter(paths: list[str], *, parse: bool, walk: bool = False) -> tuple[int, int]:
    """(candidates, candidates Python's parser rejects) among `paths`; `walk`: also
    step once through each candidate's tree, looking at nothing (the least analysis)."""
    assert _matcher is not None
    candidates = rejected = 0
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        if not _matcher.matches(data):
            continue
        candidates += 1
        if parse:
            try:
                tree = ast.parse(data.decode())
            except (SyntaxError, UnicodeDecodeError, ValueError):
                rejected += 1
                continue
            if walk:
                for _ in ast.walk(tree):
                    pass
    return candidates, rejected


def _timed(
    repo: Path, step: Callable[[list[str]], tuple[int, int]], jobs: int, repeat: int
) -> tuple[float, tuple[int, int]]:
    """Best wall time of discovery plus `step` over every file, on `jobs` processes."""
    best, counts = float("inf"), (0, 0)
    for _ in range(repeat):
        started = time.perf_counter()
        paths = [os.fspath(p) for p in discover([repo], root=repo).files]
        if jobs == 1:
            counts = step(paths)
        else:
            with ProcessPoolExecutor(jobs) as pool:
                # Small chunks, handed out as workers free up: no worker waits on the other.
                chunks = [paths[i : i + _CHUNK] for i in range(0, len(paths), _CHUNK)]
                parts = list(pool.map(step, chunks))
            counts = (sum(c for c, _ in parts), sum(r for _, r in parts))
        best = min(best, time.perf_counter() - started)
    return best, counts


_FILTER = "find, read, prefilter"
_PARSE = "... and ast.parse each candidate"
_WALK = "... and ast.walk each candidate"
STEPS = (
    (_FILTER, partial(_read_and_filter, parse=False)),
    (_PARSE, partial(_read_and_filter, parse=True)),
    (_WALK, partial(_read_and_filter, parse=True, walk=True)),
)


def main(argv: list[str] | None = None) -> int:
    global _matcher
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repo", type=Path, help="an existing tree instead of the generated one")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    repo = args.repo.resolve() if args.repo else build_repo(args.files, args.seed)[0]
    # The tokens a run of all the plan's stages prefilters with (the engine's own choice).
    plan = load_plan()
    tokens = sorted(plan.file_tokens(module_names_matter(s.codemod for s in plan.stages)))
    _matcher = TokenMatcher(tokens)
    print(f"repo: {repo}, best of {args.repeat}, {os.cpu_count()} cores")
    grep = min(grep_floor(repo).wall for _ in range(args.repeat))
    print(f"grep -rlF of the plan's {len(tokens)} tokens: {grep:.2f} s")
    rows: dict[tuple[str, int], float] = {}
    for jobs in (1, args.jobs):
        for label, step in STEPS:
            wall, (candidates, rejected) = _timed(repo, step, jobs, args.repeat)
            rows[label, jobs] = wall
            print(f"{label:34s} -j {jobs}: {wall:5.2f} s  "
                  f"({candidates} candidates, {rejected} rejected by the parser)")  # fmt: skip
    target = TARGETS["scan"]
    parse_floor = rows[_PARSE, args.jobs]
    walk = rows[_WALK, args.jobs] - parse_floor
    print(f"cold scan target: {target:.1f} s; parsing the candidates takes "
          f"{parse_floor / target:.0%} of it, leaving {target - parse_floor:.2f} s for the "
          f"analysis of every candidate and the report; one bare ast.walk of each adds "
          f"{walk:.2f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
