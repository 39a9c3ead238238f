"""Stage `deprecate`: mark each legacy definition deprecated where it is defined.

Rewrites, in the plan's legacy modules only:
- a top-level class named in [symbols] as a `class`: it gets `@legacy_api("<api>")`
  (compat.deprecation) as its outermost decorator;
- a top-level function named in [symbols] as a `factory` or `function`: it gets
  `@legacy_callable("<dotted path>")`;
- the import of whichever of the two it added.

Refuses: nothing is ever renamed, moved or re-implemented, and importers are
not touched. A definition that already carries the decorator is left as it
is, so a second run changes nothing. A legacy name that the module only
re-exports (an import, an assignment) is not decorated here; its defining
module is.
"""

from __future__ import annotations

from typing import TypeVar

import libcst as cst

from codemods.analysis.import_edit import add_from_import
from codemods.analysis.legacy_aliases import aliases_of, receiver_attribute
from codemods.plan import Symbol
from codemods.stages.base import FileContext, StageCodemod

D = TypeVar("D", cst.ClassDef, cst.FunctionDef)

_CLASS_DECORATOR = "legacy_api"
_FUNCTION_DECORATOR = "legacy_callable"


class DeprecateCodemod(StageCodemod):
    name = "deprecate"
    edits_definitions = True

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.legacy = ctx.plan.legacy_module_of(ctx.module_name)
        self.needed: set[str] = set()

    def visit_Module(self, node: cst.Module) -> bool:
        return self.legacy is not None

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False  # only top-level definitions are the plan's

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        symbol = self._symbol(original_node, ("class",))
        if symbol is None:
            return updated_node
        api = self.plan.apis[symbol.api]
        aliases = sorted(aliases_of(self.plan, api.id))
        where = receiver_attribute(api)
        answers = (
            f"; it answers {', '.join(aliases)}" + (f" on `.{where}`" if where else "")
            if aliases
            else ""
        )
        return self._decorate(
            original_node,
            updated_node,
            _CLASS_DECORATOR,
            api.id,
            f"its legacy methods warn and are counted{answers}",
        )

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        symbol = self._symbol(original_node, ("factory", "function"))
        if symbol is None:
            return updated_node
        return self._decorate(
            original_node, updated_node, _FUNCTION_DECORATOR, symbol.dotted, "warns and is counted"
        )

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        for name in sorted(self.needed):
            updated_node = add_from_import(
                updated_node, self.plan.deprecation_runtime, name, own_package=self._own_package()
            )
        return updated_node

    def _own_package(self) -> str:
        """The file's top-level package: its imports are first party to isort and ruff."""
        return (self.ctx.module_name or "").split(".", 1)[0]

    def _symbol(
        self, node: cst.ClassDef | cst.FunctionDef, kinds: tuple[str, ...]
    ) -> Symbol | None:
        if self.legacy is None or not self._top_level(node):
            return None
        symbol = self.plan.symbols.get(f"{self.legacy}.{node.name.value}")
        return symbol if symbol is not None and symbol.kind in kinds else None

    def _top_level(self, node: cst.CSTNode) -> bool:
        root = self._root
        return root is not None and any(stmt is node for stmt in root.body)

    def _decorate(self, original: D, updated: D, decorator: str, argument: str, what: str) -> D:
        name = original.name.value
        if any(_is_ours(d, decorator) for d in original.decorators):
            return updated
        self.needed.add(decorator)
        self.auto(original, "definition", name, f"deprecated in place: {what}")
        new = cst.Decorator(
            decorator=cst.Call(
                func=cst.Name(decorator),
                args=[cst.Arg(cst.SimpleString(_quoted(argument)))],
            )
        )
        # Outermost, so it sees the finished class (after @dataclass and the like); the
        # definition's own leading lines (comments, blanks) still print above it.
        return updated.with_changes(decorators=[new, *updated.decorators])


def _is_ours(decorator: cst.Decorator, name: str) -> bool:
    call = decorator.decorator
    func = call.func if isinstance(call, cst.Call) else call
    return isinstance(func, cst.Name | cst.Attribute) and (
        (isinstance(func, cst.Name) and func.value == name)
        or (isinstance(func, cst.Attribute) and func.attr.value == name)
    )


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
