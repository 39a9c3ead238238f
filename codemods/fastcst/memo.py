"""Results computed from one syntax tree, shared by every stage that reads that tree.

`scan` runs each stage on the same original tree, and each stage used to generate its
code, compute positions and run a resolver on it again. Trees are immutable, so a result
keyed by the tree's identity (and by the other inputs it depends on) stays valid.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["cached", "per_tree"]

T = TypeVar("T")

# (tree, key, value, inputs) entries for the latest tree only: a big tree must not stay
# alive after its file is done. The references keep ids from being reused.
_entries: list[tuple[object, Hashable, Any, tuple[object, ...]]] = []


def per_tree(
    tree: object, key: Hashable, compute: Callable[[], T], inputs: tuple[object, ...] = ()
) -> T:
    """compute() once per (tree, key); `inputs` are objects the key names by id."""
    found = _find(tree, key)
    if found is not _ABSENT:
        return found  # type: ignore[return-value]
    if _entries and _entries[0][0] is not tree:
        _entries.clear()
    value = compute()
    _entries.append((tree, key, value, inputs))
    return value


def cached(tree: object, key: Hashable) -> object | None:
    """The value per_tree holds for (tree, key), without computing one."""
    found = _find(tree, key)
    return None if found is _ABSENT else found


_ABSENT = object()


def _find(tree: object, key: Hashable) -> object:
    for t, k, value, _ in _entries:
        if t is tree and k == key:
            return value
    return _ABSENT
