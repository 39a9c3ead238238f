"""Stage 2: call sites onto the unified emitter's keyword API.

Rewrites, where the receiver's type is one the resolver can see:
- `R.m(args)` for a legacy method `m` of R's API → `<receiver>.<target>(kw=..., ...)`, keywords in
  legacy parameter order (mapping rules: codemods/analysis/binding.py);
- legacy constructors, factories and functions (`plan.constructors`) → target-module callables;
- mock setups `R.m = AsyncMock(...)`, mock attributes `R.m.return_value`, and mock assertions
  `R.m.assert_awaited_once_with(...)` (arguments mapped exactly like the call);
- annotations and `Mock(spec=X)` naming a legacy emitter class → the target class;
then switches the file's imports: legacy/shim names no longer referenced go, the target's come in.

Refuses, with a manual site saying what to do: receivers it cannot type (or of another type),
calls that do not bind the legacy signature, non-literal dispatch/expand arguments, the plan's
`manual`/`manual_if`/`require` cases, receivers a template would duplicate that are not plain
names, and calls of a raising API inside a `try` that catches what it raised.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

import libcst as cst

from codemods.analysis.binding import Fill, Refusal, keyword_args, map_call, target_params
from codemods.analysis.import_edit import (
    add_from_import,
    add_import,
    alias_local_name,
    dotted_expr,
    dotted_name,
    names_used,
    remove_import_names,
)
from codemods.analysis.resolve import UNIFIED, Receiver, Resolver, code, shared_resolver
from codemods.fastcst.dispatch import FastTransformer
from codemods.fastcst.positions import line_text, node_offsets
from codemods.plan import Api, Mapping_, placeholder
from codemods.report import AUTO, MANUAL, Site
from codemods.stages.base import FileContext, StageCodemod

# A rewritten one-line call longer than this is laid out one argument a line.
_MAX_LINE = 99
_NO_SPACE = cst.SimpleWhitespace("")
_TAIL = re.compile(r"^[\s,)\]}:]*(#.*)?$")
# Mock attributes that only follow the method's name.
_MOCK_RENAME = frozenset(
    {
        "assert_called",
        "assert_called_once",
        "assert_not_called",
        "assert_awaited",
        "assert_awaited_once",
        "assert_not_awaited",
        "called",
        "call_count",
        "await_count",
        "return_value",
        "side_effect",
        "reset_mock",
    }
)
# Mock assertions whose arguments are the method's arguments.
_MOCK_ARGS = frozenset(
    {
        "assert_called_with",
        "assert_called_once_with",
        "assert_awaited_with",
        "assert_awaited_once_with",
        "assert_any_call",
        "assert_any_await",
    }
)
# Mock attributes holding recorded calls, compared against `call(...)` objects the tool
# does not follow.
_MOCK_RECORDS = frozenset(
    {
        "call_args",
        "call_args_list",
        "await_args",
        "await_args_list",
        "mock_calls",
        "assert_has_calls",
        "assert_has_awaits",
    }
)
_MOCK_FACTORIES = frozenset(
    {"Mock", "MagicMock", "AsyncMock", "NonCallableMock", "NonCallableMagicMock", "create_autospec"}
)
# What a raising legacy method raised (ConnectionError, RuntimeError) and what catches it.
_CATCHES_RAISE = frozenset(
    {
        "ConnectionError",
        "RuntimeError",
        "OSError",
        "IOError",
        "EnvironmentError",
        "Exception",
        "BaseException",
    }
)


def _atomic(node: cst.BaseExpression) -> cst.BaseExpression:
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


def _caught_names(handler: cst.ExceptHandler) -> set[str] | None:
    """Last components of the names an except clause catches; None for a bare `except:`."""
    if handler.type is None:
        return None
    exprs = (
        [el.value for el in handler.type.elements]
        if isinstance(handler.type, cst.Tuple)
        else [handler.type]
    )
    names = set()
    for e in exprs:
        text = code(e)
        names.add(text.rsplit(".", 1)[-1])
    return names


# Before Python 3.12 an f-string field cannot reuse the string's quote, and the rewrite
# brings its own string literals (event types, dict keys).
_IN_FSTRING = (
    "the call sits inside an f-string field, where the rewritten call's string literals may "
    "clash with the f-string's quotes before Python 3.12: move the call out to a local "
    "(`sent = await ...`) and use the local in the f-string, then re-run"
)


class CallsCodemod(StageCodemod):
    name = "calls"

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
        self.retargets: list[_Retarget] = []
        self.constructed: list[_Retarget] = []  # constructor rewrites, undoable
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

    # ------------------------------------------------------------ module ----
    def visit_Module(self, node: cst.Module) -> bool:
        self.resolver = shared_resolver(
            self.plan,
            self.ctx.module_name,
            self.ctx.project,
            node,
            is_package=self.ctx.path.endswith("__init__.py"),
        )
        self.source = node
        return self.resolver.mentions_legacy  # nothing to rewrite or report: skip the walk

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        undo = [r for r in self.retargets if r.apis & self.blocked]
        kept = [c for c in self.constructed if c.apis & set(self.used_as_legacy)]
        if undo or kept:
            updated_node = self._undo(updated_node, undo + kept)
        kept_nodes = [self.site_nodes[id(c.sites[0])] for c in kept]
        needing = [self.used_as_legacy[api] for c in kept for api in c.apis]
        where = self.place_sites([*kept_nodes, *needing])
        for c, node in zip(kept, kept_nodes, strict=True):
            (api,) = c.apis
            line = where[id(self.used_as_legacy[api])][0]
            call = code(self.used_as_legacy[api]).splitlines()[0]
            self.ctx.sites.append(
                replace(
                    c.sites[0],
                    line=where[id(node)][0],
                    col=where[id(node)][1],
                    status=MANUAL,
                    reason=f"the object it builds may still be called through legacy methods "
                    f"(line {line}: `{call}`), which the unified emitter does not have: "
                    "migrate those calls first, then re-run",
                )
            )
        self.ctx.sites.sort(key=lambda site: (site.line, site.col))
        if not self.changed or self.ctx.sites_only:
            return updated_node  # the import switch reports nothing
        return self._switch_imports(original_node, updated_node)

    def _undo(self, module: cst.Module, undo: list[_Retarget]) -> cst.Module:
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

    def visit_Try(self, node: cst.Try) -> None:
        for handler in node.handlers:
            caught = _caught_names(handler)
            if caught is None or caught & _CATCHES_RAISE:
                shown = f"except {code(handler.type)}" if handler.type is not None else "except"
                self.guards.append((id(node.body), shown))
                break

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
        return template.visit(Fill({placeholder("self"): _atomic(receiver)}))  # type: ignore[return-value]

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

    def _guard(self) -> str | None:
        inside = set(self.blocks)
        for body, shown in reversed(self.guards):
            if body in inside:
                return shown
        return None

    def _binds_unified(self, method: str, args: Sequence[cst.Arg]) -> bool:
        """Whether the call already has the unified method's shape (its keywords, the
        required ones given)."""
        params = target_params(self.plan, method)
        if params is None or any(a.star for a in args):
            return False
        positional = [a for a in args if a.keyword is None]
        # emit_custom(event_type, data) is positional-or-keyword.
        names = list(params.order[: len(positional)])
        if positional and method != "emit_custom":
            return False
        names += [a.keyword.value for a in args if a.keyword is not None]
        return (
            len(set(names)) == len(names)
            and all(n in params.order for n in names)
            and params.required <= set(names)
        )

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
                f"if the class derives from {_join_or(classes)} through a file outside the "
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
            f"if its class is {_join_or(classes)}, {how} and re-run, or {by_hand}; "
            "if it is no legacy emitter, nothing to do"
        )

    def _fit(self, original: cst.Call, new: cst.Call) -> cst.Call:
        """One argument a line (trailing comma) when the rewrite grew a call past the line
        limit: a one-line call, or a hanging call with all its arguments on one line."""
        if not new.args or self.source is None or not self.statements or self.ctx.sites_only:
            return new  # (calls in compound-statement headers keep their layout; a scan
            # keeps no layout at all)
        text, offsets = node_offsets(
            self.statements[-1], [original, *original.args[:1]], self.source, self.indents
        )
        if id(original) not in offsets:
            return new
        line, col = line_text(text, offsets[id(original)])
        indent = line[: len(line) - len(line.lstrip())]
        old_code, new_code = code(original), code(new)
        if "\n" not in old_code:
            if "\n" in new_code or len(line) - len(old_code) + len(new_code) <= _MAX_LINE:
                return new
            before, after = line[: col - 1], line[col - 1 + len(old_code) :]
            # Only a call that ends its line and sits in no bracket opened on that line: a
            # nested one would need its enclosing call split instead.
            if not _TAIL.match(after) or before.count("(") > before.count(")"):
                return new
            inner = indent + self.source.default_indent
        else:
            first = offsets.get(id(original.args[0])) if original.args else None
            found = (
                self._hanging_indent(original, new, line_text(text, first))
                if first is not None
                else None
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

    def _hanging_indent(
        self, original: cst.Call, new: cst.Call, first_arg: tuple[str, int]
    ) -> str | None:
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
        return line[: col - 1] if width > _MAX_LINE else None

    # ------------------------------------------------------------ calls ----
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if (
                isinstance(func.value, cst.Attribute)
                and method in _MOCK_ARGS | _MOCK_RECORDS
                and func.value.attr.value in self.plan.legacy_method_names
            ):
                return self._mock_assertion(original_node, updated_node)
            if method in self.plan.legacy_method_names:
                return self._method_call(original_node, updated_node)
        key = self.resolver.constructor_key(func)
        if key is not None:
            return self._constructor(original_node, updated_node, key)
        dotted = self.resolver.qualified(func) or ""
        if dotted.rsplit(".", 1)[-1] in _MOCK_FACTORIES:
            return self._mock_spec(original_node, updated_node)
        return updated_node

    def _method_call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        assert isinstance(func, cst.Attribute) and isinstance(updated.func, cst.Attribute)
        method = func.attr.value
        rtype = self.resolver.receiver_type(func.value)
        if rtype.unified:
            return updated
        if rtype.api is None:
            self._unknown_receiver(original, method, rtype)
            return updated
        api = self.plan.apis[rtype.api]
        mapping = api.methods.get(method)
        if mapping is None or self._binds_unified(method, original.args):
            return updated  # a method of another API, or the unified one a shim also offers
        symbol = self._symbol(api.id, method)
        if method in rtype.defines:
            self._legacy_manual(
                api.id,
                original,
                "call",
                symbol,
                f"`{code(func.value)}` belongs to a class that overrides `{method}`, so the call "
                "runs that override, not the legacy method: migrate the override by hand first",
            )
            return updated
        if api.on_failure == "raise" and mapping.manual is None:
            guard = self._guard()
            if guard is not None:
                self._legacy_manual(
                    api.id,
                    original,
                    "call",
                    symbol,
                    f"legacy `{method}` raised ConnectionError/RuntimeError on failure and this "
                    f"call sits in a try with `{guard}`; the unified method returns False "
                    "instead: check the result instead of catching, then rewrite by hand",
                )
                return updated
        receiver = updated.func.value
        result = map_call(self.plan, mapping, updated.args, receiver=receiver)
        if isinstance(result, Refusal):
            self._legacy_manual(api.id, original, "call", symbol, result.reason)
            return updated
        if self.fstring_depth:
            self._legacy_manual(api.id, original, "call", symbol, _IN_FSTRING)
            return updated
        new_func = updated.func.with_changes(
            value=self._new_receiver(api, receiver), attr=cst.Name(result.target)
        )
        self.changed = True
        self.auto(original, "call", symbol, f"→ {code(new_func)}(...) with keyword arguments")
        return self._fit(
            original,
            updated.with_changes(
                func=new_func,
                args=keyword_args(result.keywords, updated.args, updated.whitespace_before_args),
            ),
        )

    def _unknown_receiver(self, node: cst.Call, method: str, rtype: Receiver) -> None:
        func = node.func
        assert isinstance(func, cst.Attribute)
        if "_" not in method or method in rtype.defines:
            return
        if self._binds_unified(method, node.args):
            return
        for api in self.plan.apis.values():
            if method in api.methods:
                self._still_legacy(api.id, node)
        why = self._why(func.value, rtype.reason)
        # The index's reason for an ambiguous base already says what to do.
        text = (
            why if rtype.reason.endswith("by hand") else f"{why}: {self._hint(method, func.value)}"
        )
        self.manual(node, "call", method, text)

    def _constructor(self, original: cst.Call, updated: cst.Call, key: str) -> cst.BaseExpression:
        mapping = self.plan.constructors[key]
        symbol = self._constructor_symbol(key)
        result = map_call(self.plan, mapping, updated.args, constructor=True)
        if isinstance(result, Refusal):
            self.manual(original, "constructor", symbol, result.reason)
            return updated
        if self.fstring_depth:
            self.manual(original, "constructor", symbol, _IN_FSTRING)
            return updated
        self.changed = True
        self.runtime_heads.add(result.target.split(".")[0])
        first_site, created_before = len(self.ctx.sites), len(self.created)
        self.auto(original, "constructor", symbol, f"→ {result.target}(...) with keyword arguments")
        new = self._fit(
            original,
            updated.with_changes(
                func=self._target_ref(result.target),
                args=keyword_args(result.keywords, updated.args, updated.whitespace_before_args),
            ),
        )
        made = self.resolver.names.callables[self.resolver.qualified(original.func) or key][1]
        if made is not None and made != UNIFIED:
            self.constructed.append(
                _Retarget(
                    apis={made},
                    old=updated,
                    new=new,
                    sites=self.ctx.sites[first_site:],
                    created=self.created[created_before:],
                    strings=set(),
                )
            )
        return new

    def _constructor_symbol(self, key: str) -> str:
        owner = key if key in self.plan.symbols else key.rsplit(".", 1)[0]
        sym = self.plan.symbols[owner]
        return key[len(sym.module) + 1 :]

    # ------------------------------------------------------------ mocks ----
    def _mocked(
        self, inner: cst.Attribute
    ) -> tuple[Api, Mapping_, str] | tuple[None, None, str] | None:
        """For `R.m` (a mocked legacy method): its API and mapping, or None if R is not
        legacy; (None, None, reason) when R is unknown."""
        method = inner.attr.value
        rtype = self.resolver.receiver_type(inner.value)
        if rtype.unified:
            return None
        if rtype.api is None:
            if "_" not in method or method in rtype.defines:
                return None
            return None, None, self._why(inner.value, rtype.reason)
        api = self.plan.apis[rtype.api]
        mapping = api.methods.get(method)
        if mapping is None:
            return None
        return api, mapping, ""

    def _unknown_mock(self, node: cst.CSTNode, inner: cst.Attribute, reason: str) -> None:
        method = inner.attr.value
        self.manual(
            node,
            "attribute",
            method,
            f"mock of `{method}`: {reason}. Once the code under test is migrated it calls the "
            f"unified method with keywords: {self._hint(method, inner.value)}",
        )

    def _mock_assertion(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        assert isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute)
        inner = func.value
        found = self._mocked(inner)
        if found is None:
            return updated
        api, mapping, reason = found
        if api is None or mapping is None:
            self._unknown_mock(original, inner, reason)
            return updated
        method, check = inner.attr.value, func.attr.value
        symbol = f"{self._symbol(api.id, method)}.{check}"
        if mapping.manual is not None:
            self._legacy_manual(api.id, original, "attribute", symbol, mapping.manual)
            return updated
        if check in _MOCK_RECORDS:
            self._mock_records(original)
            return updated
        new_func = updated.func
        assert isinstance(new_func, cst.Attribute) and isinstance(new_func.value, cst.Attribute)
        receiver = new_func.value.value
        result = map_call(self.plan, mapping, updated.args, receiver=receiver)
        if isinstance(result, Refusal):
            self._legacy_manual(
                api.id, original, "attribute", symbol, f"the asserted call: {result.reason}"
            )
            return updated
        self.changed = True
        self.auto(original, "attribute", symbol, f"asserts the call of `{result.target}`")
        return self._fit(
            original,
            updated.with_changes(
                func=new_func.with_changes(
                    value=new_func.value.with_changes(
                        value=self._new_receiver(api, receiver), attr=cst.Name(result.target)
                    )
                ),
                args=keyword_args(result.keywords, updated.args, updated.whitespace_before_args),
            ),
        )

    def _mock_records(self, node: cst.Call | cst.Attribute) -> None:
        """`R.m.call_args...`: recorded calls are compared with `call(...)` objects the tool
        does not follow."""
        func = node.func if isinstance(node, cst.Call) else node
        assert isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute)
        inner = func.value
        found = self._mocked(inner)
        if found is None:
            return
        api, mapping, reason = found
        if api is None or mapping is None:
            self._unknown_mock(node, inner, reason)
            return
        check = func.attr.value
        self._legacy_manual(
            api.id,
            node,
            "attribute",
            f"{self._symbol(api.id, inner.attr.value)}.{check}",
            f"`{check}` compares recorded arguments, and the rewritten call passes keywords "
            f"to `{mapping.target or inner.attr.value}`: update the expected calls by hand "
            f"(`call({_example(mapping)})`)",
        )

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        inner = original_node.value
        if (
            isinstance(inner, cst.Attribute)
            and original_node.attr.value in _MOCK_RENAME
            and inner.attr.value in self.plan.legacy_method_names
        ):
            return self._mock_rename(original_node, updated_node)
        if (
            isinstance(inner, cst.Attribute)
            and original_node.attr.value in _MOCK_RECORDS
            and id(original_node) not in self.func_of_call
            and inner.attr.value in self.plan.legacy_method_names
        ):
            self._mock_records(original_node)
            return updated_node
        if (
            original_node.attr.value in self.plan.legacy_method_names
            and id(original_node) not in self.func_of_call
            and id(original_node) not in self.mock_inner
            and id(original_node) not in self.assigned
        ):
            self._bare_method(original_node)
        return updated_node

    def _mock_rename(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        inner = original.value
        assert isinstance(inner, cst.Attribute)
        found = self._mocked(inner)
        if found is None:
            return updated
        api, mapping, reason = found
        if api is None or mapping is None:
            self._unknown_mock(original, inner, reason)
            return updated
        symbol = f"{self._symbol(api.id, inner.attr.value)}.{original.attr.value}"
        if mapping.manual is not None or not mapping.target:
            self._legacy_manual(
                api.id, original, "attribute", symbol, mapping.manual or "not mapped"
            )
            return updated
        new_inner = updated.value
        assert isinstance(new_inner, cst.Attribute)
        self.changed = True
        self.auto(original, "attribute", symbol, f"follows the rename to `{mapping.target}`")
        return updated.with_changes(
            value=new_inner.with_changes(
                value=self._new_receiver(api, new_inner.value), attr=cst.Name(mapping.target)
            )
        )

    def _bare_method(self, node: cst.Attribute) -> None:
        """`R.m` neither called nor mocked: a bound method handed around."""
        rtype = self.resolver.receiver_type(node.value)
        if rtype.api is None:
            return
        api = self.plan.apis[rtype.api]
        mapping = api.methods.get(node.attr.value)
        if mapping is None or node.attr.value in rtype.defines:
            return
        target = mapping.target or "the unified method"
        self._legacy_manual(
            api.id,
            node,
            "attribute",
            self._symbol(api.id, node.attr.value),
            f"`{code(node)}` is passed around as a bound method, and its callers pass legacy "
            f"arguments: wrap the unified `{target}` by hand (e.g. a lambda or function that "
            "calls it with keywords)",
        )

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        targets = list(updated_node.targets)
        changed = False
        for i, t in enumerate(original_node.targets):
            target = t.target
            if not (
                isinstance(target, cst.Attribute)
                and target.attr.value in self.plan.legacy_method_names
            ):
                continue
            found = self._mocked(target)
            if found is None:
                continue
            api, mapping, reason = found
            if api is None or mapping is None:
                self._unknown_mock(original_node, target, reason)
                continue
            symbol = self._symbol(api.id, target.attr.value)
            if mapping.manual is not None or not mapping.target:
                self._legacy_manual(
                    api.id, original_node, "attribute", symbol, mapping.manual or "not mapped"
                )
                continue
            new_target = targets[i].target
            assert isinstance(new_target, cst.Attribute)
            targets[i] = targets[i].with_changes(
                target=new_target.with_changes(
                    value=self._new_receiver(api, new_target.value), attr=cst.Name(mapping.target)
                )
            )
            changed = True
            self.auto(original_node, "attribute", symbol, f"mock set up as `{mapping.target}`")
        if not changed:
            return updated_node
        self.changed = True
        return updated_node.with_changes(targets=targets)

    def _mock_spec(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        args = list(updated.args)
        for i, arg in enumerate(original.args):
            is_spec = (arg.keyword is not None and arg.keyword.value in ("spec", "spec_set")) or (
                i == 0 and arg.keyword is None and not arg.star
            )
            if not is_spec:
                continue
            new = self._retarget(arg.value, original, "reference")
            if new is not None:
                self.runtime_heads.add(self.plan.target_class)
                args[i] = args[i].with_changes(value=new)
                return updated.with_changes(args=args)
        return updated

    # ------------------------------------------------------ annotations ----
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
            _Retarget(
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

    # ---------------------------------------------------- import switch ----
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


def _join_or(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _example(mapping: Mapping_) -> str:
    """`kw=..., ...` for the keywords a mapping passes on, for messages."""
    if mapping.signature is None:
        return "..."
    kws = [mapping.keyword_for(p) for p in mapping.signature.names()]
    return ", ".join(f"{k}=..." for k in kws if k) or "..."


@dataclass
class _Retarget:
    """One annotation or spec the codemod pointed at the target class, undoable."""

    apis: set[str]
    old: cst.BaseExpression
    new: cst.BaseExpression
    sites: list[Site]
    created: list[cst.Name]
    strings: set[int]


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


class _Respell(FastTransformer):
    """Spell the target names this run created as `target_module.Name`."""

    def __init__(self, codemod: CallsCodemod, names: set[str], target: str) -> None:
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


@cache
def _receiver_template(receiver: str) -> cst.BaseExpression:
    """An API's receiver template, parsed once per run (Fill rebuilds every node of it)."""
    return cst.parse_expression(receiver.format(self=placeholder("self")))
