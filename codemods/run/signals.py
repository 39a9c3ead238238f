"""Make SIGTERM unwind a run like Ctrl-C does, once; keep pool workers out of it."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

__all__ = [
    "Terminated",
    "deferred_signals",
    "graceful_signals",
    "ignore_signals_in_worker",
    "signals_held",
]

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Terminated(KeyboardInterrupt):
    """Raised for SIGTERM, so `except KeyboardInterrupt` and finally blocks handle it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"received {signal.Signals(signum).name}")


@contextlib.contextmanager
def graceful_signals() -> Iterator[None]:
    """While active, the first SIGTERM raises Terminated and the first SIGINT raises
    KeyboardInterrupt (as Python's default does), in the main thread. Later ones are
    ignored: the run is already unwinding (stopping workers, releasing the lock), and
    a repeated Ctrl-C must not cut that cleanup short. A SIGINT the caller ignores
    stays ignored.

    Off the main thread Python cannot install handlers, so this does nothing there.
    """
    if _off_the_main_thread():
        yield
        return
    stopping = False

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        raise Terminated(signum) if signum == signal.SIGTERM else KeyboardInterrupt

    previous = {signal.SIGTERM: signal.signal(signal.SIGTERM, stop)}
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        previous[signal.SIGINT] = signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        _restore(previous)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM (pthread_sigmask) until the block ends, so what it does is
    never cut in half; one that arrived meanwhile is delivered at the end."""
    if _off_the_main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, set(_STOP_SIGNALS))
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def deferred_signals() -> Iterator[None]:
    """While active, SIGINT/SIGTERM are only noted; on leaving, the first one noted is
    delivered to the handler that was in place, as if it had arrived then.

    For forking: `os.fork` runs Python at-fork hooks (logging registers some), and an
    exception a handler raises inside one is printed as "Exception ignored" and lost,
    so the run would go on as if never told to stop. Main thread only, like handlers.
    """
    if _off_the_main_thread():
        yield
        return
    noted: list[int] = []

    def note(signum: int, _frame: FrameType | None) -> None:
        noted.append(signum)

    previous = {signum: signal.signal(signum, note) for signum in _STOP_SIGNALS}
    try:
        yield
    finally:
        _restore(previous)
        if noted:
            _deliver(noted[0], previous[noted[0]])


def _restore(previous: dict[int, Any]) -> None:
    for signum, handler in previous.items():
        # None means a handler installed outside Python; the default is the safe fallback.
        signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def _off_the_main_thread() -> bool:
    """Python installs signal handlers, and runs them, in the main thread only."""
    return threading.current_thread() is not threading.main_thread()


def _deliver(signum: int, handler: object) -> None:
    if callable(handler):
        handler(signum, None)  # raises, for the handlers a run installs
    elif handler in (signal.SIG_DFL, None):
        signal.raise_signal(signum)  # the default action: what would have happened anyway


def ignore_signals_in_worker() -> None:
    """Process-pool initializer: workers ignore SIGINT/SIGTERM.

    Ctrl-C reaches the whole process group; only the parent, which does all writing,
    should react. The parent must therefore stop its workers itself (shutting the pool
    down, or SIGKILL), since SIGTERM no longer does.
    """
    for signum in _STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
