"""The fast visitor bases call exactly the hooks LibCST's own bases would."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from codemods.fastcst.dispatch import FastTransformer, FastVisitor
from codemods.fastcst.positions import module_code

SOURCE = "def f(a):\n    return g(a, 1)\n\nx = f(2)  # note\n"


class _Recorder:
    """Notes each hook call; mixed into a LibCST base and into a fast base alike."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.calls.append("visit_FunctionDef")
        return False  # children are not visited

    def leave_FunctionDef(self, original_node: cst.FunctionDef, *rest: object) -> object:
        self.calls.append("leave_FunctionDef")
        return rest[0] if rest else None

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(f"visit_Call {cst.Module([]).code_for_node(node.func)}")

    def visit_Call_args(self, node: cst.Call) -> None:
        self.calls.append("visit_Call_args")

    def leave_Call_args(self, node: cst.Call) -> None:
        self.calls.append("leave_Call_args")


class _LibcstVisitor(_Recorder, cst.CSTVisitor):
    pass


class _FastVisitor(_Recorder, FastVisitor):
    pass


class _LibcstTransformer(_Recorder, cst.CSTTransformer):
    def leave_Integer(self, original_node: cst.Integer, updated_node: cst.Integer) -> cst.Integer:
        return updated_node.with_changes(value=str(int(updated_node.value) + 1))


class _FastTransformer(_Recorder, FastTransformer):
    def leave_Integer(self, original_node: cst.Integer, updated_node: cst.Integer) -> cst.Integer:
        return updated_node.with_changes(value=str(int(updated_node.value) + 1))


class _FastSubclass(_FastTransformer):
    """A hook defined further down the hierarchy is found too."""

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        return updated_node.with_changes(value=updated_node.value.upper())


def test_fast_visitor_calls_the_same_hooks_in_the_same_order_as_libcst() -> None:
    module = cst.parse_module(SOURCE)
    slow, fast = _LibcstVisitor(), _FastVisitor()
    module.visit(slow)
    module.visit(fast)
    assert fast.calls == slow.calls
    # the function body was skipped, the module-level call was seen with its arguments
    assert fast.calls == [
        "visit_FunctionDef",
        "leave_FunctionDef",
        "visit_Call f",
        "visit_Call_args",
        "leave_Call_args",
    ]


def test_fast_transformer_rewrites_exactly_as_libcst_does() -> None:
    module = cst.parse_module(SOURCE)
    slow, fast = _LibcstTransformer(), _FastTransformer()
    slow_out = module.visit(slow)
    fast_out = module.visit(fast)
    assert fast.calls == slow.calls
    assert fast_out.code == slow_out.code
    assert "x = f(3)  # note" in fast_out.code  # the call's integer, outside the skipped def
    assert "g(a, 1)" in fast_out.code


def test_hooks_of_a_subclass_are_found_and_kept_apart_from_its_parent() -> None:
    module = cst.parse_module(SOURCE)
    parent_out = module.visit(_FastTransformer())
    child_out = module.visit(_FastSubclass())
    assert "x = f(3)" in parent_out.code
    assert "X = F(3)" in child_out.code
    assert "def f(a):" in child_out.code  # skipped by visit_FunctionDef in both


def test_module_code_is_libcsts_code() -> None:
    for text in (SOURCE, "if x:\n\tpass\r\n", "# only a comment", "@d\nclass C: pass\n"):
        module = cst.parse_module(text)
        assert module_code(module) == module.code == text


