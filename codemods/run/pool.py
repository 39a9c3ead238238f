"""Run one function over many jobs, in-process or on forked worker processes.

Workers ignore Ctrl-C/SIGTERM (the parent decides), are killed when the parent is
interrupted (they only compute, so nothing is lost), and die with the parent even if it
is SIGKILLed (Linux), so a stopped run never leaves processes behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

from codemods.run.signals import deferred_signals, ignore_signals_in_worker

__all__ = ["map_jobs"]

S = TypeVar("S")
J = TypeVar("J")
R = TypeVar("R")

# Below this many jobs a pool costs more than it saves.
MIN_PARALLEL = 4
# Jobs per task: small, so an interrupted run never waits long for a worker.
MAX_CHUNK = 4
_PR_SET_PDEATHSIG = 1


# What a worker holds, set once by its initializer.
_func: Callable[[Any, Any], Any] | None = None
_state: Any = None


def _init_worker(func: Callable[[Any, Any], Any], state: Any) -> None:
    global _func, _state
    ignore_signals_in_worker()
    _die_with_parent()
    _func, _state = func, state


def _run_chunk(jobs: list[Any]) -> list[Any]:
    assert _func is not None, "worker used before its initializer ran"
    return [_func(_state, job) for job in jobs]


def _die_with_parent() -> None:
    """Linux: the worker gets SIGKILL when its parent dies, however it dies."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(1)


def _stop(pool: ProcessPoolExecutor) -> None:
    for process in list(getattr(pool, "_processes", {}).values()):
        with contextlib.suppress(Exception):
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def map_jobs(
    func: Callable[[S, J], R],
    state: S,
    jobs: Sequence[J],
    workers: int,
    *,
    weight: Callable[[J], int] = lambda _job: 0,
    progress: Callable[[int, int], None] | None = None,
) -> list[R]:
    """[func(state, job) for job in jobs], on up to `workers` processes, in job order.

    `state` reaches each worker once (by fork); `weight` orders the work heaviest
    first so no worker is left with a big job at the end.
    """
    total = len(jobs)
    if workers <= 1 or total < MIN_PARALLEL:
        results = []
        for i, job in enumerate(jobs, 1):
            results.append(func(state, job))
            if progress:
                progress(i, total)
        return results
    workers = min(workers, total)
    order = sorted(range(total), key=lambda i: -weight(jobs[i]))
    size = max(1, min(MAX_CHUNK, total // (workers * 8)))
    chunks = [order[i : i + size] for i in range(0, total, size)]
    by_index: dict[int, R] = {}
    context = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(func, state)
    ) as pool:
        try:
            # The first submit forks every worker; a signal then must not be lost in an
            # at-fork hook, so it waits until the forks are done.
            with deferred_signals():
                futures: dict[Future[list[R]], list[int]] = {
                    pool.submit(_run_chunk, [jobs[i] for i in chunk]): chunk for chunk in chunks
                }
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    for i, result in zip(futures[fut], fut.result(), strict=True):
                        by_index[i] = result
                if progress:
                    progress(len(by_index), total)
        except BaseException:
            _stop(pool)
            raise
    return [by_index[i] for i in range(total)]
