"""One writing run per tree: an exclusive flock on ROOT/.emitter-migrate.lock."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from codemods.run.signals import signals_held

__all__ = ["LOCK_NAME", "LockError", "RunLockedError", "run_lock"]

LOCK_NAME = ".emitter-migrate.lock"
_ATTEMPTS = 5


class LockError(RuntimeError):
    """The lock file could not be created or locked at all."""


class RunLockedError(LockError):
    """Another process holds the run lock for this tree."""

    def __init__(self, lock_path: Path, pid: int | None, message: str) -> None:
        self.lock_path = lock_path
        self.pid = pid
        super().__init__(message)


@contextlib.contextmanager
def run_lock(root: Path) -> Iterator[None]:
    """Hold the tree's run lock for the duration of the block.

    The OS drops a flock when its holder dies, so a lock file left behind by a crash
    never blocks a later run.
    """
    lock_path = Path(root) / LOCK_NAME
    fd: int | None = None
    try:
        # Signals held while taking the lock and while letting it go: a Ctrl-C then
        # must not leave the file behind. One that arrives while taking it is
        # delivered once `fd` is set, so the release below still runs.
        with signals_held():
            fd = _acquire(lock_path)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {time.strftime('%Y-%m-%dT%H:%M:%S%z')}\n".encode())
        yield
    finally:
        if fd is not None:
            with signals_held():
                # Unlink while still locked, so no one can lock this inode after we let go.
                with contextlib.suppress(OSError):
                    os.unlink(lock_path)
                os.close(fd)


def _acquire(lock_path: Path) -> int:
    for _ in range(_ATTEMPTS):
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise LockError(f"cannot create the run lock {lock_path}: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise _locked_error(lock_path, holder) from None
        except OSError as exc:
            os.close(fd)
            raise LockError(f"cannot lock {lock_path}: {exc.strerror}") from None
        if _still_linked(fd, lock_path):
            return fd
        # The previous holder removed the file between our open and flock: start over.
        os.close(fd)
    raise LockError(f"cannot lock {lock_path}: it keeps being replaced by another process")


def _still_linked(fd: int, lock_path: Path) -> bool:
    try:
        return os.stat(lock_path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def _read_holder(fd: int) -> tuple[int | None, str]:
    try:
        words = os.pread(fd, 200, 0).decode("ascii", "replace").split()
    except OSError:
        return None, ""
    if not words or not words[0].isdigit():
        return None, ""  # the holder has not written its pid yet
    return int(words[0]), words[1] if len(words) > 1 else ""


def _locked_error(lock_path: Path, holder: tuple[int | None, str]) -> RunLockedError:
    pid, started = holder
    since = f", started {started}" if started else ""
    if pid is None:
        message = (
            f"another emitter-migrate run holds {lock_path}; wait for it to finish, then run again"
        )
    elif _alive(pid):
        message = (
            f"another emitter-migrate run (pid {pid}{since}) holds {lock_path}; "
            "wait for it to finish, then run again"
        )
    else:
        message = (
            f"{lock_path} is stale: its pid {pid}{since} is no longer running, but a process "
            "it started still holds the lock; stop that process (see `fuser` or `lsof` on "
            "the lock file), then run again"
        )
    return RunLockedError(lock_path, pid, message)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True
