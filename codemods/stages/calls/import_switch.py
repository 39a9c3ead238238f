"""The import switch after a rewrite: legacy and shim names no longer referenced go, the
target's come in (under `TYPE_CHECKING` when only annotations use them, dotted when the
name is taken).
"""

from __future__ import annotations

from collections import Counter

import libcst as cst

from codemods.analysis.cst_text import code, dotted_expr
from codemods.analysis.import_edit import (
    add_from_import,
    add_import,
    alias_local_name,
    names_used,
    remove_import_names,
)
from codemods.fastcst.dispatch import FastTransformer
from codemods.stages.calls.state import CallSiteState

# A rewritten one-line call longer than this is laid out one argument a line.


class ImportSwitch(CallSiteState):
    def _switch_imports(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        # Referenced before the rewrite (or only inside string annotations it replaced).
        before = self.resolver.name_counts + Counter(self.replaced)
        after = names_used(updated)
        created = Counter(n.value for n in self.created)
        for _, heads in self.created_strings.values():
            created.update(heads)
        # Legacy and shim names the rewrite left unreferenced (unused before: kept, such
        # as re-exports).
        drop = [
            (path, local)
            for path, local in dict.fromkeys(self.imports)
            if before[local] > 0 and after[local] - created[local] <= 0
        ]
        target = self.plan.target_module
        dotted: set[str] = set()
        for head in sorted(created):
            # The target's name stays taken by another import or a module-level binding.
            # (This stage adds no import but the target's, so the original ones tell.)
            other = {
                src
                for src in self.resolver.imports.get(head, ())
                if (src.rpartition(".")[0], head) not in drop
                and (src, head) not in drop
                and src != f"{target}.{head}"
            }
            if other or head in self.resolver.module_scope.bindings:
                dotted.add(head)
        module = updated
        if dotted:
            module = module.visit(_Respell(self, dotted, target))
            module = add_import(module, target)
        # Added before the old imports go, so it lands in the import block, not above it.
        for head in sorted(set(created) - dotted):
            placed = None
            if head not in self.runtime_heads:
                placed = _add_in_type_checking(module, drop, target, head)
            module = placed or add_from_import(module, target, head)
        by_path: dict[str, set[str]] = {}
        for path, local in drop:
            by_path.setdefault(path, set()).add(local)
        for path, names in by_path.items():
            module = remove_import_names(module, path, names)
        return module


def _is_type_checking(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.If)
        and code(stmt.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
        and isinstance(stmt.body, cst.IndentedBlock)
    )


def _imports_one_of(stmt: cst.BaseStatement, names: set[tuple[str, str]]) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine):
        return False
    for small in stmt.body:
        if (
            isinstance(small, cst.ImportFrom)
            and small.module is not None
            and not small.relative
            and not isinstance(small.names, cst.ImportStar)
        ):
            module = code(small.module)
            if any((module, alias_local_name(a)) in names for a in small.names):
                return True
    return False


def _add_in_type_checking(
    module: cst.Module, drop: list[tuple[str, str]], target: str, head: str
) -> cst.Module | None:
    """Import `head` in the `if TYPE_CHECKING:` block whose legacy imports are going, so an
    annotation-only name stays a type-checking-only import. None: no such block."""
    dropped = set(drop)
    body = list(module.body)
    for i, stmt in enumerate(body):
        if not _is_type_checking(stmt):
            continue
        assert isinstance(stmt, cst.If) and isinstance(stmt.body, cst.IndentedBlock)
        lines = list(stmt.body.body)
        at = next((j for j, ln in enumerate(lines) if _imports_one_of(ln, dropped)), None)
        if at is None:
            continue
        new = cst.SimpleStatementLine(
            body=[
                cst.ImportFrom(module=dotted_expr(target), names=[cst.ImportAlias(cst.Name(head))])
            ]
        )
        # After the old line: its comments, moved down when it goes, then sit above this one.
        lines.insert(at + 1, new)
        body[i] = stmt.with_changes(body=stmt.body.with_changes(body=lines))
        return module.with_changes(body=body)
    return None


class _Respell(FastTransformer):
    """Spell the target names this run created as `target_module.Name`."""

    def __init__(self, codemod: CallSiteState, names: set[str], target: str) -> None:
        super().__init__()
        self.ids = {id(n) for n in codemod.created if n.value in names}
        self.strings = codemod.created_strings
        self.names = names
        self.target = target

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if id(original_node) in self.ids:
            return dotted_expr(f"{self.target}.{original_node.value}")
        return updated_node

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        hit = self.strings.get(id(original_node))
        if hit is None or not set(hit[1]) & self.names:
            return updated_node
        value = original_node.evaluated_value
        assert isinstance(value, str)
        inner = cst.parse_expression(value).visit(_RespellText(self.names, self.target))
        quote = original_node.quote
        return cst.SimpleString(f"{original_node.prefix}{quote}{code(inner)}{quote}")


class _RespellText(FastTransformer):
    def __init__(self, names: set[str], target: str) -> None:
        super().__init__()
        self.names = names
        self.target = target
        self.members: set[int] = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.members.add(id(node.attr))  # `.attr` is a member, not a name

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if original_node.value in self.names and id(original_node) not in self.members:
            return dotted_expr(f"{self.target}.{original_node.value}")
        return updated_node
