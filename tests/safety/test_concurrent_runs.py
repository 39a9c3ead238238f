"""Two writing runs on one tree: the second refuses (exit 2, naming the lock); the tree ends right.

The first run is frozen with SIGSTOP once it holds the lock, so the overlap is certain
rather than a race the test usually wins.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from codemods.run.lock import LOCK_NAME
from tests.safety.conftest import Migration
from tests.safety.repo import copy_tree, leftovers, run_cli, snapshot, start_cli


def _frozen_while_locked(tree: Path, pid: int) -> bool:
    """Stop `pid` as soon as the lock file names it; False if it finished first."""
    lock = tree / LOCK_NAME
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            holder = lock.read_text().split()
        except FileNotFoundError:
            holder = []
        if holder and holder[0] == str(pid):
            os.kill(pid, signal.SIGSTOP)
            if lock.exists():
                return True
            os.kill(pid, signal.SIGCONT)  # it let go just before the stop
            return False
        time.sleep(0.001)
    return False


def test_second_run_on_a_locked_tree_refuses_with_exit_2_naming_the_lock(
    migration: Migration, tmp_path: Path
) -> None:
    for attempt in range(3):
        tree = copy_tree(migration.original, tmp_path / f"tree{attempt}")
        first = start_cli(["run", str(tree), "--stage", "all", "--jobs", "1"])
        try:
            if not _frozen_while_locked(tree, first.pid):
                first.communicate(timeout=120)
                continue
            frozen = snapshot(tree)
            second = run_cli(["run", str(tree), "--stage", "all"])
            assert second.returncode == 2, second.stdout + second.stderr
            assert str(tree / LOCK_NAME) in second.stderr
            assert f"pid {first.pid}" in second.stderr
            assert snapshot(tree) == frozen, "the refused run touched the tree"
            os.kill(first.pid, signal.SIGCONT)
            _, err = first.communicate(timeout=120)
        finally:
            if first.poll() is None:
                os.killpg(first.pid, signal.SIGKILL)
                first.wait()
        assert first.returncode == migration.exit_code, err
        assert snapshot(tree) == migration.after
        assert leftovers(tree) == []
        return
    raise AssertionError("the first run never held the lock long enough to be frozen")


def test_scan_and_diff_do_not_take_the_lock_so_they_work_beside_a_writing_run(
    migration: Migration, tmp_path: Path
) -> None:
    tree = copy_tree(migration.original, tmp_path / "tree")
    first = start_cli(["run", str(tree), "--stage", "all", "--jobs", "1"])
    try:
        assert _frozen_while_locked(tree, first.pid)
        scan = run_cli(["scan", str(tree), "--format", "json"])
        assert scan.returncode == 2, scan.stderr  # the repo's broken files, not the lock
        assert LOCK_NAME not in scan.stderr
        os.kill(first.pid, signal.SIGCONT)
        first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
    assert snapshot(tree) == migration.after
