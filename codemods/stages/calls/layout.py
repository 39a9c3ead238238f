"""Line layout of rewritten calls: one argument a line when a rewrite grows a call past
the line limit, as a formatter would lay it out."""

from __future__ import annotations

import re

import libcst as cst

from codemods.analysis.cst_text import code
from codemods.fastcst.positions import line_text, node_offsets

# A rewritten one-line call longer than this is laid out one argument a line.
MAX_LINE = 99
_NO_SPACE = cst.SimpleWhitespace("")
_TAIL = re.compile(r"^[\s,)\]}:]*(#.*)?$")


def atomic(node: cst.BaseExpression) -> cst.BaseExpression:
    """`node` safe to put before `.attr` (parenthesised unless it is a primary)."""
    primary = (
        cst.Name,
        cst.Attribute,
        cst.Call,
        cst.Subscript,
        cst.SimpleString,
        cst.ConcatenatedString,
        cst.Dict,
        cst.List,
        cst.Tuple,
        cst.Set,
    )
    if isinstance(node, primary) or node.lpar:
        return node
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def fit(
    original: cst.Call,
    new: cst.Call,
    source: cst.Module,
    statement: cst.SimpleStatementLine,
    indents: list[str],
) -> cst.Call:
    """One argument a line (trailing comma) when the rewrite grew a call past the line
    limit: a one-line call, or a hanging call with all its arguments on one line."""
    text, offsets = node_offsets(statement, [original, *original.args[:1]], source, indents)
    if id(original) not in offsets:
        return new
    line, col = line_text(text, offsets[id(original)])
    indent = line[: len(line) - len(line.lstrip())]
    old_code, new_code = code(original), code(new)
    if "\n" not in old_code:
        if "\n" in new_code or len(line) - len(old_code) + len(new_code) <= MAX_LINE:
            return new
        before, after = line[: col - 1], line[col - 1 + len(old_code) :]
        # Only a call that ends its line and sits in no bracket opened on that line: a
        # nested one would need its enclosing call split instead.
        if not _TAIL.match(after) or before.count("(") > before.count(")"):
            return new
        inner = indent + source.default_indent
    else:
        first = offsets.get(id(original.args[0])) if original.args else None
        found = (
            _hanging_indent(original, new, line_text(text, first)) if first is not None else None
        )
        if found is None:
            return new
        inner = found

    def newline(ws: str) -> cst.ParenthesizedWhitespace:
        return cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(),
            empty_lines=[],
            indent=False,
            last_line=cst.SimpleWhitespace(ws),
        )

    args = [
        a.with_changes(
            comma=cst.Comma(whitespace_after=newline(inner)),
            whitespace_after_arg=cst.SimpleWhitespace(""),
        )
        for a in new.args
    ]
    args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=newline(indent)))
    return new.with_changes(whitespace_before_args=newline(inner), args=args)


def _hanging_indent(original: cst.Call, new: cst.Call, first_arg: tuple[str, int]) -> str | None:
    """For `f(\n    a, b\n)` whose one argument line the rewrite made too long: that
    line's indentation. None for any other layout."""
    if not isinstance(original.whitespace_before_args, cst.ParenthesizedWhitespace):
        return None
    if any("\n" in code(a.value) for a in original.args) or any(
        isinstance(a.comma, cst.Comma)
        and isinstance(a.comma.whitespace_after, cst.ParenthesizedWhitespace)
        for a in original.args[:-1]
    ):
        return None
    line, col = first_arg
    if line[: col - 1].strip():
        return None
    bare = [
        code(a.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=_NO_SPACE))
        for a in new.args
    ]
    if any("\n" in b for b in bare):
        return None
    width = col - 1 + sum(len(b) for b in bare) + 2 * (len(bare) - 1)
    return line[: col - 1] if width > MAX_LINE else None
