"""The per-tree run lock, exercised with real second processes."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from codemods.run import lock
from codemods.run.lock import LOCK_NAME, LockError, RunLockedError, run_lock

_HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from codemods.run.lock import run_lock
    with run_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        sys.stdin.readline()
    print("released", flush=True)
    """
)


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A second process that holds the lock on tmp_path until its stdin closes."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "locked\n"
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=10)
    return proc.pid


def test_lock_file_holds_pid_and_start_time_and_is_removed_after(tmp_path: Path) -> None:
    lock_file = tmp_path / LOCK_NAME
    with run_lock(tmp_path):
        pid, started = lock_file.read_text().split()
        assert int(pid) == os.getpid()
        assert started[:2] == "20" and "T" in started
    assert not lock_file.exists()


def test_lock_file_is_removed_when_the_run_fails(tmp_path: Path) -> None:
    with pytest.raises(ValueError), run_lock(tmp_path):
        raise ValueError("boom")
    assert not (tmp_path / LOCK_NAME).exists()


def test_second_process_is_refused_while_the_first_runs(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    with pytest.raises(RunLockedError) as info, run_lock(tmp_path):
        pytest.fail("the lock should have been refused")
    message = str(info.value)
    assert info.value.pid == holder.pid
    assert f"pid {holder.pid}" in message
    assert str(tmp_path / LOCK_NAME) in message
    assert "wait for it to finish" in message
    assert isinstance(info.value, RuntimeError)
    # The refused attempt must not have removed the holder's file.
    assert (tmp_path / LOCK_NAME).read_text().split()[0] == str(holder.pid)


def test_lock_is_free_again_once_the_holder_finishes(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    assert holder.stdin is not None and holder.stdout is not None
    holder.stdin.close()
    assert holder.stdout.readline() == "released\n"
    holder.wait(timeout=10)
    with run_lock(tmp_path):
        assert (tmp_path / LOCK_NAME).read_text().split()[0] == str(os.getpid())


def test_killed_holder_leaves_a_file_that_does_not_block(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    lock_file = tmp_path / LOCK_NAME
    assert lock_file.read_text().split()[0] == str(holder.pid)  # left behind
    with run_lock(tmp_path):
        assert lock_file.read_text().split()[0] == str(os.getpid())
    assert not lock_file.exists()


def test_lock_held_under_a_dead_pid_is_called_stale(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    # As when a run forks a helper and dies: the helper keeps the lock, the pid is gone.
    dead = _dead_pid()
    (tmp_path / LOCK_NAME).write_text(f"{dead} 2024-01-01T00:00:00+0000\n")
    with pytest.raises(RunLockedError) as info, run_lock(tmp_path):
        pytest.fail("the lock should have been refused")
    assert info.value.pid == dead
    assert "is stale" in str(info.value)
    assert f"pid {dead}" in str(info.value)


def test_holder_that_has_not_written_its_pid_yet_is_still_reported(tmp_path: Path) -> None:
    lock_file = tmp_path / LOCK_NAME
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(RunLockedError) as info, run_lock(tmp_path):
            pytest.fail("the lock should have been refused")
    finally:
        os.close(fd)
    assert info.value.pid is None
    assert str(lock_file) in str(info.value)


def test_nested_run_in_the_same_process_is_refused(tmp_path: Path) -> None:
    with run_lock(tmp_path):
        with pytest.raises(RunLockedError) as info, run_lock(tmp_path):
            pytest.fail("the lock should have been refused")
        assert info.value.pid == os.getpid()
        assert (tmp_path / LOCK_NAME).exists()
    assert not (tmp_path / LOCK_NAME).exists()


def test_missing_root_is_a_lock_error(tmp_path: Path) -> None:
    with pytest.raises(LockError) as info, run_lock(tmp_path / "missing"):
        pytest.fail("no lock should be taken")
    assert not isinstance(info.value, RunLockedError)
    assert "cannot create the run lock" in str(info.value)


def test_lock_file_replaced_between_open_and_lock_is_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock_file = tmp_path / LOCK_NAME
    real_flock = fcntl.flock
    calls: list[int] = []

    def racing_flock(fd: int, operation: int) -> None:
        calls.append(fd)
        if len(calls) == 1:  # the previous holder finishes and unlinks just now
            os.unlink(lock_file)
        real_flock(fd, operation)

    monkeypatch.setattr(lock.fcntl, "flock", racing_flock)
    with run_lock(tmp_path):
        assert len(calls) == 2
        assert lock_file.read_text().split()[0] == str(os.getpid())


def test_filesystem_without_locks_is_a_lock_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unsupported(_fd: int, _operation: int) -> None:
        raise OSError(37, "No locks available")

    monkeypatch.setattr(lock.fcntl, "flock", unsupported)
    with pytest.raises(LockError) as info, run_lock(tmp_path):
        pytest.fail("no lock should be taken")
    assert str(info.value) == f"cannot lock {tmp_path / LOCK_NAME}: No locks available"


def test_lock_file_that_keeps_being_replaced_gives_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_flock = fcntl.flock

    def always_replaced(fd: int, operation: int) -> None:
        os.unlink(tmp_path / LOCK_NAME)
        real_flock(fd, operation)

    monkeypatch.setattr(lock.fcntl, "flock", always_replaced)
    with pytest.raises(LockError) as info, run_lock(tmp_path):
        pytest.fail("no lock should be taken")
    assert "keeps being replaced" in str(info.value)


def test_a_ctrl_c_during_the_release_still_removes_the_lock_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # CI caught a second Ctrl-C landing in the release and leaving the file behind.
    real_unlink = os.unlink

    def unlink_after_a_ctrl_c(path: str | os.PathLike[str]) -> None:
        signal.raise_signal(signal.SIGINT)
        for _ in range(10_000):  # bytecode for a Python-level handler to run in
            pass
        real_unlink(path)

    monkeypatch.setattr(lock.os, "unlink", unlink_after_a_ctrl_c)
    with pytest.raises(KeyboardInterrupt), run_lock(tmp_path):
        pass
    monkeypatch.undo()
    assert not (tmp_path / LOCK_NAME).exists()


def test_a_signal_while_taking_the_lock_still_removes_the_lock_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A later interrupt trial caught a SIGTERM landing while the lock was being taken.
    real_flock = fcntl.flock

    def flock_after_a_ctrl_c(fd: int, operation: int) -> None:
        signal.raise_signal(signal.SIGINT)
        for _ in range(10_000):  # bytecode for a Python-level handler to run in
            pass
        real_flock(fd, operation)

    monkeypatch.setattr(lock.fcntl, "flock", flock_after_a_ctrl_c)
    body: list[str] = []
    with pytest.raises(KeyboardInterrupt), run_lock(tmp_path):
        body.append("ran")
    monkeypatch.undo()
    assert body == []  # delivered before the body, once the lock was held
    assert not (tmp_path / LOCK_NAME).exists()