def test_without_libcsts_stub_table_every_hook_is_still_called(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import codemods.fastcst.dispatch as dispatch

    monkeypatch.setattr(dispatch, "_STUB_SOURCES", ())
    monkeypatch.setattr(dispatch, "_tables", {})
    module = cst.parse_module(SOURCE)
    slow, fast = _LibcstTransformer(), _FastTransformer()
    assert module.visit(fast).code == module.visit(slow).code
    assert fast.calls == slow.calls


class _OnlyAttributeHooks(FastVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def leave_Call_func(self, node: cst.Call) -> None:
        self.calls.append(f"leave_Call_func {cst.Module([]).code_for_node(node.func)}")


class _NoHooksAtAll(FastVisitor):
    pass


def test_a_visitor_with_only_attribute_hooks_still_gets_them_called() -> None:
    visitor = _OnlyAttributeHooks()
    cst.parse_module(SOURCE).visit(visitor)
    assert visitor.calls == ["leave_Call_func g", "leave_Call_func f"]


def test_a_visitor_without_attribute_hooks_skips_their_lookup() -> None:
    module = cst.parse_module(SOURCE)
    visitor = _NoHooksAtAll()
    module.visit(visitor)
    assert all(key[2] == "" for key in visitor._hooks)  # no attribute hook was looked up
    recorder = _FastVisitor()
    module.visit(recorder)
    assert any(key[2] == "args" for key in recorder._hooks)  # looked up where defined


# ------------------------------------------------------------------- walk ----
_REPO = Path(__file__).resolve().parents[2]
# Shapes whose children LibCST visits conditionally or in an unusual order.
_ODD_SHAPES = """\
from . import *
from .a import (b as c, d)
x = f"{value!r:>{width}} {other=}"
@decorate(1)
class C(Base, metaclass=M):
    async def m(self, /, a: int = 1, *args: str, k, **kw) -> None:
        async with a as b, c:
            [y async for y in z if y]
        match p:
            case {"k": v, **rest} if v: pass
            case [1, *others] | C(a=1): pass
        try:
            pass
        except* E as e:
            raise X from e
        finally:
            del a[1:2, ::3], b
lambda q=1: (yield)
if (n := 10) > 5: global g
"""


def _walk_sources() -> list[str | bytes]:
    files = sorted((_REPO / "tests" / "golden").glob("*/input/**/*.py"))
    files += sorted((_REPO / "codemods" / "demo_app").rglob("*.py"))
    files += sorted((_REPO / "codemods" / "stages" / "calls").glob("*.py"))
    return [_ODD_SHAPES, *(f.read_bytes() for f in files)]  # LibCST decodes, as in a run


class _EveryNode:
    """Notes every visit and leave, and skips the children of each function body."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.seen.append(("visit", type(node).__name__, id(node)))
        return not isinstance(node, cst.IndentedBlock) or len(self.seen) % 3 != 0

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.seen.append(("leave", type(original_node).__name__, id(original_node)))


class _LibcstEvery(_EveryNode, cst.CSTVisitor):
    pass


class _WalkEvery(_EveryNode, FastVisitor):
    pass


def test_walk_visits_every_node_in_libcsts_order() -> None:
    kinds: set[str] = set()
    for source in _walk_sources():
        try:
            module = cst.parse_module(source)
        except cst.ParserSyntaxError:
            continue  # the golden inputs hold a broken file on purpose
        slow, fast = _LibcstEvery(), _WalkEvery()
        module.visit(slow)
        fast.walk(module)
        assert fast.seen == slow.seen
        kinds.update(kind for _, kind, _ in fast.seen)
    assert {"FormattedStringExpression", "MatchMapping", "ImportStar", "Lambda"} <= kinds
    assert len(kinds) > 100


def test_walk_calls_the_hooks_libcst_calls() -> None:
    module = cst.parse_module(SOURCE)
    slow, fast = _LibcstVisitor(), _NoAttributeRecorder()
    module.visit(slow)
    fast.walk(module)
    assert fast.calls == [c for c in slow.calls if not c.endswith("_args")]
    assert fast.calls == ["visit_FunctionDef", "leave_FunctionDef", "visit_Call f"]


class _NoAttributeRecorder(FastVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.calls.append("visit_FunctionDef")
        return False

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.calls.append("leave_FunctionDef")

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(f"visit_Call {cst.Module([]).code_for_node(node.func)}")


def test_walk_with_attribute_hooks_falls_back_to_libcsts_visit() -> None:
    module = cst.parse_module(SOURCE)
    slow, fast = _LibcstVisitor(), _FastVisitor()
    module.visit(slow)
    fast.walk(module)
    assert fast.calls == slow.calls
    assert "visit_Call_args" in fast.calls


def test_walk_falls_back_where_a_nodes_child_order_is_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import codemods.fastcst.dispatch as dispatch

    monkeypatch.setattr(dispatch, "_CHILD_FIELDS", {})
    real = dispatch._child_fields
    monkeypatch.setattr(
        dispatch, "_child_fields", lambda kind: None if kind is cst.Call else real(kind)
    )
    module = cst.parse_module(_ODD_SHAPES + SOURCE)
    slow, fast = _LibcstEvery(), _WalkEvery()
    module.visit(slow)
    fast.walk(module)
    assert fast.seen == slow.seen
    assert dispatch._CHILD_FIELDS[cst.Call] is None


def test_child_order_is_read_for_every_libcst_node_type() -> None:
    import codemods.fastcst.dispatch as dispatch

    def subclasses(kind: type) -> set[type]:
        found = set(kind.__subclasses__())
        return found.union(*(subclasses(k) for k in found)) if found else found

    unknown = [k.__name__ for k in subclasses(cst.CSTNode) if dispatch._child_fields(k) is None]
    assert unknown == []
    assert dispatch._child_fields(cst.Module) == ("header", "body", "footer")


def _hook_recorder(base: type) -> type:
    """A visitor with a visit and a leave hook for every LibCST node type, noting each
    call; every third indented block's children are skipped."""

    def subclasses(kind: type) -> set[type]:
        found = set(kind.__subclasses__())
        return found.union(*(subclasses(k) for k in found)) if found else found

    def visit(name: str):  # type: ignore[no-untyped-def]
        def hook(self, node):  # type: ignore[no-untyped-def]
            self.seen.append(("visit", name, id(node)))
            return name != "IndentedBlock" or len(self.seen) % 3 != 0

        return hook

    def leave(name: str):  # type: ignore[no-untyped-def]
        def hook(self, node, *updated):  # type: ignore[no-untyped-def]
            self.seen.append(("leave", name, id(node)))
            return updated[0] if updated else None

        return hook

    def init(self) -> None:  # type: ignore[no-untyped-def]
        base.__init__(self)
        self.seen = []

    methods: dict[str, object] = {"__init__": init}
    for kind in subclasses(cst.CSTNode):
        methods[f"visit_{kind.__name__}"] = visit(kind.__name__)
        methods[f"leave_{kind.__name__}"] = leave(kind.__name__)
    return type(f"Every{base.__name__}", (base,), methods)


def test_walk_calls_every_hook_in_libcsts_order() -> None:
    slow_kind, fast_kind = _hook_recorder(cst.CSTVisitor), _hook_recorder(FastVisitor)
    calls = 0
    for source in _walk_sources():
        try:
            module = cst.parse_module(source)
        except cst.ParserSyntaxError:
            continue
        slow, fast = slow_kind(), fast_kind()
        module.visit(slow)
        fast.walk(module)
        assert fast.seen == slow.seen
        calls += len(fast.seen)
    assert calls > 10_000
