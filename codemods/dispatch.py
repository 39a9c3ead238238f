"""LibCST visitor and transformer bases that call only the hooks a subclass defines.

LibCST's bases define an empty `visit_X`/`leave_X`/`visit_X_attr`/`leave_X_attr` for
every node type and attribute, and look the hook up by name for every node and every
attribute of every node. A stage visits some thousands of nodes per file, so those
lookups and empty calls were the largest single cost of a run. These bases resolve each
(visitor class, node type[, attribute]) once to the subclass's own function, or to
nothing when only LibCST's empty default exists, and behave exactly as LibCST's do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import libcst as cst
from libcst._typed_visitor import CSTTypedTransformerFunctions, CSTTypedVisitorFunctions

__all__ = ["FastTransformer", "FastVisitor"]

_Hook = Callable[..., Any] | None
_STUB_SOURCES = (CSTTypedVisitorFunctions, CSTTypedTransformerFunctions)


def _hook(cls: type, name: str) -> _Hook:
    """cls's function `name`, unless it is LibCST's empty default (or absent)."""
    fn = getattr(cls, name, None)
    if fn is None or any(fn is getattr(stubs, name, None) for stubs in _STUB_SOURCES):
        return None
    return fn  # type: ignore[no-any-return]


class _Tables:
    """The hook resolved for each node type (and attribute), for one visitor class."""

    def __init__(self, cls: type) -> None:
        self.cls = cls
        self.visit: dict[type, _Hook] = {}
        self.leave: dict[type, _Hook] = {}
        self.visit_attr: dict[tuple[type, str], _Hook] = {}
        self.leave_attr: dict[tuple[type, str], _Hook] = {}

    def on_visit(self, kind: type) -> _Hook:
        try:
            return self.visit[kind]
        except KeyError:
            fn = self.visit[kind] = _hook(self.cls, f"visit_{kind.__name__}")
            return fn

    def on_leave(self, kind: type) -> _Hook:
        try:
            return self.leave[kind]
        except KeyError:
            fn = self.leave[kind] = _hook(self.cls, f"leave_{kind.__name__}")
            return fn

    def on_visit_attribute(self, kind: type, attribute: str) -> _Hook:
        key = (kind, attribute)
        try:
            return self.visit_attr[key]
        except KeyError:
            fn = self.visit_attr[key] = _hook(self.cls, f"visit_{kind.__name__}_{attribute}")
            return fn

    def on_leave_attribute(self, kind: type, attribute: str) -> _Hook:
        key = (kind, attribute)
        try:
            return self.leave_attr[key]
        except KeyError:
            fn = self.leave_attr[key] = _hook(self.cls, f"leave_{kind.__name__}_{attribute}")
            return fn


_tables: dict[type, _Tables] = {}


def _tables_for(cls: type) -> _Tables:
    tables = _tables.get(cls)
    if tables is None:
        tables = _tables[cls] = _Tables(cls)
    return tables


class FastVisitor(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self._hooks = _tables_for(type(self))

    def on_visit(self, node: cst.CSTNode) -> bool:
        fn = self._hooks.on_visit(type(node))
        return fn is None or fn(self, node) is not False

    def on_leave(self, original_node: cst.CSTNode) -> None:
        fn = self._hooks.on_leave(type(original_node))
        if fn is not None:
            fn(self, original_node)

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        fn = self._hooks.on_visit_attribute(type(node), attribute)
        if fn is not None:
            fn(self, node)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        fn = self._hooks.on_leave_attribute(type(original_node), attribute)
        if fn is not None:
            fn(self, original_node)


class FastTransformer(cst.CSTTransformer):
    def __init__(self) -> None:
        super().__init__()
        self._hooks = _tables_for(type(self))

    def on_visit(self, node: cst.CSTNode) -> bool:
        fn = self._hooks.on_visit(type(node))
        return fn is None or fn(self, node) is not False

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        fn = self._hooks.on_leave(type(original_node))
        if fn is None:
            return updated_node
        return fn(self, original_node, updated_node)  # type: ignore[no-any-return]

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        fn = self._hooks.on_visit_attribute(type(node), attribute)
        if fn is not None:
            fn(self, node)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        fn = self._hooks.on_leave_attribute(type(original_node), attribute)
        if fn is not None:
            fn(self, original_node)
