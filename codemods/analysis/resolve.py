"""What names and receivers stand for, without LibCST metadata providers.

`Resolver.run(module)` is one visitor pass that records imports, assignments,
annotations and classes per scope; `receiver_type` and `qualified` then answer
from those records. A receiver is typed only from evidence the reader can see
(a constructor or factory call, an annotation, a `Mock(spec=...)`, a legacy
base class); anything else is unknown with a reason a manual site can quote.

`build_index` is the cross-file half: a regex pass over file bytes (no parse)
that finds classes deriving, directly or through other project classes, from a
legacy class.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import libcst as cst

from codemods.analysis.cst_text import code, dotted_name
from codemods.analysis.project_index import (
    UNIFIED,
    PlanNames,
    ProjectIndex,
    resolve_relative,
)
from codemods.fastcst.dispatch import FastVisitor
from codemods.fastcst.memo import per_tree
from codemods.plan import Plan

# Methods where tests and classes set up the attributes the rest of the class uses.
INIT_METHODS = frozenset(
    {"__init__", "__post_init__", "setUp", "asyncSetUp", "setup_method", "setup"}
)
_MOCKS = frozenset(
    {"Mock", "MagicMock", "AsyncMock", "NonCallableMock", "NonCallableMagicMock", "create_autospec"}
)
_MOCK_MODULES = ("unittest.mock.", "mock.")


# ----------------------------------------------------------------- results ----
@dataclass(frozen=True)
class Receiver:
    """The type the tool sees for an expression.

    api: a legacy API id; unified: already the target class. Neither: unknown or
    another type, and `reason` says why (quoted by manual sites).
    """

    api: str | None = None
    unified: bool = False
    reason: str = ""
    # Methods the receiver's own class (in this file) defines: they shadow legacy ones.
    defines: frozenset[str] = frozenset()

    @property
    def known(self) -> bool:
        return self.api is not None or self.unified

    def same_type(self, other: Receiver) -> bool:
        return (self.api, self.unified) == (other.api, other.unified)


def _unknown(reason: str) -> Receiver:
    return Receiver(reason=reason)


# --------------------------------------------------------------- resolver ----
@dataclass
class _Binding:
    kind: str  # "value" | "annotation" | "unknown"
    node: cst.CSTNode | None
    scope: _Scope
    reason: str = ""
    value: cst.BaseExpression | None = None  # for annotated assignments with a value
    where: str = ""  # method name, for self attributes


@dataclass
class _ClassInfo:
    name: str
    node: cst.ClassDef
    scope: _Scope  # the scope the class statement is in
    methods: set[str] = field(default_factory=set)
    attrs: dict[str, list[_Binding]] = field(default_factory=dict)


@dataclass(eq=False)
class _Scope:
    kind: str  # "module" | "class" | "function" | "lambda"
    parent: _Scope | None
    bindings: dict[str, list[_Binding]] = field(default_factory=dict)
    cls: _ClassInfo | None = None  # for class scopes
    self_name: str | None = None  # for methods: the instance parameter
    self_of: _ClassInfo | None = None
    name: str = ""  # function name, for messages

    def bind(self, key: str, binding: _Binding) -> None:
        self.bindings.setdefault(key, []).append(binding)


def _is_none(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


class Resolver:
    """Receiver types and qualified names for one module.

    Build it, call `run(module)`, then ask about nodes of that same module.
    """

    def __init__(
        self,
        plan: Plan,
        module_name: str | None,
        project: ProjectIndex | None = None,
        *,
        is_package: bool = False,
    ) -> None:
        self.plan = plan
        self.names = PlanNames.of(plan)
        self.module_name = module_name
        self.is_package = is_package
        self.project = project or ProjectIndex()
        self.imports: dict[str, list[str]] = {}  # local name -> dotted paths bound to it
        self.classes: dict[str, list[_ClassInfo]] = {}
        self.module_scope = _Scope("module", None)
        self._scope_of: dict[cst.CSTNode, _Scope] = {}
        self._memo: dict[int, Receiver] = {}
        self._busy: set[int] = set()
        self.calls_legacy_name = False  # some `x.m` names a legacy method
        # Name nodes outside imports, by value (member and keyword names included).
        self.name_counts: Counter[str] = Counter()

    def run(self, module: cst.Module) -> Resolver:
        _Collector(self).walk(module)
        return self

    @property
    def mentions_legacy(self) -> bool:
        """Whether the module names a legacy method or imports anything the plan knows
        (after `run`): if not, no stage has anything to do in it."""
        if self.calls_legacy_name:
            return True
        names = self.names
        return any(
            p in names.symbols or p in names.classes or p in names.modules
            for paths in self.imports.values()
            for p in paths
        )

    # -- names
    def qualified(self, node: cst.CSTNode) -> str | None:
        """Dotted path an imported Name or Attribute chain refers to, or None."""
        chain = dotted_name(node) if isinstance(node, cst.BaseExpression) else None
        if chain is None:
            return None
        root, _, rest = chain.partition(".")
        dotted = self._import_of(root)
        if dotted is None:
            return None
        return f"{dotted}.{rest}" if rest else dotted

    def _import_of(self, name: str) -> str | None:
        paths = self.imports.get(name)
        if not paths:
            return None
        unique = set(paths)
        if len(unique) == 1:
            return paths[0]
        # try/except ImportError fallbacks: the path the plan knows wins, if only one does.
        known = {p for p in unique if p in self.names.symbols or p in self.names.classes}
        return known.pop() if len(known) == 1 else None

    def class_type(self, node: cst.CSTNode) -> str | None:
        """API id (or UNIFIED) of the class a Name/Attribute refers to, else None."""
        dotted = self.qualified(node)
        return self.names.classes.get(dotted) if dotted else None

    def constructor_key(self, func: cst.BaseExpression) -> str | None:
        """The plan.constructors key of a callee, when the call builds a legacy thing."""
        dotted = self.qualified(func)
        hit = self.names.callables.get(dotted) if dotted else None
        return hit[0] if hit and hit[0] in self.plan.constructors else None

    # -- receivers
    def receiver_type(self, node: cst.BaseExpression) -> Receiver:
        scope = self._scope_of.get(node, self.module_scope)
        return self._expr_type(node, scope, as_value=False)

    def annotation_type(self, node: cst.BaseExpression) -> Receiver:
        """The type an annotation expression declares (Optional/Union/str unwrapped)."""
        return self._annotation(node)

    def _expr_type(self, node: cst.BaseExpression, scope: _Scope, as_value: bool) -> Receiver:
        text = code(node)
        if isinstance(node, cst.Name):
            return self._name_type(node.value, scope)
        if isinstance(node, cst.Attribute):
            chain = dotted_name(node)
            if chain is None:
                return _unknown(f"`{text}` is an attribute of an expression the tool cannot type")
            return self._chain_type(chain, scope)
        if isinstance(node, cst.Call):
            if isinstance(node.func, cst.Name) and node.func.value == "super":
                return _unknown(
                    "`super()` is the parent class's implementation, which the tool does not follow"
                )
            return self._call_type(node, scope)
        if isinstance(node, cst.Await):
            return _unknown(f"`{text}` is the result of an awaited call the tool cannot type")
        if isinstance(node, cst.Subscript):
            return _unknown(f"`{text}` is a subscript: the tool does not know its element type")
        if isinstance(node, cst.BooleanOperation | cst.IfExp):
            parts = (
                (node.left, node.right)
                if isinstance(node, cst.BooleanOperation)
                else (node.body, node.orelse)
            )
            types = [self._expr_type(p, scope, True) for p in parts if not _is_none(p)]
            if types and all(t.known and t.same_type(types[0]) for t in types):
                return types[0]
            return _unknown(f"`{text}` may evaluate to values of different types")
        return _unknown(f"`{text}` is an expression whose type the tool cannot see")

    def _name_type(self, name: str, scope: _Scope) -> Receiver:
        s: _Scope | None = scope
        first = True
        while s is not None:
            if s.kind == "class" and not first:
                s = s.parent  # class bodies are not enclosing scopes for functions
                continue
            first = False
            if s.self_name == name and s.self_of is not None:
                return self._class_receiver(s.self_of)
            if name in s.bindings:
                return self._bindings_type(name, s.bindings[name])
            s = s.parent
        if name in self.imports:
            return _unknown(f"`{name}` is an imported name, not an instance")
        return _unknown(
            f"`{name}` is not assigned in this scope from a constructor, factory or annotation"
        )

    def _chain_type(self, chain: str, scope: _Scope) -> Receiver:
        root, _, rest = chain.partition(".")
        s: _Scope | None = scope
        first = True
        while s is not None:
            if s.kind == "class" and not first:
                s = s.parent
                continue
            first = False
            if s.self_name == root and s.self_of is not None:
                if "." in rest:
                    break
                return self._self_attr(s.self_of, rest, chain)
            if chain in s.bindings:
                return self._bindings_type(chain, s.bindings[chain])
            if root in s.bindings:
                break  # root is a local of unknown attributes
            s = s.parent
        head = chain.rsplit(".", 1)[0]
        return _unknown(f"`{chain}` is an attribute of `{head}`, whose type the tool cannot see")

    def _self_attr(self, info: _ClassInfo, attr: str, chain: str) -> Receiver:
        seen: set[int] = set()
        current: _ClassInfo | None = info
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            bindings = [b for b in current.attrs.get(attr, []) if not _is_none(b.value or b.node)]
            if bindings:
                init = [b for b in bindings if b.where in INIT_METHODS or b.where == "<class>"]
                if not init:
                    where = ", ".join(sorted({b.where for b in bindings}))
                    return _unknown(
                        f"`{chain}` is assigned in `{where}`, not in `__init__` or `setUp`"
                    )
                return self._bindings_type(chain, bindings)
            current = self._in_file_base(current)
        return _unknown(
            f"`{chain}` is not assigned in `__init__` or `setUp` of `{info.name}` from a "
            "constructor, factory, annotated parameter or Mock(spec=...)"
        )

    def _in_file_base(self, info: _ClassInfo) -> _ClassInfo | None:
        for base in info.node.bases:
            if isinstance(base.value, cst.Name):
                defs = self.classes.get(base.value.value, [])
                if len(defs) == 1:
                    return defs[0]
        return None

    def _bindings_type(self, key: str, bindings: list[_Binding]) -> Receiver:
        types = [self._binding_type(b) for b in bindings]
        first = types[0]
        if len(types) == 1:
            return first
        if all(t.known and t.same_type(first) for t in types):
            return first
        return _unknown(f"`{key}` is assigned more than once, not always to one legacy type")

    def _binding_type(self, b: _Binding) -> Receiver:
        key = id(b)
        if key in self._memo:
            return self._memo[key]
        if key in self._busy:
            return _unknown("its type depends on itself")
        self._busy.add(key)
        try:
            if b.kind == "annotation":
                assert isinstance(b.node, cst.BaseExpression)
                result = self._annotation(b.node)
                if not result.known and b.value is not None:
                    by_value = self._expr_type(b.value, b.scope, True)
                    result = by_value if by_value.known else result
            elif b.kind == "value":
                assert isinstance(b.node, cst.BaseExpression)
                result = self._expr_type(b.node, b.scope, True)
            else:
                result = _unknown(b.reason)
        finally:
            self._busy.discard(key)
        self._memo[key] = result
        return result

    def _call_type(self, node: cst.Call, scope: _Scope) -> Receiver:
        text = code(node.func)
        dotted = self.qualified(node.func)
        if dotted is not None:
            made = self.names.callables.get(dotted)
            if made is not None:
                api = made[1]
                if api is None:
                    return _unknown(f"`{text}(...)` returns no emitter")
                return Receiver(api=api) if api != UNIFIED else Receiver(unified=True)
            if self.names.target_callable(self.plan, dotted):
                return Receiver(unified=True)
            if dotted.rsplit(".", 1)[-1] in _MOCKS and (
                dotted.startswith(_MOCK_MODULES) or "." not in dotted
            ):
                return self._mock_type(node)
        elif isinstance(node.func, cst.Name) and node.func.value in self.classes:
            defs = self.classes[node.func.value]
            if len(defs) == 1:
                return self._class_receiver(defs[0])
        name = (dotted_name(node.func) or "").rsplit(".", 1)[-1]
        if name in self.project.ambiguous:
            return _unknown(self.project.ambiguous[name])
        if name in self.project.derived and (dotted is not None or name not in self.classes):
            api = self.project.derived[name]
            return Receiver(unified=True) if api == UNIFIED else Receiver(api=api)
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "bind":
            inner = self._expr_type(node.func.value, scope, True)
            if inner.unified:
                return inner
        return _unknown(f"`{text}(...)` returns something the tool cannot type")

    def _mock_type(self, node: cst.Call) -> Receiver:
        spec: cst.BaseExpression | None = None
        for i, arg in enumerate(node.args):
            if arg.keyword is not None and arg.keyword.value in ("spec", "spec_set"):
                spec = arg.value
            elif i == 0 and arg.keyword is None and not arg.star:
                spec = arg.value
        if spec is None:
            return _unknown(f"`{code(node)}` is a mock without spec=: its type is not known")
        return self._annotation(spec)

    def _annotation(self, node: cst.BaseExpression) -> Receiver:
        text = code(node)
        if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
            value = node.evaluated_value
            if isinstance(value, bytes) or value is None:
                return _unknown(f"annotation `{text}` is not a type")
            try:
                inner = cst.parse_expression(value.strip())
            except cst.ParserSyntaxError:
                return _unknown(f"annotation `{text}` is not a valid expression")
            return self._annotation(inner)
        if isinstance(node, cst.Subscript):
            base = self.qualified(node.value) or dotted_name(node.value) or ""
            head = base.rsplit(".", 1)[-1]
            elems = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
            if head == "Optional" and len(elems) == 1:
                return self._annotation(elems[0])
            if head == "Annotated" and elems:
                return self._annotation(elems[0])
            if head == "Union":
                rest = [e for e in elems if not _is_none(e)]
                if len(rest) == 1:
                    return self._annotation(rest[0])
            return _unknown(f"annotation `{text}` does not name a single class")
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            rest = [e for e in _union_members(node) if not _is_none(e)]
            if len(rest) == 1:
                return self._annotation(rest[0])
            return _unknown(f"annotation `{text}` does not name a single class")
        kind = self.class_type(node)
        if kind == UNIFIED:
            return Receiver(unified=True)
        if kind is not None:
            return Receiver(api=kind)
        if isinstance(node, cst.Name) and node.value in self.classes:
            defs = self.classes[node.value]
            if len(defs) == 1:
                return self._class_receiver(defs[0])
        name = (dotted_name(node) or "").rsplit(".", 1)[-1]
        if name in self.project.ambiguous:
            return _unknown(self.project.ambiguous[name])
        if name in self.project.derived:
            api = self.project.derived[name]
            return Receiver(unified=True) if api == UNIFIED else Receiver(api=api)
        return _unknown(f"annotation `{text}` is not a legacy emitter class")

    def _class_receiver(self, info: _ClassInfo) -> Receiver:
        key = id(info)
        if key in self._busy:
            return _unknown(f"class `{info.name}` derives from itself")
        self._busy.add(key)
        try:
            result = self._class_receiver_uncached(info)
        finally:
            self._busy.discard(key)
        return Receiver(result.api, result.unified, result.reason, frozenset(info.methods))

    def _class_receiver_uncached(self, info: _ClassInfo) -> Receiver:
        ambiguous = ""
        for arg in info.node.bases:
            base = arg.value
            if isinstance(base, cst.Subscript):
                base = base.value
            kind = self.class_type(base)
            if kind is not None:
                return Receiver(unified=True) if kind == UNIFIED else Receiver(api=kind)
            if isinstance(base, cst.Name) and len(self.classes.get(base.value, [])) == 1:
                inner = self._class_receiver(self.classes[base.value][0])
                if inner.known:
                    return inner
                continue
            name = (dotted_name(base) or "").rsplit(".", 1)[-1]
            if name in self.project.ambiguous:
                ambiguous = self.project.ambiguous[name]
            elif name in self.project.derived:
                api = self.project.derived[name]
                return Receiver(unified=True) if api == UNIFIED else Receiver(api=api)
        if ambiguous:
            return _unknown(f"`self` in class `{info.name}`: its base {ambiguous}")
        return _unknown(
            f"`self` is a `{info.name}`, which the tool cannot trace to a legacy emitter class"
        )


def _union_members(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return [*_union_members(node.left), *_union_members(node.right)]
    return [node]


class _Collector(FastVisitor):
    """The one pass: imports, scopes, bindings, classes."""

    def __init__(self, r: Resolver) -> None:
        super().__init__()
        self.r = r
        self.scope = r.module_scope

    # -- scope bookkeeping
    def _push(self, scope: _Scope) -> None:
        self.scope = scope

    def _pop(self) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent

    def _unknown(self, key: str, reason: str) -> None:
        self.scope.bind(key, _Binding("unknown", None, self.scope, reason))

    def _method_scope(self) -> _Scope | None:
        """The innermost enclosing method scope (whose self is known), if any."""
        s: _Scope | None = self.scope
        while s is not None:
            if s.self_of is not None:
                return s
            s = s.parent
        return None

    # -- imports
    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            dotted = code(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.r.imports.setdefault(alias.asname.name.value, []).append(dotted)
            else:
                root = dotted.split(".")[0]
                self.r.imports.setdefault(root, []).append(root)
        return False  # the names in an import are not references

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        rest = code(node.module) if node.module is not None else ""
        level = len(node.relative)
        src = (
            resolve_relative(self.r.module_name, self.r.is_package, level, rest) if level else rest
        )
        if isinstance(node.names, cst.ImportStar):
            for name in self.r.names.modules.get(src, ()):
                self.r.imports.setdefault(name, []).append(f"{src}.{name}")
            return False
        for alias in node.names:
            name = code(alias.name)
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.r.imports.setdefault(local, []).append(f"{src}.{name}")
        return False

    # -- classes and functions
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._unknown(node.name.value, f"`{node.name.value}` is a class, not an instance")
        info = _ClassInfo(node.name.value, node, self.scope)
        for stmt in node.body.body:
            if isinstance(stmt, cst.FunctionDef):
                info.methods.add(stmt.name.value)
        self.r.classes.setdefault(info.name, []).append(info)
        self._push(_Scope("class", self.scope, cls=info))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._unknown(node.name.value, f"`{node.name.value}` is a function")
        scope = _Scope("function", self.scope, name=node.name.value)
        decorators = {code(d.decorator).rsplit(".", 1)[-1] for d in node.decorators}
        params = [*node.params.posonly_params, *node.params.params]
        owner = self.scope.cls if self.scope.kind == "class" else None
        if owner is not None and params and not decorators & {"staticmethod", "classmethod"}:
            scope.self_name = params[0].name.value
            scope.self_of = owner
        every = [
            *params,
            *node.params.kwonly_params,
            *(
                p
                for p in (node.params.star_arg, node.params.star_kwarg)
                if isinstance(p, cst.Param)
            ),
        ]
        for p in every:
            name = p.name.value
            if name == scope.self_name:
                continue
            if p.annotation is not None:
                scope.bind(name, _Binding("annotation", p.annotation.annotation, scope))
            else:
                scope.bind(
                    name,
                    _Binding(
                        "unknown",
                        None,
                        scope,
                        f"`{name}` is an unannotated parameter",
                    ),
                )
        self._push(scope)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        scope = _Scope("lambda", self.scope)
        for p in node.params.params:
            scope.bind(
                p.name.value,
                _Binding("unknown", None, scope, f"`{p.name.value}` is a lambda parameter"),
            )
        self._push(scope)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._pop()

    # -- assignments
    def _target(self, target: cst.BaseExpression, binding: _Binding) -> None:
        if isinstance(target, cst.Tuple | cst.List):
            for el in target.elements:
                value = el.value
                key = dotted_name(value)
                if key is not None:
                    self._target(
                        value,
                        _Binding("unknown", None, self.scope, f"`{key}` is bound by unpacking"),
                    )
            return
        if isinstance(target, cst.StarredElement):
            self._target(target.value, binding)
            return
        key = dotted_name(target)
        if key is None:
            return
        if self.scope.kind == "class" and "." not in key and self.scope.cls is not None:
            # a class-level declaration such as `bridge: AgentWebSocketBridge`
            binding.where = "<class>"
            self.scope.cls.attrs.setdefault(key, []).append(binding)
        root, _, rest = key.partition(".")
        method = self._method_scope()
        if method is not None and root == method.self_name and self.scope is method:
            if rest and "." not in rest:
                assert method.self_of is not None
                binding.where = method.name
                method.self_of.attrs.setdefault(rest, []).append(binding)
            return
        self.scope.bind(key, binding)

    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            self._target(t.target, _Binding("value", node.value, self.scope))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(
            node.target,
            _Binding("annotation", node.annotation.annotation, self.scope, value=node.value),
        )

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        key = dotted_name(node.target)
        if key is not None:
            self._target(
                node.target,
                _Binding(
                    "unknown",
                    None,
                    self.scope,
                    f"`{key}` is changed by `{code(node.operator).strip()}`",
                ),
            )

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._target(node.target, _Binding("value", node.value, self.scope))

    def visit_For(self, node: cst.For) -> None:
        self._loop_target(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._loop_target(node.target)

    def _loop_target(self, target: cst.BaseExpression) -> None:
        for key_node in _names_in(target):
            key = dotted_name(key_node)
            if key is not None:
                self._target(
                    key_node,
                    _Binding("unknown", None, self.scope, f"`{key}` is a loop variable"),
                )

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            for key_node in _names_in(node.asname.name):
                key = dotted_name(key_node)
                if key is not None:
                    self._target(
                        key_node,
                        _Binding(
                            "unknown", None, self.scope, f"`{key}` is bound by a `with` statement"
                        ),
                    )

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None and isinstance(node.name.name, cst.Name):
            name = node.name.name.value
            self._unknown(name, f"`{name}` is an exception")

    # -- where each expression sits
    def visit_Name(self, node: cst.Name) -> None:
        self.r._scope_of[node] = self.scope
        self.r.name_counts[node.value] += 1

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.r._scope_of[node] = self.scope
        if node.attr.value in self.r.plan.legacy_method_names:
            self.r.calls_legacy_name = True

    def visit_Call(self, node: cst.Call) -> None:
        self.r._scope_of[node] = self.scope

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self.r._scope_of[node] = self.scope


def _names_in(target: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(target, cst.Tuple | cst.List):
        return [n for el in target.elements for n in _names_in(el.value)]
    if isinstance(target, cst.StarredElement):
        return _names_in(target.value)
    return [target] if dotted_name(target) is not None else []


def shared_resolver(
    plan: Plan,
    module_name: str | None,
    project: ProjectIndex | None,
    module: cst.Module,
    *,
    is_package: bool = False,
) -> Resolver:
    """A Resolver run on `module`, shared by the stages that read this very tree
    (a Resolver only answers questions once run, so sharing it changes nothing)."""
    return per_tree(
        module,
        ("resolver", id(plan), module_name, id(project), is_package),
        lambda: Resolver(plan, module_name, project, is_package=is_package).run(module),
        (plan, project),
    )
