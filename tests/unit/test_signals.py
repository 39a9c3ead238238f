"""SIGTERM unwinds a run like Ctrl-C; pool workers leave signals to the parent."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from codemods.run.signals import (
    Terminated,
    deferred_signals,
    graceful_signals,
    ignore_signals_in_worker,
    signals_held,
)


def test_sigterm_raises_keyboard_interrupt_and_runs_finally_blocks() -> None:
    unwound: list[str] = []
    with pytest.raises(KeyboardInterrupt) as info, graceful_signals():
        try:
            signal.raise_signal(signal.SIGTERM)
            unwound.append("not interrupted")
        finally:
            unwound.append("finally ran")
    assert unwound == ["finally ran"]
    assert isinstance(info.value, Terminated)
    assert info.value.signum == signal.SIGTERM
    assert str(info.value) == "received SIGTERM"


def test_previous_handler_is_restored_after_normal_exit() -> None:
    def custom(_signum: int, _frame: object) -> None:
        raise AssertionError("not expected to run")

    previous = signal.signal(signal.SIGTERM, custom)
    try:
        with graceful_signals():
            assert signal.getsignal(signal.SIGTERM) is not custom
        assert signal.getsignal(signal.SIGTERM) is custom
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_previous_handler_is_restored_after_an_interrupt() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), graceful_signals():
        signal.raise_signal(signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) == before


def test_sigint_still_raises_keyboard_interrupt_inside() -> None:
    with pytest.raises(KeyboardInterrupt) as info, graceful_signals():
        signal.raise_signal(signal.SIGINT)
    assert not isinstance(info.value, Terminated)


def test_off_the_main_thread_it_changes_nothing() -> None:
    before = signal.getsignal(signal.SIGTERM)
    seen: list[object] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            with graceful_signals():
                seen.append(signal.getsignal(signal.SIGTERM))
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert failures == []
    assert seen == [before]


_VICTIM = textwrap.dedent(
    """
    import time
    from codemods.run.signals import graceful_signals
    try:
        with graceful_signals():
            try:
                print("ready", flush=True)
                time.sleep(60)
            finally:
                print("cleanup ran", flush=True)
    except KeyboardInterrupt as exc:
        print(f"stopped: {exc}", flush=True)
        raise SystemExit(3)
    """
)


def test_real_sigterm_lets_a_process_clean_up_and_exit() -> None:
    proc = subprocess.Popen([sys.executable, "-c", _VICTIM], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline() == "ready\n"
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 3
    assert out == "cleanup ran\nstopped: received SIGTERM\n"


def _worker_dispositions() -> tuple[object, object, int]:
    return signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM), os.getpid()


def test_pool_workers_ignore_sigint_and_sigterm() -> None:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=1, mp_context=context, initializer=ignore_signals_in_worker
    ) as pool:
        sigint, sigterm, pid = pool.submit(_worker_dispositions).result(timeout=60)
        assert (sigint, sigterm) == (signal.SIG_IGN, signal.SIG_IGN)
        os.kill(pid, signal.SIGINT)
        os.kill(pid, signal.SIGTERM)
        time.sleep(0.2)  # give a (wrongly) dying worker time to die; not a timing check
        assert pool.submit(os.getpid).result(timeout=60) == pid


def test_worker_initializer_sets_both_signals_to_ignored() -> None:
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        ignore_signals_in_worker()
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def test_a_deferred_sigterm_is_raised_on_leaving_not_inside() -> None:
    steps: list[str] = []
    with pytest.raises(Terminated), graceful_signals():
        with deferred_signals():
            signal.raise_signal(signal.SIGTERM)
            steps.append("went on after the signal")
        steps.append("not reached")
    assert steps == ["went on after the signal"]


def test_a_deferred_sigint_reaches_the_default_ctrl_c_handler() -> None:
    with pytest.raises(KeyboardInterrupt) as info, deferred_signals():
        signal.raise_signal(signal.SIGINT)
    assert not isinstance(info.value, Terminated)


def test_only_the_first_deferred_signal_is_delivered() -> None:
    with pytest.raises(KeyboardInterrupt) as info, graceful_signals(), deferred_signals():
        signal.raise_signal(signal.SIGTERM)
        signal.raise_signal(signal.SIGINT)
    assert isinstance(info.value, Terminated)


def test_deferring_restores_the_handlers_and_raises_nothing_without_a_signal() -> None:
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    with deferred_signals():
        assert signal.getsignal(signal.SIGTERM) != before[signal.SIGTERM]
    assert {sig: signal.getsignal(sig) for sig in before} == before


def test_a_deferred_signal_with_an_ignoring_handler_stays_ignored() -> None:
    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        with deferred_signals():
            signal.raise_signal(signal.SIGTERM)
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_repeated_signal_while_unwinding_does_not_cut_the_cleanup_short() -> None:
    cleanup: list[str] = []
    with pytest.raises(KeyboardInterrupt) as info, graceful_signals():
        try:
            signal.raise_signal(signal.SIGINT)
        finally:
            signal.raise_signal(signal.SIGINT)  # an impatient second Ctrl-C
            signal.raise_signal(signal.SIGTERM)
            cleanup.append("finished")
    assert cleanup == ["finished"]
    assert not isinstance(info.value, Terminated)


def test_the_first_sigterm_still_raises_terminated_and_handlers_come_back() -> None:
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    with pytest.raises(Terminated), graceful_signals():
        signal.raise_signal(signal.SIGTERM)
    assert {sig: signal.getsignal(sig) for sig in before} == before
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_sigint_the_caller_ignores_stays_ignored() -> None:
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with graceful_signals():
            assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
            signal.raise_signal(signal.SIGINT)  # nothing happens
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_signal_while_held_arrives_when_the_block_ends() -> None:
    steps: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        with signals_held():
            signal.raise_signal(signal.SIGINT)
            steps.append("the block went on")
        steps.append("not reached")
    assert steps == ["the block went on"]
