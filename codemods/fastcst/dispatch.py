"""LibCST visitor and transformer bases that call only the hooks a subclass defines.

LibCST's bases define an empty `visit_X`/`leave_X`/`visit_X_attr`/`leave_X_attr` for
every node type and attribute, and look the hook up by name for every node and every
attribute of every node. A stage visits some thousands of nodes per file, so those
lookups and empty calls were the largest single cost of a run. These bases resolve each
(visitor class, node type[, attribute]) once to the subclass's own function, or to
nothing when only LibCST's empty default exists, and behave exactly as LibCST's do.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

import libcst as cst

__all__ = ["FastTransformer", "FastVisitor", "child_fields", "read_tree"]

_Hook = Callable[..., Any] | None
try:
    from libcst._typed_visitor import CSTTypedTransformerFunctions, CSTTypedVisitorFunctions

    _STUB_SOURCES: tuple[type, ...] = (CSTTypedVisitorFunctions, CSTTypedTransformerFunctions)
except ImportError:  # a private module: without it every hook is called, as LibCST does
    _STUB_SOURCES = ()

# `visit_Call_func`: node type names hold no underscore, so a second one means an attribute.
_ATTRIBUTE_HOOKS = frozenset(
    name
    for stubs in _STUB_SOURCES
    for name in dir(stubs)
    if name.startswith(("visit_", "leave_")) and "_" in name.split("_", 1)[1]
)


def _hook(cls: type, name: str) -> _Hook:
    """cls's function `name`, unless it is LibCST's empty default (or absent)."""
    fn = getattr(cls, name, None)
    if fn is None or any(fn is getattr(stubs, name, None) for stubs in _STUB_SOURCES):
        return None
    return fn  # type: ignore[no-any-return]


class _Tables:
    """The hook resolved for each (prefix, node type, attribute), for one visitor class."""

    def __init__(self, cls: type) -> None:
        self.cls = cls
        self.hooks: dict[tuple[str, type, str], _Hook] = {}
        # LibCST calls the attribute entry points about twice per node: when a class
        # defines no attribute hook, they need not look anything up.
        self.attribute_hooks = not _ATTRIBUTE_HOOKS or any(
            _hook(cls, name) is not None for name in _ATTRIBUTE_HOOKS
        )
        # Whether on_visit/on_leave are the fast visitor's own, so a walk may call the
        # hooks directly; per node type: (child fields, visit hook, leave hook).
        self.plain_entry_points = getattr(cls, "on_visit", None) is _Dispatch.on_visit and (
            getattr(cls, "on_leave", None) is FastVisitor.on_leave
        )
        self.steps: dict[type, tuple[tuple[str, ...] | None, _Hook, _Hook]] = {}

    def step(self, kind: type) -> tuple[tuple[str, ...] | None, _Hook, _Hook]:
        found = self.steps[kind] = (
            child_fields(kind),
            self.resolve(("visit", kind, "")),
            self.resolve(("leave", kind, "")),
        )
        return found

    def resolve(self, key: tuple[str, type, str]) -> _Hook:
        prefix, kind, attribute = key
        name = f"{prefix}_{kind.__name__}" + (f"_{attribute}" if attribute else "")
        fn = self.hooks[key] = _hook(self.cls, name)
        return fn


_tables: dict[type, _Tables] = {}
_MISSING = object()


def _tables_for(cls: type) -> _Tables:
    tables = _tables.get(cls)
    if tables is None:
        tables = _tables[cls] = _Tables(cls)
    return tables


def _no_attribute_hook(_node: cst.CSTNode, _attribute: str) -> None:
    return None


class _Dispatch:
    """What the fast visitor and transformer share: all but `on_leave`. The lookups are
    written out in each method (no helper call): they run for every node and attribute."""

    def __init__(self) -> None:
        super().__init__()
        self._tables = _tables_for(type(self))
        self._hooks = self._tables.hooks
        if not self._tables.attribute_hooks:
            self.on_visit_attribute = self.on_leave_attribute = _no_attribute_hook  # type: ignore[method-assign]

    def _visit_whole(self, node: cst.CSTNode) -> None:
        """LibCST's own visit of `node`: read_tree's fallback for an unknown child order."""
        node.visit(self)  # type: ignore[arg-type]

    def _hook(self, key: tuple[str, type, str]) -> _Hook:
        fn = self._hooks.get(key, _MISSING)
        return self._tables.resolve(key) if fn is _MISSING else fn  # type: ignore[return-value]

    def on_visit(self, node: cst.CSTNode) -> bool:
        key = ("visit", type(node), "")
        fn = self._hooks.get(key, _MISSING)
        if fn is _MISSING:
            fn = self._tables.resolve(key)
        return fn is None or fn(self, node) is not False  # type: ignore[operator]

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        key = ("visit", type(node), attribute)
        fn = self._hooks.get(key, _MISSING)
        if fn is _MISSING:
            fn = self._tables.resolve(key)
        if fn is not None:
            fn(self, node)  # type: ignore[operator]

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        key = ("leave", type(original_node), attribute)
        fn = self._hooks.get(key, _MISSING)
        if fn is _MISSING:
            fn = self._tables.resolve(key)
        if fn is not None:
            fn(self, original_node)  # type: ignore[operator]


class FastVisitor(_Dispatch, cst.CSTVisitor):
    def on_leave(self, original_node: cst.CSTNode) -> None:
        fn = self._hook(("leave", type(original_node), ""))
        if fn is not None:
            fn(self, original_node)

    def walk(self, node: cst.CSTNode) -> None:
        """`node.visit(self)` without the copy: LibCST's visit rebuilds every node it
        passes, even for a visitor that changes nothing. The same visit and leave hooks
        are called in the same order; attribute hooks are not, so a class defining one
        (or a node type whose child order is unknown) gets LibCST's visit."""
        if self._tables.attribute_hooks:
            node.visit(self)
        elif self._tables.plain_entry_points:
            self._walk_hooks(node)
        else:
            self._walk(node)

    def _walk(self, node: cst.CSTNode) -> None:
        """Through on_visit/on_leave, for a class that overrides them."""
        read_tree(node, self.on_visit, self.on_leave, self._visit_whole)

    def _walk_hooks(self, node: cst.CSTNode) -> None:
        """read_tree, straight to the hooks, each node type's resolved once per class
        (written out: it runs for every node a stage's resolver reads)."""
        step = self._tables.steps.get(type(node))
        if step is None:
            step = self._tables.step(type(node))
        fields, visit, leave = step
        if fields is None:
            node.visit(self)
            return
        if visit is None or visit(self, node) is not False:
            for name in fields:
                value = getattr(node, name)
                kind = value.__class__
                if kind is tuple or kind is list:
                    for child in value:
                        self._walk_hooks(child)
                elif value is not None and kind is not cst.MaybeSentinel:
                    self._walk_hooks(value)
        if leave is not None:
            leave(self, node)


