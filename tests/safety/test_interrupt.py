"""SIGINT/SIGTERM at random moments of a real run leave every file old or fully new."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.safety.conftest import Migration
from tests.safety.repo import copy_tree, group_gone, leftovers, run_cli, snapshot, start_cli

TRIALS = int(os.environ.get("EMITTER_MIGRATE_INTERRUPT_TRIALS", "10"))
SEED = 20_241
# Exit statuses an interrupted run may end with: finished anyway (0, or 2 for the repo's broken
# files, or for a pool worker the group signal reached before it could ignore it), interrupted
# in the engine (130), interrupted in click before the engine started (1, "Aborted!"), or
# killed by the signal's default action outside Python's handlers (-signum: start-up, exit).
_ACCEPTED = {0, 1, 2, 130, -signal.SIGINT, -signal.SIGTERM}


def _wait_for_first_write(root: Path, paths: list[str], proc: subprocess.Popen[str]) -> None:
    """Return once one of `paths` is rewritten (or the run is over)."""
    stamps = {p: (root / p).stat().st_mtime_ns for p in paths}
    while proc.poll() is None:
        if any((root / p).stat().st_mtime_ns != t for p, t in stamps.items()):
            return
        time.sleep(0.0005)


def _interrupt(proc: subprocess.Popen[str], signum: int, whole_group: bool) -> None:
    try:
        if whole_group:  # what Ctrl-C in a terminal does: parent and workers get it
            os.killpg(proc.pid, signum)
        else:
            os.kill(proc.pid, signum)
    except ProcessLookupError:
        pass  # the run had already finished


@dataclass(frozen=True)
class Trial:
    when: str  # "anytime": a random moment of the run; "writing": once it starts writing
    signum: int
    group: bool  # to the whole process group, as Ctrl-C in a terminal does
    delay: float
    again: float | None  # a second signal this long after the first (an impatient user)

    def __str__(self) -> str:
        twice = f", again after {self.again}s" if self.again is not None else ""
        target = "group" if self.group else "parent"
        name = signal.Signals(self.signum).name
        return f"{self.when}, {name} to the {target} after {self.delay:.3f}s{twice}"


def _plan_trials(seconds: float) -> list[Trial]:
    """Half at a random moment of the run, half once writing has begun."""
    rng = random.Random(SEED)
    trials = []
    for i in range(TRIALS):
        signum = rng.choice((signal.SIGINT, signal.SIGTERM))
        group = signum == signal.SIGINT and rng.random() < 0.5
        again = rng.choice((0.0, 0.01, 0.1)) if rng.random() < 0.3 else None
        if i % 2 == 0:
            trials.append(Trial("anytime", signum, group, rng.uniform(0.05, seconds), again))
        else:
            trials.append(Trial("writing", signum, group, rng.uniform(0.0, 0.03), again))
    return trials


@pytest.mark.slow
def test_interrupted_runs_leave_every_file_original_or_fully_rewritten_and_a_rerun_finishes(
    migration: Migration, tmp_path: Path
) -> None:
    outcomes = []
    for n, trial in enumerate(_plan_trials(migration.seconds)):
        tree = copy_tree(migration.original, tmp_path / f"trial{n}")
        proc = start_cli(["run", str(tree), "--stage", "all"])
        try:
            if trial.when == "writing":
                _wait_for_first_write(tree, migration.changed, proc)
            time.sleep(trial.delay)
            _interrupt(proc, trial.signum, trial.group)
            if trial.again is not None:
                time.sleep(trial.again)
                _interrupt(proc, trial.signum, trial.group)
            _, stderr = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        label = f"trial {n} ({trial})"
        assert proc.returncode in _ACCEPTED, f"{label}: exit {proc.returncode}\n{stderr}"
        assert "Traceback" not in stderr or proc.returncode == -trial.signum, f"{label}:\n{stderr}"
        assert group_gone(proc.pid), f"{label}: a worker process outlived the interrupted run"

        now = snapshot(tree)
        assert set(now) == set(migration.before), f"{label}: files appeared or vanished"
        torn = [p for p in now if now[p] not in (migration.before[p], migration.after[p])]
        assert torn == [], f"{label}: neither original nor fully rewritten: {torn}"
        assert leftovers(tree) == [], f"{label}: left behind {leftovers(tree)}"
        outcomes.append(sum(now[p] != migration.before[p] for p in migration.changed))

        rerun = run_cli(["run", str(tree), "--stage", "all"])
        assert rerun.returncode == migration.exit_code, f"{label}: re-run:\n{rerun.stderr}"
        assert snapshot(tree) == migration.after, f"{label}: the re-run did not finish the job"
        assert leftovers(tree) == []

    # Where the signals landed (files already rewritten per trial), for `pytest -s` readers.
    print(f"\ninterrupt trials: rewritten files per trial {outcomes} of {len(migration.changed)}")
