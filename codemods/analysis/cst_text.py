"""Small conversions between LibCST nodes and the text they stand for, used everywhere:
a node's source, and dotted names to and from Name/Attribute chains."""

from __future__ import annotations

import libcst as cst

from codemods.fastcst.codegen import node_code


def code(node: cst.CSTNode) -> str:
    """Source text of a node, for messages and comparisons."""
    return node_code(node)


def dotted_name(node: cst.BaseExpression | None) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def dotted_expr(dotted: str) -> cst.Name | cst.Attribute:
    """The Name/Attribute chain for `a.b.c`."""
    head, *rest = dotted.split(".")
    expr: cst.Name | cst.Attribute = cst.Name(head)
    for part in rest:
        expr = cst.Attribute(value=expr, attr=cst.Name(part))
    return expr


def caught_types(handler: cst.ExceptHandler) -> list[cst.BaseExpression] | None:
    """The exception expressions an except clause names (a tuple's elements one by one);
    None for a bare `except:`, which catches everything."""
    if handler.type is None:
        return None
    if isinstance(handler.type, cst.Tuple):
        return [el.value for el in handler.type.elements]
    return [handler.type]
