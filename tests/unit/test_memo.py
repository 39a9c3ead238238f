"""codemods.fastcst.memo.per_tree: one computation per tree and key, only the latest tree kept."""

from __future__ import annotations

import gc
import weakref

import libcst as cst

from codemods.fastcst.memo import per_tree


def test_a_result_is_computed_once_per_tree_and_key() -> None:
    tree = cst.parse_module("x = 1\n")
    calls: list[str] = []

    def compute(label: str) -> str:
        calls.append(label)
        return label

    assert per_tree(tree, "a", lambda: compute("a")) == "a"
    assert per_tree(tree, "a", lambda: compute("again")) == "a"
    assert per_tree(tree, "b", lambda: compute("b")) == "b"
    assert calls == ["a", "b"]


def test_an_equal_but_different_tree_gets_its_own_result() -> None:
    first, second = cst.parse_module("x = 1\n"), cst.parse_module("x = 1\n")
    assert per_tree(first, "code", lambda: 1) == 1
    assert per_tree(second, "code", lambda: 2) == 2


class _Tree:
    """Stands for a tree: LibCST nodes cannot be weakly referenced."""


def test_a_finished_tree_is_not_kept_alive() -> None:
    old = _Tree()
    ref = weakref.ref(old)
    per_tree(old, "code", lambda: "x")
    per_tree(_Tree(), "code", lambda: "y")
    del old
    gc.collect()
    assert ref() is None
