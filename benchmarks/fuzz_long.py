"""Run the fuzz tests under the long Hypothesis profile and print what each test did.

    python benchmarks/fuzz_long.py [--profile long|ci] [PYTEST_ARGS...]

Equivalent to `EMITTER_MIGRATE_FUZZ=long pytest tests/fuzz --hypothesis-show-statistics`,
plus a table: examples run per test (passing / failing / invalid), seconds per phase, and
the total. The long profile draws fresh random examples each run (11,040 in all); a failure
prints the falsifying module and a @reproduce_failure blob. Exit status is pytest's.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_TEST = re.compile(r"^(tests/fuzz/\S+::\S+?):?$")
_PHASE = re.compile(r"^\s*- during (\w+) phase \(([\d.]+) seconds\):")
_COUNTS = re.compile(r"^\s*- (\d+) passing, (\d+) failing, and (\d+) invalid test cases")


@dataclass
class TestStats:
    name: str
    passing: int = 0
    failing: int = 0
    invalid: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def parse_statistics(output: str) -> list[TestStats]:
    """The per-test blocks of Hypothesis' `--hypothesis-show-statistics` report."""
    stats: list[TestStats] = []
    phase = ""
    inside = False  # pytest's warnings summary lists test ids too: read only Hypothesis' section
    for line in output.splitlines():
        if "Hypothesis Statistics" in line:
            inside = True
        elif inside and line.startswith("====="):
            inside = False
        if not inside:
            continue
        if m := _TEST.match(line.strip()):
            stats.append(TestStats(m.group(1)))
        elif stats and (m := _PHASE.match(line)):
            phase = m.group(1)
            stats[-1].seconds[phase] = float(m.group(2))
        elif stats and phase == "generate" and (m := _COUNTS.match(line)):
            current = stats[-1]
            current.passing, current.failing, current.invalid = map(int, m.groups())
    return stats


def table(stats: list[TestStats]) -> str:
    rows = [f"{'test':<100} {'pass':>6} {'fail':>5} {'invalid':>7} {'gen s':>8} {'shrink s':>8}"]
    for s in stats:
        name = s.name.removeprefix("tests/fuzz/")
        rows.append(
            f"{name:<100} {s.passing:>6} {s.failing:>5} {s.invalid:>7} "
            f"{s.seconds.get('generate', 0):>8.1f} {s.seconds.get('shrink', 0):>8.1f}"
        )
    total = sum(s.passing + s.failing for s in stats)
    rows.append(f"{'total examples run':<100} {total:>6}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=("long", "ci"), default="long")
    args, pytest_args = parser.parse_known_args(argv)
    env = {**os.environ, "EMITTER_MIGRATE_FUZZ": args.profile}
    command = [
        sys.executable, "-m", "pytest", "tests/fuzz", "-p", "no:cacheprovider",
        "-v", "--hypothesis-show-statistics", *pytest_args,
    ]  # fmt: skip
    print(f"$ EMITTER_MIGRATE_FUZZ={args.profile} {' '.join(command[2:])}", flush=True)
    started = time.monotonic()
    # Streamed, so a run of an hour shows progress and keeps its output if stopped.
    proc = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        lines.append(line)
    status = proc.wait()
    wall = time.monotonic() - started
    print("\n" + table(parse_statistics("".join(lines))))
    print(f"wall time {wall:.0f} s, pytest exit status {status}")
    return status


if __name__ == "__main__":
    sys.exit(main())
