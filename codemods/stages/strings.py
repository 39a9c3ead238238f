"""Stage 3: rewrite string references to legacy names whose meaning is known.

Rewrites (auto), keeping each string's quotes and prefix:
- dotted `patch(...)` targets (`patch`, `mock.patch`, `unittest.mock.patch`, `mocker.patch`,
  `target=`) naming, by legacy or shim path, a factory or factory method the plan maps
  onto a method of the target class -> that method (`target_emitter.UnifiedWebSocketEmitter.
  from_context`), and a legacy class's mapped method -> the target class's method;
- method-name strings of `patch.object`, `hasattr`, `getattr`, `setattr`, `delattr` and
  `monkeypatch.setattr`: the receiver's legacy API decides; on a receiver already of the
  target type, only when every API with that method maps it to the same unified method.

Refuses (manual, with what to do): a patch of a legacy class itself, of a module-level
function (the migrated code imports it by name, so patch where it is looked up), of
anything else inside a legacy module, of a legacy name looked up in an app module; method
strings on a receiver the tool cannot type, on a legacy class object, or whose mapping is
manual; logger names of a legacy module.
"""

from __future__ import annotations

import importlib

import libcst as cst

from codemods.analysis.cst_text import code, dotted_name
from codemods.analysis.resolve import UNIFIED, PlanNames, Resolver, shared_resolver
from codemods.plan import Mapping_, Symbol
from codemods.stages.base import FileContext, StageCodemod
from codemods.stages.imports import (
    PATCH_OBJECT,
    call_arg,
    dotted_patch_target,
    is_legacy_file,
    mentions,
    string_arg,
    string_text,
    with_text,
)

_ATTR_BUILTINS = frozenset({"hasattr", "getattr", "setattr", "delattr"})
# Every call this stage reads contains one of these in its text, and in its callee's name.
_CALL_TOKENS = ("patch", "attr(", "getLogger", "logger")
_CALLEE_HINTS = ("patch", "attr", "getLogger")