class FastTransformer(_Dispatch, cst.CSTTransformer):
    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        fn = self._hook(("leave", type(original_node), ""))
        if fn is None:
            return updated_node
        return fn(self, original_node, updated_node)  # type: ignore[no-any-return]


# ------------------------------------------------------------ child order ----
# Helpers LibCST's `_visit_and_replace_children` calls with (parent, field name, ...).
_VISIT_HELPERS = frozenset(
    (
        "visit_required",
        "visit_optional",
        "visit_sentinel",
        "visit_sequence",
        "visit_body_sequence",
        "visit_iterable",
        "visit_body_iterable",
    )
)
_CHILD_FIELDS: dict[type, tuple[str, ...] | None] = {}


def read_tree(
    node: cst.CSTNode,
    enter: Callable[[cst.CSTNode], bool],
    leave: Callable[[cst.CSTNode], object],
    whole: Callable[[cst.CSTNode], object],
) -> None:
    """Call enter(n) for each node in LibCST's visiting order, its children only if that
    returned true, then leave(n); copies nothing. `whole` gets a node whose children's
    order is unknown, to visit with LibCST."""
    fields = child_fields(type(node))
    if fields is None:
        whole(node)
        return
    if enter(node):
        for name in fields:
            value = getattr(node, name)
            kind = value.__class__
            if kind is tuple or kind is list:
                for child in value:
                    read_tree(child, enter, leave, whole)
            elif value is not None and kind is not cst.MaybeSentinel:
                read_tree(value, enter, leave, whole)
    leave(node)


def child_fields(kind: type) -> tuple[str, ...] | None:
    """The fields LibCST visits for `kind`, in its order (None: unknown)."""
    fields = _CHILD_FIELDS.get(kind, _MISSING)
    if fields is _MISSING:
        fields = _CHILD_FIELDS[kind] = _child_fields(kind)
    return fields  # type: ignore[return-value]


def _child_fields(kind: type) -> tuple[str, ...] | None:
    """The fields `kind` visits, in LibCST's order, read once from the source of its
    `_visit_and_replace_children`, whose helper calls name each field in visiting
    order (a field that is None or a sentinel is skipped by the walk, as by LibCST).
    None when the source cannot be read that way."""
    try:
        method = kind._visit_and_replace_children  # type: ignore[attr-defined]
        tree = ast.parse(textwrap.dedent(inspect.getsource(method)))
    except (OSError, TypeError, SyntaxError, AttributeError):
        return None
    nodes = list(ast.walk(tree))
    if any(_visits_otherwise(node) for node in nodes):
        return None
    calls = [
        node
        for node in nodes
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _VISIT_HELPERS
    ]
    calls.sort(key=lambda c: (c.lineno, c.col_offset))
    fields: list[str] = []
    for call in calls:
        if len(call.args) < 2 or not isinstance(call.args[1], ast.Constant):
            return None
        name = call.args[1].value
        if not isinstance(name, str):
            return None
        if name not in fields:
            fields.append(name)
    return tuple(fields)


def _visits_otherwise(node: ast.AST) -> bool:
    """A call that could visit children some way the field list would not show."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr.startswith("visit") or func.attr.startswith("_visit")
    return isinstance(func, ast.Name) and "visit" in func.id and func.id not in _VISIT_HELPERS
