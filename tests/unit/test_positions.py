"""codemods.fastcst.positions gives the starts LibCST's PositionProvider gives."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from codemods.fastcst.memo import cached
from codemods.fastcst.positions import (
    line_col,
    line_text,
    module_code,
    node_offsets,
    node_positions,
    tree_text,
)

REPO = Path(__file__).resolve().parents[2]


def _sources() -> list[Path]:
    golden = sorted((REPO / "tests" / "golden").glob("*/input/**/*.py"))
    demo = sorted((REPO / "codemods" / "demo_app").rglob("*.py"))
    return [*golden, *demo, *sorted((REPO / "codemods" / "stages" / "calls").glob("*.py"))]


def _parsed(path: Path) -> cst.Module | None:
    try:
        return cst.parse_module(path.read_bytes())
    except cst.ParserSyntaxError:
        return None


def test_every_node_starts_where_position_provider_says() -> None:
    checked = 0
    for path in _sources():
        module = _parsed(path)
        if module is None:
            continue
        expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        nodes = [n for n in expected if not isinstance(n, cst.Module)]
        got = node_positions(module, nodes)
        for node in nodes:
            rng = expected[node]
            want = (rng.start.line, rng.start.column + 1)
            assert got[id(node)] == want, (path.name, type(node).__name__, want, got[id(node)])
            checked += 1
    assert checked > 10_000


def test_a_statement_line_starts_at_its_statement_not_its_comments() -> None:
    module = cst.parse_module("x = 1\n\n# about y\n  \ny = 2\n")
    line = module.body[1]
    assert node_positions(module, [line]) == {id(line): (5, 1)}


def test_nodes_not_in_the_tree_have_no_position() -> None:
    module = cst.parse_module("x = 1\n")
    assert node_positions(module, [cst.Name("x")]) == {}


def test_code_inside_an_indented_block_is_generated_with_its_indentation() -> None:
    module = cst.parse_module("def f():\n    return g(1)\n")
    inner = module.body[0].body.body[0]  # type: ignore[attr-defined]
    call = inner.body[0].value
    text, offsets = node_offsets(inner, [call], module, ["    "])
    assert text == "    return g(1)\n"
    assert line_text(text, offsets[id(call)]) == ("    return g(1)", 12)


@pytest.mark.parametrize(
    ("offset", "expected"), [(0, (1, 1)), (3, (1, 4)), (4, (2, 1)), (6, (2, 3))]
)
def test_line_col_counts_from_one(offset: int, expected: tuple[int, int]) -> None:
    assert line_col("abc\ndef\n", offset) == expected


def test_a_statement_lines_span_covers_its_comment_lines_and_its_newline() -> None:
    text = "x = 1\n\n# about y\ny = 2  # set\nif x:\n    z = 3\n"
    module = cst.parse_module(text)
    tree = tree_text(module)
    second, nested = module.body[1], module.body[2].body.body[0]  # type: ignore[attr-defined]
    start, end = tree.statement_spans[id(second)]
    assert tree.code[start:end] == "\n# about y\ny = 2  # set\n"
    start, end = tree.statement_spans[id(nested)]
    assert tree.code[start:end] == "    z = 3\n"
    assert tree.code == text


def test_the_last_line_of_a_module_without_a_final_newline_has_a_span() -> None:
    module = cst.parse_module("x = 1\ny = 2")
    tree = tree_text(module)
    start, end = tree.statement_spans[id(module.body[1])]
    assert tree.code[start:end] == "y = 2"


def test_module_code_is_the_same_text_with_or_without_a_tree_text() -> None:
    text = "def f():\n    return g(1)  # why\n"
    module = cst.parse_module(text)
    assert module_code(module) == text  # a plain pass: no TreeText made yet
    assert cached(module, "tree-text") is None
    made = tree_text(module)
    assert cached(module, "tree-text") is made
    assert module_code(module) == made.code == text