class StringsCodemod(StageCodemod):
    name = "strings"

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.skip = is_legacy_file(ctx)
        self.names = PlanNames.of(self.plan)
        self.target = f"{self.plan.target_module}.{self.plan.target_class}"
        self.target_methods = _target_methods(self.plan.target_module, self.plan.target_class)
        self._resolver: Resolver | None = None

    def visit_Module(self, node: cst.Module) -> bool:
        return not self.skip and mentions(node, _CALL_TOKENS)

    def statement_tokens(self) -> tuple[str, ...]:
        return _CALL_TOKENS

    @property
    def resolver(self) -> Resolver:
        """Built on first use: most modules have no call this stage reads."""
        if self._resolver is None:
            assert self._root is not None
            self._resolver = shared_resolver(
                self.plan,
                self.ctx.module_name,
                self.ctx.project,
                self._root,
                is_package=self.ctx.path.endswith("__init__.py"),
            )
        return self._resolver

    # ------------------------------------------------------------- calls ----
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        new = self._rewrite(original_node)
        if new is None:
            return updated_node
        index, string = new
        args = list(updated_node.args)
        args[index] = args[index].with_changes(value=string)
        return updated_node.with_changes(args=args)

    def _rewrite(self, call: cst.Call) -> tuple[int, cst.SimpleString] | None:
        plain = dotted_name(call.func)
        if plain is None:
            return None
        if not any(h in plain for h in _CALLEE_HINTS):
            self._logger_names(call, plain)  # `logger=` may be passed to any call
            return None
        func = self.resolver.qualified(call.func) or plain
        found = dotted_patch_target(call, func)
        if found is not None:
            return self._dotted_target(*found)
        if func in PATCH_OBJECT or func == "mocker.patch.object":
            return self._method_string(call, func, 1, "attribute")
        if func in _ATTR_BUILTINS or func == "monkeypatch.setattr":
            return self._method_string(call, func, 1, "name")
        self._logger_names(call, func)
        return None

    # ----------------------------------------------------- dotted targets ----
    def _dotted_target(
        self, index: int, node: cst.SimpleString
    ) -> tuple[int, cst.SimpleString] | None:
        text = string_text(node)
        if not text:
            return None
        new = self._new_target(node, text)
        return (index, with_text(node, new)) if new else None

    def _new_target(self, node: cst.SimpleString, text: str) -> str | None:
        """The rewritten dotted target, or None (a manual site is recorded when needed)."""
        symbol, rest = self._symbol_prefix(text)
        if symbol is None:
            self._app_lookup(node, text)
            return None
        key = self.names.callables.get(text)
        ctor = self.plan.constructors.get(key[0]) if key else None
        if symbol.kind == "class" and not rest:
            self.manual(
                node,
                "string",
                text,
                f"patches the legacy class {symbol.name} itself: migrated code builds "
                f"{self.target}.from_context(...); patch `{self.target}.from_context` (or the "
                f"class where the code under test looks it up) instead",
            )
            return None
        if ctor is not None:
            return self._constructor_target(node, text, ctor)
        if symbol.kind == "class" and "." not in rest:
            return self._method_target(node, text, symbol, rest)
        self.manual(
            node,
            "string",
            text,
            f"patches `{symbol.name}{'.' + rest if rest else ''}`, which the plan does not "
            f"map onto {self.target}: patch what the migrated code calls instead, where it "
            f"looks it up",
        )
        return None

    def _symbol_prefix(self, text: str) -> tuple[Symbol | None, str]:
        """The plan symbol a dotted path starts with (legacy or shim path) and the rest."""
        parts = text.split(".")
        for cut in range(len(parts), 1, -1):
            legacy = self.names.symbols.get(".".join(parts[:cut]))
            if legacy is not None:
                return self.plan.symbols[legacy], ".".join(parts[cut:])
        return None, ""

    def _constructor_target(self, node: cst.SimpleString, text: str, ctor: Mapping_) -> str | None:
        if ctor.manual or not ctor.target:
            self.manual(node, "string", text, f"the plan does not map this callable: {ctor.manual}")
            return None
        new = f"{self.plan.target_module}.{ctor.target}"
        if "." not in ctor.target:
            self.manual(
                node,
                "string",
                text,
                f"migrated code calls `{ctor.target}`, imported by name from "
                f"{self.plan.target_module}, so patching `{new}` would not reach it: patch "
                f"`<module under test>.{ctor.target}` instead",
            )
            return None
        self.auto(node, "string", text, f"patch target -> {new}")
        return new

    def _method_target(
        self, node: cst.SimpleString, text: str, symbol: Symbol, method: str
    ) -> str | None:
        mapping = self.plan.apis[symbol.api].methods.get(method)
        if mapping is None or _single_target(mapping) is None:
            why = _why_not(mapping)
            self.manual(
                node,
                "string",
                text,
                f"patches {symbol.name}.{method}, which the plan does not map ({why}): "
                f"patch the {self.target} method the migrated code calls instead",
            )
            return None
        new = f"{self.target}.{mapping.target}"
        self.auto(node, "string", text, f"patch target -> {new}")
        return new

    def _app_lookup(self, node: cst.SimpleString, text: str) -> None:
        """A path into a legacy module, or a legacy name looked up in an app module."""
        if "." not in text or " " in text:
            return
        legacy = self.plan.legacy_module_of(text.rsplit(".", 1)[0])
        if legacy is not None:
            self.manual(
                node,
                "string",
                text,
                f"patches something in the legacy module {legacy} that the plan does not "
                f"map: the module will be deleted; patch what the migrated code uses instead "
                f"(or delete the test with the module if it tests the module itself)",
            )
            return
        module, _, name = text.rpartition(".")
        legacy_names = {
            s.name: s for s in self.plan.symbols.values() if s.name != self.plan.target_class
        }
        if name in legacy_names and self._is_module_path(module):
            self.manual(
                node,
                "string",
                text,
                f"patches the legacy name `{name}` where {module} looks it up: once that module "
                f"is migrated it no longer has `{name}`; patch what it calls instead "
                f"(e.g. `{self.target}.from_context`)",
            )

    def _is_module_path(self, module: str) -> bool:
        # `obj.attr` strings are not patch targets into a module; modules are lowercase.
        return bool(module) and all(p.islower() or p.startswith("_") for p in module.split("."))

    # ------------------------------------------------------ method names ----
    def _method_string(
        self, call: cst.Call, func: str, position: int, keyword: str
    ) -> tuple[int, cst.SimpleString] | None:
        found = string_arg(call, position, keyword)
        obj = call_arg(call, 0, "target" if "patch" in func else "obj")
        if found is None or obj is None:
            return None
        index, node = found
        name = string_text(node)
        if not name or name not in self.plan.legacy_method_names:
            return None
        short = func.removeprefix("unittest.").removeprefix("mock.")
        label = f"{short}(..., {name!r})"
        cls = self.resolver.class_type(obj)
        if cls is not None and cls != UNIFIED:
            self._legacy_class_object(node, label, obj, cls, name)
            return None
        receiver = self.resolver.receiver_type(obj) if cls is None else None
        if receiver is not None and name in receiver.defines:
            return None  # the object's own class defines it: not the legacy method
        if receiver is not None and receiver.api is not None:
            new = self._api_method(node, label, receiver.api, name)
        elif cls == UNIFIED or (receiver is not None and receiver.unified):
            new = self._unanimous(node, label, name)
        else:
            new = self._unknown_receiver(node, label, name, receiver.reason if receiver else "")
        if new is None or new == name:
            return None
        self.auto(node, "string", label, f"method name -> {new!r}")
        return index, with_text(node, new)

    def _api_method(self, node: cst.SimpleString, label: str, api: str, name: str) -> str | None:
        mapping = self.plan.apis[api].methods.get(name)
        if mapping is None:
            return None
        target = _single_target(mapping)
        if target is None:
            self.manual(
                node,
                "string",
                label,
                f"{self.plan.apis[api].title}.{name} has no single unified method "
                f"({_why_not(mapping)}): change the string to the method the migrated code calls",
            )
        return target

    def _targets(self, name: str) -> dict[str, str | None]:
        """API title -> the unified method it maps `name` to (None: manual)."""
        return {
            api.title: _single_target(m)
            for api in self.plan.apis.values()
            if (m := api.methods.get(name)) is not None
        }

    def _unanimous(self, node: cst.SimpleString, label: str, name: str) -> str | None:
        if name in self.target_methods:
            return None
        targets = self._targets(name)
        distinct = set(targets.values())
        if len(distinct) == 1 and None not in distinct:
            return distinct.pop()
        self.manual(
            node,
            "string",
            label,
            f"the object is a {self.plan.target_class}, which has no `{name}`, and the legacy "
            f"APIs map `{name}` differently ({_options(targets)}): write the unified method "
            f"this string means",
        )
        return None

    def _unknown_receiver(
        self, node: cst.SimpleString, label: str, name: str, reason: str
    ) -> str | None:
        targets = self._targets(name)
        if "_" not in name or set(targets.values()) == {name}:
            return None  # a generic name, or one that means the same on every API
        self.manual(
            node,
            "string",
            label,
            f"{reason or 'the tool cannot type the object'}; if it is a migrated emitter, "
            f"change the string to its unified method ({_options(targets)}), else leave it",
        )
        return None

    def _legacy_class_object(
        self, node: cst.SimpleString, label: str, obj: cst.BaseExpression, api: str, name: str
    ) -> None:
        mapping = self.plan.apis[api].methods.get(name)
        if mapping is None:
            return
        target = _single_target(mapping) or "<unified method>"
        self.manual(
            node,
            "string",
            label,
            f"patches `{name}` on the legacy class `{code(obj)}`, whose instances the migrated "
            f"code no longer uses: patch `{self.plan.target_class}` and `{target}` instead "
            f"(`patch.object({self.plan.target_class}, {target!r})`)",
        )

    # ------------------------------------------------------------ logging ----
    def _logger_names(self, call: cst.Call, func: str) -> None:
        candidates: list[cst.BaseExpression] = []
        if func in ("logging.getLogger", "getLogger") and call.args:
            candidates.append(call.args[0].value)
        candidates += [a.value for a in call.args if a.keyword and a.keyword.value == "logger"]
        for value in candidates:
            if not isinstance(value, cst.SimpleString):
                continue
            text = string_text(value) or ""
            legacy = self.plan.legacy_module_of(text)
            if legacy is not None and (text == legacy or text.endswith("." + legacy)):
                self.manual(
                    value,
                    "string",
                    text,
                    f"logger of the legacy module {legacy}: keep it until the module is "
                    f"deleted, then use the logger of what replaced it "
                    f"(`logging.getLogger({self.plan.target_module!r})`) or delete it",
                )


def _single_target(mapping: Mapping_) -> str | None:
    """The one unified method a legacy method becomes; None when manual or dispatched."""
    if mapping.manual or mapping.dispatch or not mapping.target:
        return None
    return mapping.target


def _why_not(mapping: Mapping_ | None) -> str:
    if mapping is None:
        return "not in the plan"
    if mapping.manual:
        return mapping.manual
    if mapping.dispatch:
        return (
            "migrated calls go to the unified method of their event type "
            f"(emit_agent_started, emit_tool_executing, ...) or to {mapping.target}"
        )
    return "no target"


def _options(targets: dict[str, str | None]) -> str:
    return ", ".join(f"{title}: {t or 'manual'}" for title, t in sorted(targets.items()))


def _target_methods(module: str, cls: str) -> frozenset[str]:
    """Public method names of the target class (empty if it cannot be imported)."""
    try:
        target = getattr(importlib.import_module(module), cls)
    except (ImportError, AttributeError):
        return frozenset()
    return frozenset(n for n in dir(target) if not n.startswith("_"))
