"""Make SIGTERM unwind a run like Ctrl-C does; keep pool workers out of it."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

__all__ = ["Terminated", "graceful_signals", "ignore_signals_in_worker"]


class Terminated(KeyboardInterrupt):
    """Raised for SIGTERM, so `except KeyboardInterrupt` and finally blocks handle it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"received {signal.Signals(signum).name}")


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def graceful_signals() -> Iterator[None]:
    """While active, SIGTERM raises Terminated (a KeyboardInterrupt) in the main thread.

    Off the main thread Python cannot install handlers, so this does nothing there.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        # None means a handler installed outside Python; the default is the safe fallback.
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def ignore_signals_in_worker() -> None:
    """Process-pool initializer: workers ignore SIGINT/SIGTERM.

    Ctrl-C reaches the whole process group; only the parent, which does all writing,
    should react. The parent must therefore stop its workers itself (shutting the pool
    down, or SIGKILL), since SIGTERM no longer does.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
