"""Annotations and specs naming a legacy emitter class → the target class, through
Optional/Union/`|`/strings; undone by node id when the file keeps a manual site of that
API (its annotations still type the legacy receiver for later runs).
"""

from __future__ import annotations

import libcst as cst

from codemods.analysis.cst_text import code, dotted_name
from codemods.analysis.resolve import UNIFIED
from codemods.fastcst.dispatch import FastTransformer
from codemods.report import AUTO
from codemods.stages.calls.state import CallSiteState, Retarget

# A rewritten one-line call longer than this is laid out one argument a line.


class Annotations(CallSiteState):
    def _undo(self, module: cst.Module, undo: list[Retarget]) -> cst.Module:
        """Put back the legacy class in annotations/specs of APIs that keep manual sites."""
        names = {id(n) for r in undo for n in r.created}
        for r in undo:
            for key in r.strings:
                self.created_strings.pop(key, None)
        # The target names and strings this run still created, in their rebuilt copies:
        # the import switch finds them by identity to respell them if the name is taken.
        kept = [n for n in self.created if id(n) not in names]
        sites = {id(s) for r in undo for s in r.sites}
        self.ctx.sites[:] = [s for s in self.ctx.sites if id(s) not in sites]
        self.changed = any(s.status == AUTO for s in self.ctx.sites)
        self.created = kept
        if self.ctx.sites_only:
            return module  # a scan keeps the sites and throws the tree away
        swap = _Swap(
            {id(r.new): r.old for r in undo},
            {id(n) for n in kept} | set(self.created_strings),
        )
        module = module.visit(swap)
        self.created = [swap.moved.get(id(n), n) for n in kept]  # type: ignore[misc]
        strings: dict[int, tuple[cst.SimpleString, list[str]]] = {}
        for key, (node, heads) in self.created_strings.items():
            moved = swap.moved.get(key, node)
            assert isinstance(moved, cst.SimpleString)
            strings[id(moved)] = (moved, heads)
        self.created_strings = strings
        return module

    def leave_Annotation(
        self, original_node: cst.Annotation, updated_node: cst.Annotation
    ) -> cst.Annotation:
        new = self._retarget(updated_node.annotation, original_node, "annotation")
        return updated_node if new is None else updated_node.with_changes(annotation=new)

    def _legacy_class(self, node: cst.BaseExpression) -> str | None:
        """API id of a legacy emitter class named by node (APIs whose objects are emitters)."""
        kind = self.resolver.class_type(node)
        if kind is None or kind == UNIFIED:
            return None
        return kind if self.plan.apis[kind].receiver == "{self}" else None

    def _retarget(
        self, expr: cst.BaseExpression, site: cst.CSTNode, kind: str
    ) -> cst.BaseExpression | None:
        """`expr` with each legacy emitter class it names replaced by the target class
        (through Optional/Union/|/strings); None when it names none."""
        found: list[tuple[str, str]] = []  # (class as written, API)
        created_before = len(self.created)
        strings_before = set(self.created_strings)
        new = self._retarget_expr(expr, found)
        if not found:
            return None
        self.changed = True
        first_site = len(self.ctx.sites)
        for symbol, _ in found:
            self.auto(site, kind, symbol, f"→ {self.plan.target_class}")
        self.retargets.append(
            Retarget(
                apis={api for _, api in found},
                old=expr,
                new=new,
                sites=self.ctx.sites[first_site:],
                created=self.created[created_before:],
                strings=set(self.created_strings) - strings_before,
            )
        )
        return new

    def _retarget_expr(
        self, expr: cst.BaseExpression, found: list[tuple[str, str]]
    ) -> cst.BaseExpression:
        if isinstance(expr, cst.Name | cst.Attribute):
            api = self._legacy_class(expr)
            if api is not None:
                found.append((code(expr), api))
                self.replaced.append((dotted_name(expr) or "").split(".")[0])
                ref = self._target_ref(self.plan.target_class)
                if not expr.lpar:
                    return ref
                ref = ref.with_changes(lpar=expr.lpar, rpar=expr.rpar)
                assert isinstance(ref, cst.Name)
                self.created[-1] = ref  # the tracked node is the one in the tree
                return ref
            return expr
        if isinstance(expr, cst.Subscript):
            elements = []
            for el in expr.slice:
                if isinstance(el.slice, cst.Index):
                    el = el.with_changes(
                        slice=el.slice.with_changes(
                            value=self._retarget_expr(el.slice.value, found)
                        )
                    )
                elements.append(el)
            return expr.with_changes(slice=elements)
        if isinstance(expr, cst.BinaryOperation):
            return expr.with_changes(
                left=self._retarget_expr(expr.left, found),
                right=self._retarget_expr(expr.right, found),
            )
        if isinstance(expr, cst.List | cst.Tuple):
            return expr.with_changes(
                elements=[
                    el.with_changes(value=self._retarget_expr(el.value, found))
                    for el in expr.elements
                ]
            )
        if isinstance(expr, cst.SimpleString):
            return self._retarget_string(expr, found)
        return expr

    def _retarget_string(
        self, expr: cst.SimpleString, found: list[tuple[str, str]]
    ) -> cst.SimpleString:
        value = expr.evaluated_value
        if not isinstance(value, str) or "\\" in expr.value:
            return expr
        try:
            inner = cst.parse_expression(value)
        except cst.ParserSyntaxError:
            return expr
        before = len(found)
        created_before = len(self.created)
        new_inner = self._retarget_expr(inner, found)
        if len(found) == before:
            return expr
        heads = [n.value for n in self.created[created_before:]]
        # The string is text: track it to respell it if the target name has to be dotted.
        del self.created[created_before:]
        prefix, quote = expr.prefix, expr.quote
        new = cst.SimpleString(f"{prefix}{quote}{code(new_inner)}{quote}")
        self.created_strings[id(new)] = (new, heads)
        return new


class _Swap(FastTransformer):
    """Puts nodes back by id. A pass rebuilds every node it visits, so the copies of the
    nodes in `follow` are noted in `moved`: what tracks them must follow them."""

    def __init__(self, by_id: dict[int, cst.BaseExpression], follow: set[int]) -> None:
        super().__init__()
        self.by_id = by_id
        self.follow = follow
        self.moved: dict[int, cst.CSTNode] = {}

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:
        result = self.by_id.get(id(original_node), updated_node)
        if id(original_node) in self.follow:
            self.moved[id(original_node)] = result
        return result  # type: ignore[return-value]
