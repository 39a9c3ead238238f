"""Stage 1: route imports of legacy names to their compat shims.

Rewrites, in every block (functions, `if TYPE_CHECKING:`, `try`/`except`):
`from <legacy> import A, B as X, Other` -> `from <shim> import A, B as X` plus
`from <legacy> import Other` (names the plan does not know stay, reported as
manual); relative imports of a legacy module -> absolute shim imports;
`import <legacy> as X` and `from <pkg> import <legacy module>` -> the shim
module, when every `X.attr` in scope is a plan symbol of that one shim.
New shim imports merge into an existing import of the same shim in the block.

Also routes dotted `patch(...)` targets naming a legacy symbol (or its attribute) to
the shim path, so patches keep reaching what the code now imports.

Refuses (manual): star imports, names the plan does not know, module aliases
used for other names or as values, plain `import <legacy>`, unresolvable
relative imports, and `except ImportError` fallbacks for a routed name.
Reports commented-out legacy imports (manual `reference`), text untouched.
Legacy module files are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import libcst as cst

from codemods.analysis.cst_text import caught_types, dotted_expr, dotted_name
from codemods.analysis.import_edit import (
    alias_local_name,
    append_alias,
    carry_leading_lines,
    spilled_lines,
    with_block_body,
)
from codemods.analysis.project_index import resolve_relative
from codemods.fastcst.codegen import node_code
from codemods.fastcst.dispatch import FastVisitor
from codemods.fastcst.positions import tree_text
from codemods.plan import Symbol
from codemods.stages.base import FileContext, StageCodemod

_FALLBACK_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_MAX_LINE = 99  # a merged one-line import longer than this stays a separate statement
_COMMENTED_IMPORT = re.compile(
    r"^#+\s*(?:from\s+(?P<from>\.*[\w.]*)\s+import\b|import\s+(?P<import>[\w.]+))"
)


_MOCK_MODULES = ("unittest.mock", "mock")
PATCH = frozenset(f"{m}.patch" for m in _MOCK_MODULES)
PATCH_OBJECT = frozenset(f"{m}.patch.object" for m in _MOCK_MODULES)


def string_arg(call: cst.Call, position: int, keyword: str) -> tuple[int, cst.SimpleString] | None:
    """(index, node) of a call's literal string argument, by position or keyword."""
    for i, arg in enumerate(call.args):
        if arg.star:
            return None
        hit = arg.keyword.value == keyword if arg.keyword is not None else i == position
        if hit:
            return (i, arg.value) if isinstance(arg.value, cst.SimpleString) else None
    return None


def call_arg(call: cst.Call, position: int, keyword: str) -> cst.BaseExpression | None:
    for i, arg in enumerate(call.args):
        if arg.star:
            return None
        if (arg.keyword.value == keyword) if arg.keyword is not None else i == position:
            return arg.value
    return None


def string_text(node: cst.SimpleString) -> str | None:
    value = node.evaluated_value
    return value if isinstance(value, str) else None


def with_text(node: cst.SimpleString, text: str) -> cst.SimpleString:
    """The same string literal (prefix and quotes) with new content."""
    return node.with_changes(value=f"{node.prefix}{node.quote}{text}{node.quote}")


def dotted_patch_target(call: cst.Call, func: str) -> tuple[int, cst.SimpleString] | None:
    """The literal dotted target of a patch call (`func` is the callee's dotted name)."""
    if func in PATCH or func in ("patch", "mocker.patch"):
        return string_arg(call, 0, "target")
    if func == "monkeypatch.setattr" and call_arg(call, 2, "value") is None:
        return string_arg(call, 0, "target")  # setattr("pkg.mod.name", value)
    return None


def is_legacy_file(ctx: FileContext) -> bool:
    return ctx.plan.legacy_module_of(ctx.module_name) is not None


def _split(dotted: str) -> tuple[str, str]:
    head, _, tail = dotted.rpartition(".")
    return head, tail


