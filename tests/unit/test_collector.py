"""fewer_collections: relaxed thresholds inside, the caller's restored after."""

from __future__ import annotations

import gc
import multiprocessing
import os

import pytest

from codemods.fastcst.collector import RELAXED_THRESHOLDS, fewer_collections


def test_thresholds_are_relaxed_inside_and_restored_after() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == RELAXED_THRESHOLDS
        assert RELAXED_THRESHOLDS[0] > before[0]
    assert gc.get_threshold() == before


def test_thresholds_are_restored_after_an_exception() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before


def _child_threshold(out: multiprocessing.SimpleQueue) -> None:  # type: ignore[type-arg]
    out.put(gc.get_threshold())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked only where fork exists")
def test_a_process_forked_inside_inherits_the_relaxed_thresholds() -> None:
    context = multiprocessing.get_context("fork")
    out = context.SimpleQueue()
    with fewer_collections():
        child = context.Process(target=_child_threshold, args=(out,))
        child.start()
        child.join(30)
    assert out.get() == RELAXED_THRESHOLDS


def test_cycles_are_still_collected() -> None:
    class Node:
        other: object = None

    with fewer_collections():
        a, b = Node(), Node()
        a.other, b.other = b, a
        del a, b
        assert gc.collect() >= 2
