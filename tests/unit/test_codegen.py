"""codemods.fastcst.codegen prints every node exactly as LibCST's own code_for_node does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import libcst as cst

from codemods.fastcst.codegen import node_code

REPO = Path(__file__).resolve().parents[2]
_LIBCST = cst.Module(body=[]).code_for_node


def _printed(print_node: Callable[[cst.CSTNode], str], node: cst.CSTNode) -> str:
    try:
        return print_node(node)
    except Exception as exc:  # e.g. an Annotation printed outside its parent
        return f"error: {type(exc).__name__}: {exc}"


class _Compare(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.checked = 0

    def on_visit(self, node: cst.CSTNode) -> bool:
        assert _printed(node_code, node) == _printed(_LIBCST, node), type(node).__name__
        self.checked += 1
        return True


def test_every_node_of_the_demo_app_prints_as_libcst_prints_it() -> None:
    compare = _Compare()
    for path in sorted((REPO / "codemods" / "demo_app").rglob("*.py")):
        cst.parse_module(path.read_bytes()).visit(compare)
    assert compare.checked > 5_000