@dataclass(frozen=True)
class _Route:
    """Where one import alias goes: `from module import name as asname`."""

    module: str
    alias: cst.ImportAlias


class _ModuleUses(FastVisitor):
    """How a module alias is used in a scope: `X.attr` members, and bare uses."""

    def __init__(self, local: str) -> None:
        super().__init__()
        self.local = local
        self.attrs: list[str] = []
        self.bare = 0

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if isinstance(node.value, cst.Name) and node.value.value == self.local:
            self.attrs.append(node.attr.value)
            return False
        return True

    def visit_Arg(self, node: cst.Arg) -> bool:
        self.walk(node.value)
        return False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.local:
            self.bare += 1


def mentions(module: cst.Module, tokens: Iterable[str]) -> bool:
    """Whether the module's text contains any token (a codegen costs a third of a parse,
    a transformer pass about a whole one)."""
    text = tree_text(module).code
    return any(t in text for t in tokens)


class ImportsCodemod(StageCodemod):
    name = "imports"

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.skip = is_legacy_file(ctx)
        self.is_package = ctx.path.endswith("__init__.py")
        self.shim_modules = {api.shim_module for api in self.plan.apis.values()}
        self._scopes: list[cst.CSTNode] = []
        self._try_names: list[set[str]] = []  # per enclosing `try`: names its body imports
        self._fallbacks: list[frozenset[str]] = []  # per enclosing handler: names to watch
        # New shim imports (by id; the dict keeps them alive) for the block-level merge.
        self._generated: dict[int, cst.ImportFrom] = {}

    # ------------------------------------------------------------ scopes ----
    def visit_Module(self, node: cst.Module) -> bool:
        self._scopes.append(node)
        return not self.skip and mentions(node, self._tails())

    def _tails(self) -> set[str]:
        # Every legacy or shim import, patch path and comment names its module's last part.
        return {m.rsplit(".", 1)[-1] for m in (*self.plan.legacy_modules, *self.shim_modules)}

    def statement_tokens(self) -> set[str]:
        """A line this stage acts on names a legacy or shim module, or is an import (the
        `try` fallbacks read the names any import binds)."""
        return self._tails() | {"import"}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.append(node)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        self._scopes.pop()
        return updated_node

    def visit_Try(self, node: cst.Try) -> None:
        self._try_names.append(self._import_bound_names(node.body))

    def leave_Try(self, original_node: cst.Try, updated_node: cst.Try) -> cst.Try:
        self._try_names.pop()
        return updated_node

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        names = self._try_names[-1] if self._try_names and _catches_import_error(node) else set()
        self._fallbacks.append(frozenset(names))

    def leave_ExceptHandler(
        self, original_node: cst.ExceptHandler, updated_node: cst.ExceptHandler
    ) -> cst.ExceptHandler:
        self._fallbacks.pop()
        return updated_node

    def _import_bound_names(self, block: cst.BaseSuite) -> set[str]:
        """Local names a try body imports from a legacy module or a shim."""
        names: set[str] = set()
        body = block.body if isinstance(block, cst.IndentedBlock) else [block]
        for stmt in body:
            smalls = (
                stmt.body
                if isinstance(stmt, cst.SimpleStatementLine | cst.SimpleStatementSuite)
                else []
            )
            for small in smalls:
                if isinstance(small, cst.ImportFrom) and not isinstance(
                    small.names, cst.ImportStar
                ):
                    module = self._absolute(small)
                    if module and (
                        self.plan.legacy_module_of(module) or module in self.shim_modules
                    ):
                        names.update(alias_local_name(a) for a in small.names)
        return names

    # ------------------------------------------------------------- lines ----
    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        one_line = len(original_node.body) > 1  # several statements on a line stay on it
        smalls = self._rewrite_smalls(original_node.body, one_line)
        if smalls is None:
            return updated_node
        if one_line:
            return updated_node.with_changes(body=smalls)
        return cst.FlattenSentinel(
            [
                updated_node.with_changes(
                    body=[s], leading_lines=updated_node.leading_lines if i == 0 else ()
                )
                for i, s in enumerate(smalls)
            ]
        )

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        smalls = self._rewrite_smalls(original_node.body, one_line=True)
        return updated_node if smalls is None else updated_node.with_changes(body=smalls)

    def _rewrite_smalls(
        self, body: Sequence[cst.BaseSmallStatement], one_line: bool
    ) -> list[cst.BaseSmallStatement] | None:
        """The small statements replacing `body`, or None when no import changes."""
        if not any(isinstance(s, cst.Import | cst.ImportFrom) for s in body):
            return None
        groups = [self._rewrite_small(s) for s in body]
        if all(g is None for g in groups):
            return None
        pairs: list[tuple[cst.BaseSmallStatement, bool]] = []
        for orig, group in zip(body, groups, strict=True):
            pairs.extend([(orig, False)] if group is None else group)
        semicolon = cst.Semicolon(whitespace_after=cst.SimpleWhitespace(" "))
        out: list[cst.BaseSmallStatement] = []
        for i, (small, generated) in enumerate(pairs):
            if i == len(pairs) - 1 or not one_line:
                small = small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
            elif not isinstance(small.semicolon, cst.Semicolon):
                small = small.with_changes(semicolon=semicolon)
            if generated and isinstance(small, cst.ImportFrom):
                self._generated[id(small)] = small
            out.append(small)
        return out

    def _rewrite_small(
        self, node: cst.BaseSmallStatement
    ) -> list[tuple[cst.BaseSmallStatement, bool]] | None:
        """(statement, is a new shim import) replacing one import; None keeps it."""
        if isinstance(node, cst.ImportFrom):
            return self._rewrite_from(node)
        if isinstance(node, cst.Import):
            return self._rewrite_import(node)
        return None

    def _absolute(self, node: cst.ImportFrom) -> str | None:
        module = dotted_name(node.module) if node.module is not None else ""
        if not node.relative:
            return module
        if self.ctx.module_name is None:
            return None
        return resolve_relative(
            self.ctx.module_name, self.is_package, len(node.relative), module or ""
        )

    def _rewrite_from(
        self, node: cst.ImportFrom
    ) -> list[tuple[cst.BaseSmallStatement, bool]] | None:
        module = self._absolute(node)
        if module is None:
            self._unresolved_relative(node)
            return None
        legacy = (
            self.plan.legacy_module_of(module)
            if node.relative
            else (module if module in self.plan.legacy_modules else None)
        )
        if isinstance(node.names, cst.ImportStar):
            if legacy:
                self.manual(
                    node,
                    "import",
                    f"{legacy}.*",
                    f"star import from the legacy module {legacy}: import the names this file "
                    f"uses explicitly (`from {legacy} import Name`), then re-run",
                )
            return None
        self._report_fallbacks(node, legacy, module)
        routes: list[_Route | None] = []
        for alias in node.names:
            routes.append(self._route_from_alias(node, module, legacy, alias))
        if all(r is None for r in routes):
            return None
        out: list[tuple[cst.BaseSmallStatement, bool]] = []
        targets = list(dict.fromkeys(r.module for r in routes if r is not None))
        for target in targets:
            keep = [r is not None and r.module == target for r in routes]
            names = [
                r.alias if r is not None else a for r, a in zip(routes, node.names, strict=True)
            ]
            base = node.with_changes(names=names)
            shim_stmt = _drop(base, keep)
            shim_stmt = shim_stmt.with_changes(
                relative=(),
                module=dotted_expr(target),
                whitespace_after_from=cst.SimpleWhitespace(" "),
            )
            out.append((shim_stmt, True))
        if any(r is None for r in routes):
            out.append((_drop(node, [r is None for r in routes]), False))
        return out

    def _route_from_alias(
        self, node: cst.ImportFrom, module: str, legacy: str | None, alias: cst.ImportAlias
    ) -> _Route | None:
        name = dotted_name(alias.name) or ""
        full = f"{module}.{name}"
        symbol = self._symbol(legacy, name) if legacy else None
        if symbol is not None:
            return self._symbol_route(alias, symbol)
        sub = self.plan.legacy_module_of(full)
        if sub is not None and (full == sub or full.endswith("." + sub)):
            return self._module_route(alias, sub, from_package=True)
        if legacy is not None:
            self.manual(
                alias,
                "import",
                f"{legacy}.{name}",
                f"`{name}` is not in the plan for {legacy}: if the module still defines it, "
                f"keep this import and add it to the plan's [symbols] if it is an emitter API; "
                f"if it no longer exists, delete it from the import",
            )
        return None

    def _symbol(self, legacy: str, name: str) -> Symbol | None:
        return self.plan.symbols.get(f"{legacy}.{name}")

    def _symbol_route(self, alias: cst.ImportAlias, symbol: Symbol) -> _Route:
        shim_module, shim_name = _split(symbol.shim)
        local = alias_local_name(alias)
        new = alias.with_changes(name=cst.Name(shim_name))
        if shim_name != local and alias.asname is None:
            new = new.with_changes(asname=cst.AsName(name=cst.Name(local)))
        elif (
            shim_name == local and alias.asname is not None and shim_name != dotted_name(alias.name)
        ):
            new = new.with_changes(asname=None)
        self.auto(alias, "import", symbol.dotted, f"routed to {symbol.shim}")
        return _Route(shim_module, new)

    # ---------------------------------------------------- module aliases ----
    def _module_route(
        self, alias: cst.ImportAlias, legacy: str, from_package: bool
    ) -> _Route | None:
        """`from pkg import legacy_mod [as X]` / `import legacy.mod as X` -> the shim module."""
        local = alias_local_name(alias)
        uses = _ModuleUses(local)
        uses.walk(self._scopes[-1])
        symbols = [self._symbol(legacy, a) for a in uses.attrs]
        unknown = sorted({a for a, s in zip(uses.attrs, symbols, strict=True) if s is None})
        shims = {_split(s.shim)[0] for s in symbols if s is not None}
        renamed = sorted({s.name for s in symbols if s is not None and _split(s.shim)[1] != s.name})
        problem = None
        if uses.bare:
            problem = f"the module object `{local}` is used as a value"
        elif unknown:
            problem = f"`{local}.{unknown[0]}` is not in the plan"
        elif len(shims) > 1:
            problem = f"its names live in different shims ({', '.join(sorted(shims))})"
        elif renamed:
            problem = f"`{local}.{renamed[0]}` has another name in its shim"
        api_shim = self._module_shim(legacy)
        if problem is not None or (not shims and api_shim is None):
            target = next(iter(shims), api_shim or "compat")
            self.manual(
                alias,
                "import",
                legacy,
                f"module import of the legacy {legacy}: {problem or 'no plan symbol is used'}; "
                f"import the plan names it uses from {target} by hand "
                f"(`from {target} import Name`) and keep the legacy import only for the rest",
            )
            return None
        shim = next(iter(shims), api_shim)
        assert shim is not None
        parent, last = _split(shim)
        self.auto(alias, "import", legacy, f"module routed to {shim}")
        if from_package:
            asname = cst.AsName(name=cst.Name(local)) if local != last else None
            return _Route(
                parent, cst.ImportAlias(name=cst.Name(last), asname=asname, comma=alias.comma)
            )
        return _Route("", alias.with_changes(name=dotted_expr(shim)))

    def _module_shim(self, legacy: str) -> str | None:
        """The one shim module all of a legacy module's symbols route to, if any."""
        shims = {_split(s.shim)[0] for s in self.plan.symbols.values() if s.module == legacy}
        return shims.pop() if len(shims) == 1 else None

    def _rewrite_import(self, node: cst.Import) -> list[tuple[cst.BaseSmallStatement, bool]] | None:
        changed = False
        names: list[cst.ImportAlias] = []
        for alias in node.names:
            full = dotted_name(alias.name) or ""
            legacy = full if full in self.plan.legacy_modules else None
            if legacy is None:
                names.append(alias)
                continue
            if alias.asname is None:
                shim = self._module_shim(legacy) or "compat"
                self.manual(
                    alias,
                    "import",
                    legacy,
                    f"plain `import {legacy}`: change it to `from {shim} import Name` for the "
                    f"names this file uses and write `Name` instead of `{legacy}.Name`",
                )
                names.append(alias)
                continue
            route = self._module_route(alias, legacy, from_package=False)
            if route is None:
                names.append(alias)
            else:
                names.append(route.alias)
                changed = True
        return [(node.with_changes(names=names), False)] if changed else None

    # ------------------------------------------------------ patch targets ----
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        """`patch("<legacy>.Name[.attr]")` -> the shim path: code now imports the shim's object."""
        found = dotted_patch_target(original_node, dotted_name(original_node.func) or "")
        if found is None:
            return updated_node
        index, node = found
        text = string_text(node) or ""
        parts = text.split(".")
        for cut in range(len(parts), 1, -1):
            symbol = self.plan.symbols.get(".".join(parts[:cut]))
            if symbol is not None:
                new = ".".join([symbol.shim, *parts[cut:]])
                self.auto(node, "string", text, f"patch target routed to {new}")
                args = list(updated_node.args)
                args[index] = args[index].with_changes(value=with_text(node, new))
                return updated_node.with_changes(args=args)
        return updated_node

    # ------------------------------------------------------- diagnostics ----
    def _unresolved_relative(self, node: cst.ImportFrom) -> None:
        tail = dotted_name(node.module) if node.module is not None else None
        if tail and any(
            m.rsplit(".", 1)[-1] == tail.rsplit(".", 1)[-1] for m in self.plan.legacy_modules
        ):
            self.manual(
                node,
                "import",
                tail,
                "relative import the tool cannot resolve (the file's package is unknown): "
                "write it as an absolute import of the legacy module, then re-run",
            )

    def _report_fallbacks(self, node: cst.ImportFrom, legacy: str | None, module: str) -> None:
        """An `except ImportError:` import of a name the `try` gets from a legacy module."""
        if legacy is not None or module in self.shim_modules or not self._fallbacks:
            return
        names = self._fallbacks[-1]
        for alias in node.names:  # type: ignore[union-attr]
            local = alias_local_name(alias)
            if local in names:
                self.manual(
                    alias,
                    "import",
                    f"{module}.{dotted_name(alias.name)}",
                    f"fallback import of `{local}` for when the legacy import fails: the compat "
                    f"shim always imports, so delete this `except ImportError` branch (keep the "
                    f"`try` body's import)",
                )

    def visit_Comment(self, node: cst.Comment) -> None:
        m = _COMMENTED_IMPORT.match(node.value)
        if not m:
            return
        module = m.group("from") or m.group("import") or ""
        legacy = self.plan.legacy_module_of(module.lstrip(".")) if module else None
        if legacy is None:
            return
        shim = self._module_shim(legacy) or "compat"
        self.manual(
            node,
            "reference",
            legacy,
            "commented-out legacy import: delete the comment (the legacy module will be "
            f"removed; if the code comes back, import from {shim})",
        )

    # ------------------------------------------------------------ blocks ----
    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self._generated:  # the node as given: an untouched tree stays the same object
            return updated_node
        return with_block_body(updated_node, *self._merge_block(updated_node.body))

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if not self._generated:
            return updated_node
        return with_block_body(updated_node, *self._merge_block(updated_node.body))

    def _merge_block(
        self, body: Sequence[cst.BaseStatement]
    ) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
        """No duplicate imports: fold each new shim import into an earlier one of that shim.

        Names an earlier import in the block already binds are dropped from the new
        import, and from a later import of the same shim that repeats a new one. A
        fold that would make a one-line import longer than _MAX_LINE is skipped.
        """
        if not self._generated:
            return list(body), []
        bound: dict[str, set[tuple[str, str]]] = {}  # module -> (name, local) bound so far
        new_bound: dict[str, set[tuple[str, str]]] = {}  # ... by new shim imports
        first: dict[str, tuple[int, int]] = {}  # module -> (line index in out, small index)
        out: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []
        for stmt in body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                out.append(carry_leading_lines(carried, stmt))
                carried = []
                continue
            smalls: list[cst.BaseSmallStatement] = []
            for small in stmt.body:
                module = _plain_from_module(small)
                if module is None:
                    smalls.append(small)
                    continue
                assert isinstance(small, cst.ImportFrom)
                aliases = list(small.names)  # type: ignore[arg-type]
                generated = id(small) in self._generated
                seen = bound.get(module, set()) if generated else new_bound.get(module, set())
                keep = [_pair(a) not in seen for a in aliases]
                fresh = [a for a, k in zip(aliases, keep, strict=True) if k]
                if not fresh:
                    continue
                bound.setdefault(module, set()).update(_pair(a) for a in fresh)
                if generated:
                    new_bound.setdefault(module, set()).update(_pair(a) for a in fresh)
                    # A statement carrying comments stays whole: folding it would drop them.
                    if module in first and not _has_comment(small, stmt):
                        i, j = first[module]
                        target = smalls[j] if i == len(out) else out[i].body[j]  # type: ignore[attr-defined]
                        merged = _append_all(target, fresh)
                        if _fits(merged):
                            if i == len(out):
                                smalls[j] = merged
                            else:
                                out[i] = _replace_small(out[i], j, merged)
                            continue
                first.setdefault(module, (len(out), len(smalls)))
                smalls.append(small if all(keep) else _drop(small, keep))
            if not smalls:
                carried.extend(stmt.leading_lines)
                continue
            if any(a is not b for a, b in zip(smalls, stmt.body, strict=False)) or len(
                smalls
            ) != len(stmt.body):
                smalls[-1] = smalls[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
                stmt = stmt.with_changes(body=smalls)
            out.append(carry_leading_lines(carried, stmt))
            carried = []
        return out, spilled_lines(carried)


def _catches_import_error(handler: cst.ExceptHandler) -> bool:
    types = caught_types(handler)
    if types is None:
        return True
    return any((dotted_name(t) or "").rsplit(".", 1)[-1] in _FALLBACK_ERRORS for t in types)


def _drop(node: cst.ImportFrom, keep: list[bool]) -> cst.ImportFrom:
    from codemods.analysis.import_edit import drop_aliases

    out = drop_aliases(node, keep)
    assert isinstance(out, cst.ImportFrom)
    return out


def _pair(alias: cst.ImportAlias) -> tuple[str, str]:
    return (dotted_name(alias.name) or "", alias_local_name(alias))


def _plain_from_module(small: cst.BaseSmallStatement) -> str | None:
    if (
        isinstance(small, cst.ImportFrom)
        and not small.relative
        and not isinstance(small.names, cst.ImportStar)
    ):
        return dotted_name(small.module)
    return None


def _append_all(small: cst.BaseSmallStatement, aliases: list[cst.ImportAlias]) -> cst.ImportFrom:
    assert isinstance(small, cst.ImportFrom)
    for alias in aliases:
        small = append_alias(small, alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))
    return small


def _replace_small(
    stmt: cst.BaseStatement, j: int, small: cst.BaseSmallStatement
) -> cst.BaseStatement:
    assert isinstance(stmt, cst.SimpleStatementLine)
    return stmt.with_changes(body=[small if k == j else s for k, s in enumerate(stmt.body)])


def _has_comment(small: cst.BaseSmallStatement, line: cst.SimpleStatementLine) -> bool:
    return line.trailing_whitespace.comment is not None or "#" in node_code(small)


def _fits(node: cst.ImportFrom) -> bool:
    text = node_code(node)
    return "\n" in text or len(text) <= _MAX_LINE
