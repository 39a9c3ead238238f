"""Stage 4: remove compat imports the rewrite left unused; report what still uses a shim.

Removes (auto) each name imported from a plan shim module (`from compat.x import A`,
`from compat import x`, `import compat.x as X`) that nothing in its scope uses: the
module for top-level imports, the function for imports inside one.

Refuses, reporting a manual `reference` site at the import: a shim name still used
in the file, and a re-export (a top-level import in a package `__init__.py`, an
`X as X` import, or a name listed in `__all__`). Legacy module files and the shim
modules themselves are left alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from codemods.analysis.cst_text import dotted_name
from codemods.analysis.import_edit import (
    alias_local_name,
    carry_leading_lines,
    drop_aliases,
    name_uses,
    spilled_lines,
    with_block_body,
)
from codemods.analysis.project_index import resolve_relative
from codemods.stages.base import FileContext, StageCodemod
from codemods.stages.imports import is_legacy_file, mentions


class CleanupCodemod(StageCodemod):
    name = "cleanup"

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.shim_modules = {api.shim_module for api in self.plan.apis.values()}
        module = ctx.module_name or ""
        self.skip = is_legacy_file(ctx) or any(
            module == s or module.endswith("." + s) for s in self.shim_modules
        )
        self.is_package = ctx.path.endswith("__init__.py")
        self._scopes: list[cst.CSTNode] = []
        self._uses: dict[int, dict[str, list[cst.CSTNode]]] = {}  # scope id -> name uses
        self._all: set[str] = set()  # names listed in __all__
        # Lines whose every import was removed, by id (the dict keeps them alive).
        self._emptied: dict[int, cst.SimpleStatementLine] = {}

    # ------------------------------------------------------------ scopes ----
    def visit_Module(self, node: cst.Module) -> bool:
        self._scopes.append(node)
        # Every shim import names the shims' top package (`compat`), or is relative within it.
        roots = {s.split(".", 1)[0] for s in self.shim_modules}
        inside = (self.ctx.module_name or "").split(".", 1)[0] in roots
        if self.skip or not (inside or mentions(node, roots)):
            return False
        self._all = _dunder_all(node)
        return True

    def statement_tokens(self) -> tuple[str, ...]:
        return ("import",)  # only import lines are cleaned; uses are read by name_uses

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.append(node)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        self._scopes.pop()
        return updated_node

    def _scope_uses(self) -> dict[str, list[cst.CSTNode]]:
        scope = self._scopes[-1]
        if id(scope) not in self._uses:
            self._uses[id(scope)] = name_uses(scope)
        return self._uses[id(scope)]

    # ------------------------------------------------------------- lines ----
    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        new_body: list[cst.BaseSmallStatement] = []
        changed = False
        for small in original_node.body:
            new = self._clean(small)
            changed = changed or new is not small
            if new is not None:
                new_body.append(new)
        if not changed:
            return updated_node
        if not new_body:
            emptied = updated_node.with_changes(body=[cst.Pass()])
            self._emptied[id(emptied)] = emptied
            return emptied
        new_body[-1] = new_body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(body=new_body)

    def _clean(self, small: cst.BaseSmallStatement) -> cst.BaseSmallStatement | None:
        if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
            module = self._absolute(small)
            if module is None:
                return small
            keep = []
            for alias in small.names:
                name = dotted_name(alias.name) or ""
                if module in self.shim_modules:
                    keep.append(self._keep(alias, f"{module}.{name}"))
                elif f"{module}.{name}" in self.shim_modules:
                    keep.append(self._keep(alias, f"{module}.{name}"))
                else:
                    keep.append(True)
            return drop_aliases(small, keep)  # type: ignore[return-value]
        if isinstance(small, cst.Import):
            keep = []
            for alias in small.names:
                full = dotted_name(alias.name) or ""
                if full in self.shim_modules:
                    keep.append(self._keep(alias, full))
                else:
                    keep.append(True)
            return drop_aliases(small, keep)  # type: ignore[return-value]
        return small

    def _absolute(self, node: cst.ImportFrom) -> str | None:
        module = dotted_name(node.module) if node.module is not None else ""
        if not node.relative:
            return module
        if self.ctx.module_name is None:
            return None
        level = len(node.relative)
        return resolve_relative(self.ctx.module_name, self.is_package, level, module or "")

    def _keep(self, alias: cst.ImportAlias, shim: str) -> bool:
        """Whether a shim import stays; records the site either way."""
        local = alias_local_name(alias)
        top_level = len(self._scopes) == 1
        explicit = alias.asname is not None and local == _last(alias)  # `X as X`
        reexport = local in self._all or (top_level and self.is_package) or explicit
        if reexport:
            self.manual(
                alias,
                "reference",
                shim,
                f"re-exports the compat shim {shim} as `{local}`: once every importer of "
                f"`{local}` from here is migrated, re-export the unified "
                f"{self.plan.target_module}.{self.plan.target_class} instead (or drop the "
                f"re-export), then re-run",
            )
            return True
        uses = self._scope_uses().get(local, [])
        if uses:
            lines = sorted({line for line, _ in self.positions(uses).values()})
            where = f" (line {', '.join(map(str, lines[:5]))}{', ...' if len(lines) > 5 else ''})"
            self.manual(
                alias,
                "reference",
                shim,
                f"still uses the compat shim {shim}{where if lines else ''}: finish the "
                f"manual sites in this file, then re-run",
            )
            return True
        self.auto(alias, "import", shim, "unused compat import removed")
        return False

    # ------------------------------------------------------------ blocks ----
    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self._emptied:  # the node as given: an untouched tree stays the same object
            return updated_node
        return with_block_body(updated_node, *self._drop_emptied(updated_node.body))

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if not self._emptied:
            return updated_node
        return with_block_body(updated_node, *self._drop_emptied(updated_node.body))

    def _drop_emptied(
        self, body: Sequence[cst.BaseStatement]
    ) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
        """Drop lines left empty; their comment lines move to the next statement."""
        out: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []
        for stmt in body:
            if id(stmt) in self._emptied:
                carried.extend(stmt.leading_lines)
                continue
            out.append(carry_leading_lines(carried, stmt))
            carried = []
        return out, spilled_lines(carried)


def _last(alias: cst.ImportAlias) -> str:
    return (dotted_name(alias.name) or "").rsplit(".", 1)[-1]


def _dunder_all(module: cst.Module) -> set[str]:
    """Names listed in a top-level `__all__` (the uses `name_uses` attributes to strings)."""
    names: set[str] = set()
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            value = None
            if isinstance(small, cst.Assign) and any(
                dotted_name(t.target) == "__all__" for t in small.targets
            ):
                value = small.value
            elif isinstance(small, cst.AugAssign | cst.AnnAssign) and (
                dotted_name(small.target) == "__all__"
            ):
                value = small.value
            if isinstance(value, cst.List | cst.Tuple):
                for el in value.elements:
                    if isinstance(el.value, cst.SimpleString):
                        text = el.value.evaluated_value
                        if isinstance(text, str):
                            names.add(text)
    return names
