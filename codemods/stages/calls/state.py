"""What the call-sites codemod notes while it walks a file, shared by its parts: the
blocks and statements it is inside, the target names it created, the imports of legacy
modules, and the sites that keep an API legacy in this file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import libcst as cst

from codemods.analysis.binding import Fill
from codemods.analysis.cst_text import code
from codemods.analysis.resolve import Resolver
from codemods.plan import Api, placeholder
from codemods.report import Site
from codemods.stages.base import FileContext, StageCodemod
from codemods.stages.calls.layout import atomic, fit

# Before Python 3.12 an f-string field cannot reuse the string's quote, and the rewrite
# brings its own string literals (event types, dict keys).
IN_FSTRING = (
    "the call sits inside an f-string field, where the rewritten call's string literals may "
    "clash with the f-string's quotes before Python 3.12: move the call out to a local "
    "(`sent = await ...`) and use the local in the f-string, then re-run"
)


class CallSiteState(StageCodemod):
    """The notes and helpers every part of the call-sites codemod reads."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.resolver = Resolver(
            ctx.plan, ctx.module_name, ctx.project, is_package=ctx.path.endswith("__init__.py")
        )
        self.changed = False
        # Target-module references this run created: Name nodes, and string annotations
        # (new node id -> the same annotation spelled with the dotted target path).
        self.created: list[cst.Name] = []
        self.created_strings: dict[int, tuple[cst.SimpleString, list[str]]] = {}
        self.blocks: list[int] = []  # ids of the suites we are inside
        self.guards: list[tuple[int, str]] = []  # (try body id, the `except` it falls into)
        self.func_of_call: set[int] = set()
        self.assigned: set[int] = set()
        self.mock_inner: set[int] = set()
        self.imports: list[tuple[str, str]] = []  # (legacy or shim module, local name)
        self.source: cst.Module | None = None
        self.runtime_heads: set[str] = set()  # target names used outside annotations
        self.replaced: list[str] = []  # legacy class names the retargets replaced
        self.blocked: set[str] = set()  # APIs with manual method sites in this file
        self.retargets: list[Retarget] = []
        self.constructed: list[Retarget] = []  # constructor rewrites, undoable
        self.used_as_legacy: dict[str, cst.CSTNode] = {}  # API -> a call that may need it
        self.statements: list[cst.SimpleStatementLine] = []  # the one we are inside
        self.fstring_depth = 0  # > 0 inside an f-string replacement field
        self.indents: list[str] = []  # indentation of the blocks we are inside
        self._legacy_modules = set(self.plan.legacy_modules) | {
            a.shim_module for a in self.plan.apis.values()
        }
        self._class_of_api = {}
        for sym in self.plan.symbols.values():
            if sym.kind == "class":
                self._class_of_api.setdefault(sym.api, sym.name)

    # ------------------------------------------------------- bookkeeping ----
    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.blocks.append(id(node))
        default = self.source.default_indent if self.source is not None else "    "
        self.indents.append(default if node.indent is None else node.indent)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        self.blocks.pop()
        self.indents.pop()
        return updated_node

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.statements.append(node)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        self.statements.pop()
        return updated_node

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self.blocks.append(id(node))

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        self.blocks.pop()
        return updated_node

    def visit_Call(self, node: cst.Call) -> None:
        self.func_of_call.add(id(node.func))

    def visit_FormattedStringExpression(self, node: cst.FormattedStringExpression) -> None:
        self.fstring_depth += 1

    def leave_FormattedStringExpression(
        self,
        original_node: cst.FormattedStringExpression,
        updated_node: cst.FormattedStringExpression,
    ) -> cst.FormattedStringExpression:
        self.fstring_depth -= 1
        return updated_node

    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            self.assigned.add(id(t.target))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Attribute):
            self.mock_inner.add(id(node.value))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        module = code(node.module)
        if module not in self._legacy_modules:
            return
        for alias in node.names:
            local = code(alias.asname.name) if alias.asname else code(alias.name)
            self.imports.append((module, local))

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            module = code(alias.name)
            if alias.asname is not None and module in self._legacy_modules:
                self.imports.append((module, code(alias.asname.name)))

    # ---------------------------------------------------------- helpers ----
    def _target_ref(self, path: str) -> cst.BaseExpression:
        """`path` (relative to the target module) as an expression, head name tracked."""
        head, *rest = path.split(".")
        name = cst.Name(head)
        self.created.append(name)
        expr: cst.BaseExpression = name
        for part in rest:
            expr = cst.Attribute(value=expr, attr=cst.Name(part))
        return expr

    def _symbol(self, api_id: str, method: str) -> str:
        return f"{self._class_of_api.get(api_id, api_id)}.{method}"

    def _new_receiver(self, api: Api, receiver: cst.BaseExpression) -> cst.BaseExpression:
        if api.receiver == "{self}":
            return receiver
        template = _receiver_template(api.receiver)
        return template.visit(Fill({placeholder("self"): atomic(receiver)}))  # type: ignore[return-value]

    def _legacy_manual(
        self, api_id: str, node: cst.CSTNode, kind: str, symbol: str, reason: str
    ) -> None:
        """A manual site on a receiver of a known legacy API: while the file has one, its
        annotations keep naming the legacy class (they type that receiver for later runs)."""
        self.blocked.add(api_id)
        self._still_legacy(api_id, node)
        self.manual(node, kind, symbol, reason)

    def _still_legacy(self, api_id: str, node: cst.CSTNode) -> None:
        """Objects of `api_id` built in this file may reach this legacy call: keep building
        the legacy (shim) object until it is migrated."""
        self.used_as_legacy.setdefault(api_id, node)

    def _class_name(self, api_id: str) -> str:
        name = self._class_of_api.get(api_id, api_id)
        if name == self.plan.target_class:  # the old emitter shares the target's name
            return f"{self.plan.apis[api_id].shim_module}.{name}"
        return name

    def _why(self, receiver: cst.BaseExpression, reason: str) -> str:
        text = code(receiver)
        if reason.startswith(f"`{text}` "):
            return f"receiver {reason}"
        return f"receiver `{text}`: {reason}"

    def _fit(self, original: cst.Call, new: cst.Call) -> cst.Call:
        """`new` laid out for the line it lands on (see `layout.fit`)."""
        if not new.args or self.source is None or not self.statements or self.ctx.sites_only:
            return new  # (calls in compound-statement headers keep their layout; a scan
            # keeps no layout at all)
        return fit(original, new, self.source, self.statements[-1], self.indents)

    def _hint(self, method: str, receiver: cst.BaseExpression) -> str:
        """What to do about `receiver.method(...)` when the receiver's type is unknown."""
        apis = [a for a in self.plan.apis.values() if method in a.methods]
        targets = sorted({t for a in apis if (t := a.methods[method].target)})
        classes = sorted({self._class_name(a.id) for a in apis})
        text = code(receiver)
        example = classes[0].rsplit(".", 1)[-1] if classes else "..."
        rewrite = " or ".join(f"`{t}(...)`" for t in targets) or "the unified method"
        by_hand = f"rewrite the call by hand to {rewrite} with keyword arguments"
        if isinstance(receiver, cst.Call) and code(receiver.func) == "super":
            return f"{by_hand} (or migrate the parent's method first)"
        if text == "self":
            return (
                f"if the class derives from {join_or(classes)} through a file outside the "
                f"scanned paths, add that file to the paths and re-run; otherwise {by_hand}"
            )
        if isinstance(receiver, cst.Name):
            how = f"annotate it (`{text}: {example}`)"
        elif isinstance(receiver, cst.Attribute) and code(receiver.value) == "self":
            how = (
                f"assign `{text}` in `__init__` from a parameter annotated `{example}` "
                "(or a constructor call)"
            )
        else:
            how = f"bind it to an annotated local first (`emitter: {example} = {text}`)"
        return (
            f"if its class is {join_or(classes)}, {how} and re-run, or {by_hand}; "
            "if it is no legacy emitter, nothing to do"
        )


def join_or(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


@dataclass
class Retarget:
    """One annotation or spec the codemod pointed at the target class, undoable."""

    apis: set[str]
    old: cst.BaseExpression
    new: cst.BaseExpression
    sites: list[Site]
    created: list[cst.Name]
    strings: set[int]


@cache
def _receiver_template(receiver: str) -> cst.BaseExpression:
    """An API's receiver template, parsed once per run (Fill rebuilds every node of it)."""
    return cst.parse_expression(receiver.format(self=placeholder("self")))
