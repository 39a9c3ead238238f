"""Map one legacy call's arguments onto the unified call the plan describes.

`map_call` binds a LibCST call's arguments to the legacy `Signature` (as Python
would), then applies the mapping's rules (args, supply, expand, dispatch,
manual_if, require) and returns the unified callee name with keyword arguments
in legacy parameter order, or a `Refusal` whose reason says what to do.
The calls codemod only decides *which* mapping applies and where the result goes.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import libcst as cst

from codemods.analysis.cst_text import code, dotted_name
from codemods.fastcst.dispatch import FastTransformer
from codemods.plan import Mapping_, Plan, Signature, Template, placeholder

_NONE = cst.Name("None")


# ---------------------------------------------------------------- binding ----
@dataclass(frozen=True)
class Bound:
    """The caller's arguments by legacy parameter name."""

    values: dict[str, cst.Arg]  # parameters passed, in legacy order
    extra_keywords: tuple[cst.Arg, ...] = ()  # what a **kwargs parameter collected
    extra_positional: tuple[cst.Arg, ...] = ()  # what a *args parameter collected

    def passed(self, param: str, signature: Signature) -> bool:
        p = signature.get(param)
        if p is not None and p.kind == "var_keyword":
            return bool(self.extra_keywords)
        if p is not None and p.kind == "var_positional":
            return bool(self.extra_positional)
        return param in self.values


class BindError(Exception):
    """The call would not bind to the legacy signature."""

    def __init__(self, message: str, todo: str = "fix the call first (it fails today)") -> None:
        super().__init__(message)
        self.todo = todo


def bind_arguments(signature: Signature, args: Sequence[cst.Arg]) -> Bound:
    """Bind call arguments to a legacy signature the way Python would, or raise BindError."""
    positional = [p for p in signature.params if p.kind == "positional"]
    by_name = {p.name: p for p in signature.params if p.kind in ("positional", "keyword_only")}
    var_pos = any(p.kind == "var_positional" for p in signature.params)
    var_kw = any(p.kind == "var_keyword" for p in signature.params)
    values: dict[str, cst.Arg] = {}
    extra_pos: list[cst.Arg] = []
    extra_kw: list[cst.Arg] = []
    n_positional = 0
    for arg in args:
        if arg.star:
            raise BindError(
                f"it unpacks `{arg.star}{code(arg.value)}`, so the tool cannot tell which "
                "parameters that fills",
                "spell the arguments out",
            )
        if arg.keyword is None:
            if n_positional < len(positional):
                values[positional[n_positional].name] = arg
            elif var_pos:
                extra_pos.append(arg)
            else:
                raise BindError(
                    f"it passes {n_positional + 1} positional arguments where the legacy method "
                    f"takes at most {len(positional)}"
                )
            n_positional += 1
            continue
        name = arg.keyword.value
        if name in by_name:
            if name in values:
                raise BindError(f"it passes `{name}` twice")
            values[name] = arg
        elif var_kw:
            extra_kw.append(arg)
        else:
            raise BindError(f"it passes `{name}=`, which the legacy method does not take")
    missing = [p.name for p in signature.params if p.required and p.name not in values]
    if missing:
        raise BindError(f"it does not pass the required `{'`, `'.join(missing)}`")
    ordered = {p.name: values[p.name] for p in signature.params if p.name in values}
    return Bound(ordered, tuple(extra_kw), tuple(extra_pos))


# --------------------------------------------------------- target methods ----
@dataclass(frozen=True)
class TargetParams:
    order: tuple[str, ...]  # keyword-capable parameters, in signature order
    required: frozenset[str]


@cache
def _target_params(module: str, cls: str, name: str, constructor: bool) -> TargetParams | None:
    try:
        obj: object = importlib.import_module(module)
    except Exception:  # the plan loader reports an unimportable target; here it means unknown
        return None
    path = name.split(".") if constructor else [cls, *name.split(".")]
    for part in path:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    try:
        sig = inspect.signature(obj)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    params = [p for n, p in sig.parameters.items() if p.kind in kinds and n not in ("self", "cls")]
    return TargetParams(
        tuple(p.name for p in params),
        frozenset(p.name for p in params if p.default is inspect.Parameter.empty),
    )


def target_params(plan: Plan, name: str, *, constructor: bool = False) -> TargetParams | None:
    """Keyword parameters of a unified method (or of a target-module callable)."""
    return _target_params(plan.target_module, plan.target_class, name, constructor)


# ---------------------------------------------------------------- mapping ----
@dataclass(frozen=True)
class Refusal:
    reason: str


@dataclass(frozen=True)
class Mapped:
    target: str  # unified method, or target-module callable for constructors
    keywords: tuple[tuple[str, cst.BaseExpression], ...] = field(default=())


class _Refuse(Exception):
    pass


def map_call(
    plan: Plan,
    mapping: Mapping_,
    args: Sequence[cst.Arg],
    *,
    receiver: cst.BaseExpression | None = None,
    constructor: bool = False,
) -> Mapped | Refusal:
    """The unified call for a legacy call with `args`, or why there is none.

    `receiver` is the legacy receiver, substituted for `{self}` in supply templates
    (only a Name or Name.attr chain may be duplicated that way).
    """
    try:
        return _Mapper(plan, mapping, receiver, constructor).map(args)
    except _Refuse as refusal:
        return Refusal(str(refusal))


def is_literal_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _string_literal(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _dict_items(node: cst.BaseExpression) -> list[tuple[str, cst.BaseExpression]] | None:
    """Items of a dict literal whose keys are all string literals (no `**`)."""
    if not isinstance(node, cst.Dict):
        return None
    items = []
    for el in node.elements:
        if not isinstance(el, cst.DictElement):
            return None
        key = _string_literal(el.key)
        if key is None or not key.isidentifier():
            return None
        items.append((key, el.value))
    return items


class _Mapper:
    def __init__(
        self,
        plan: Plan,
        mapping: Mapping_,
        receiver: cst.BaseExpression | None,
        constructor: bool,
    ) -> None:
        self.plan = plan
        self.m = mapping
        self.receiver = receiver
        self.constructor = constructor
        self.name = mapping.legacy_name.rsplit(".", 1)[-1]

    def map(self, args: Sequence[cst.Arg]) -> Mapped:
        m = self.m
        if m.manual is not None:
            raise _Refuse(m.manual)
        sig = m.signature
        assert sig is not None and m.target, f"{m.key}: mapping without signature/target"
        try:
            bound = bind_arguments(sig, args)
        except BindError as exc:
            raise _Refuse(
                f"`{self.name}(...)` does not match the legacy signature ({sig.text}): {exc}: "
                f"{exc.todo}, then re-run"
            ) from None
        for param, reason in m.manual_if.items():
            if bound.passed(param, sig):
                raise _Refuse(reason)
        for param, reason in m.require.items():
            arg = bound.values.get(param)
            if arg is None or is_literal_none(arg.value):
                raise _Refuse(reason)

        target = m.target
        # (keyword, value, legacy position) -- the position orders the output
        out: list[tuple[str, cst.BaseExpression, float]] = []
        position = {p: i for i, p in enumerate(sig.names())}

        if m.dispatch:
            target = self._dispatch(bound, out, position)
        if m.expand is not None:
            self._expand(bound, out, position)

        for param, arg in bound.values.items():
            kw = m.keyword_for(param)
            if kw is not None:
                out.append((kw, arg.value, position[param]))

        params = target_params(self.plan, target, constructor=self.constructor)
        for kw, template in m.supply.items():
            fields = [f for f in template.fields if f != "self"]
            passed = [f for f in fields if f in bound.values]
            required = params is not None and kw in params.required
            if fields and not passed and not required:
                continue
            at = min((position[f] for f in fields), default=None)
            value = self._render(template, bound)
            out.append((kw, value, at if at is not None else -1.0))

        self._check_duplicates(out, bound)
        ordered = self._order(out, params)
        if params is not None:
            missing = sorted(params.required - {kw for kw, _ in ordered})
            if missing == ["context"] and self.constructor and target.endswith(".from_context"):
                cls = target.rsplit(".", 1)[0]
                raise _Refuse(
                    f"the legacy call passes no context, and `{target}` needs one: pass "
                    f"`context=` by hand, or build `{cls}(manager, user_id, thread_id=..., "
                    "run_id=...)` directly"
                )
            if missing:
                need = ", ".join(f"{k}=" for k in missing)
                raise _Refuse(
                    f"the unified `{target}` needs {need}, which this call does not give: "
                    f"add it by hand (`{target}({need}...)`)"
                )
            unknown = [kw for kw, _ in ordered if kw not in params.order]
            if unknown:
                raise _Refuse(
                    f"the unified `{target}` takes no `{unknown[0]}=`: move that value by hand"
                )
        return Mapped(target, tuple(ordered))

    # -- rules
    def _dispatch(
        self,
        bound: Bound,
        out: list[tuple[str, cst.BaseExpression, float]],
        position: dict[str, int],
    ) -> str:
        assert self.m.dispatch is not None and self.m.target
        ev_param, data_param = self.m.dispatch["event_type"], self.m.dispatch["data"]
        ev_arg, data_arg = bound.values[ev_param], bound.values[data_param]
        event = _string_literal(ev_arg.value)
        if event is None:
            raise _Refuse(
                f"the event type `{code(ev_arg.value)}` is not a string literal, so the tool "
                "cannot pick the unified method: call the matching emit_* method by hand "
                "(emit_custom(event_type=..., data=...) for application events)"
            )
        method = self.plan.events.get(event)
        if method is None:
            if event.strip().lower() in _reserved_events(self.plan):
                raise _Refuse(
                    f"`{event}` is a reserved event the plan maps to no method: "
                    "call its emit_* method by hand"
                )
            # An application event: emit_custom(event_type=..., data=...).
            out.append(("event_type", ev_arg.value, position[ev_param]))
            out.append(("data", data_arg.value, position[data_param]))
            return self.m.target
        items = _dict_items(data_arg.value)
        if items is None:
            raise _Refuse(
                f"the data `{code(data_arg.value)}` is not a dict literal with string keys, "
                f"so the tool cannot spread it into keywords: call `{method}(...)` with its "
                "keywords by hand"
            )
        at = position[data_param]
        for i, (key, value) in enumerate(items):
            out.append((key, value, at + i / (len(items) + 1)))
        return method

    def _expand(
        self,
        bound: Bound,
        out: list[tuple[str, cst.BaseExpression, float]],
        position: dict[str, int],
    ) -> None:
        assert self.m.expand is not None
        arg = bound.values[self.m.expand]
        items = _dict_items(arg.value)
        if items is None:
            raise _Refuse(
                f"`{code(arg.value)}` is not a dict literal with string keys, so the tool "
                f"cannot spread it into keywords: call `{self.m.target}(...)` with its keywords "
                "by hand"
            )
        at = position[self.m.expand]
        for i, (key, value) in enumerate(items):
            out.append((key, value, at + i / (len(items) + 1)))

    def _render(self, template: Template, bound: Bound) -> cst.BaseExpression:
        expr = _parsed_template(template.expression_source())
        values: dict[str, cst.BaseExpression] = {}
        assert self.m.signature is not None
        for f in template.fields:
            if f == "self":
                if self.receiver is None or dotted_name(self.receiver) is None:
                    shown = code(self.receiver) if self.receiver is not None else "?"
                    raise _Refuse(
                        f"the receiver `{shown}` is not a plain name, and the unified call "
                        f"needs it twice: assign it to a local first (`x = {shown}`), then re-run"
                    )
                values[placeholder(f)] = self.receiver
            elif f in bound.values:
                values[placeholder(f)] = bound.values[f].value
            else:
                p = self.m.signature.get(f)
                default = p.default if p is not None and p.default is not None else "None"
                values[placeholder(f)] = cst.parse_expression(default)
        return expr.visit(Fill(values))  # type: ignore[return-value]

    def _check_duplicates(
        self, out: list[tuple[str, cst.BaseExpression, float]], bound: Bound
    ) -> None:
        seen: set[str] = set()
        for kw, _, _ in out:
            if kw in seen:
                raise _Refuse(
                    f"two arguments of `{self.name}(...)` become the unified `{kw}=`: "
                    f"keep one and pass `{kw}=` by hand"
                )
            seen.add(kw)

    def _order(
        self, out: list[tuple[str, cst.BaseExpression, float]], params: TargetParams | None
    ) -> list[tuple[str, cst.BaseExpression]]:
        """Legacy order; keywords built from no parameter go where the unified signature has
        them relative to the others."""
        placed = sorted((e for e in out if e[2] >= 0), key=lambda e: e[2])
        floating = [e for e in out if e[2] < 0]
        rank = {n: i for i, n in enumerate(params.order)} if params else {}
        result = [(kw, v) for kw, v, _ in placed]
        for kw, value, _ in floating:
            mine = rank.get(kw, len(rank))
            at = next(
                (i for i, (other, _) in enumerate(result) if rank.get(other, len(rank)) > mine),
                len(result),
            )
            result.insert(at, (kw, value))
        return result


@cache
def _parsed_template(source: str) -> cst.BaseExpression:
    """A plan template's expression, parsed once per run: Fill rebuilds every node of it,
    so no node is shared between the call sites it renders."""
    return cst.parse_expression(source).visit(_DoubleQuotes())  # type: ignore[return-value]


class _DoubleQuotes(FastTransformer):
    """Template literals in double quotes, as most formatters write them."""

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        body = updated_node.value[len(updated_node.prefix) + 1 : -1]
        if updated_node.quote != "'" or '"' in body or "\\" in body:
            return updated_node
        return updated_node.with_changes(value=f'{updated_node.prefix}"{body}"')


class Fill(FastTransformer):
    """Replaces placeholder names (see plan.placeholder) with the given expressions."""

    def __init__(self, values: dict[str, cst.BaseExpression]) -> None:
        super().__init__()
        self.values = values

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self.values.get(original_node.value, updated_node)


@cache
def _reserved_from(module: str) -> frozenset[str]:
    try:
        mod = importlib.import_module(module)
    except Exception:
        return frozenset()
    return frozenset(getattr(mod, "RESERVED_EVENTS", ()))


def _reserved_events(plan: Plan) -> frozenset[str]:
    return _reserved_from(plan.target_module) | frozenset(plan.events)


# ------------------------------------------------------------- arguments ----
def keyword_args(
    keywords: Sequence[tuple[str, cst.BaseExpression]],
    original: Sequence[cst.Arg],
    opening: cst.BaseParenthesizableWhitespace | None = None,
) -> list[cst.Arg]:
    """Keyword Args for `keywords`, reusing the original arguments' layout.

    The i-th new argument takes the i-th old one's comma and spacing, so a call
    written one argument a line stays that way, and a trailing comma stays. Extra
    arguments are separated like the old ones were; `opening` (the whitespace after
    `(`) tells how when there was at most one.
    """
    out: list[cst.Arg] = []
    n, m = len(original), len(keywords)
    by_value = {id(a.value): a for a in original}
    extra = _separator(original, opening)
    for i, (kw, value) in enumerate(keywords):
        source = by_value.get(id(value))
        equal = (
            source.equal
            if source is not None and source.keyword is not None
            else cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""),
                whitespace_after=cst.SimpleWhitespace(""),
            )
        )
        if i < m - 1:
            old = original[i].comma if i < n - 1 else None
            comma: cst.Comma | cst.MaybeSentinel = old if isinstance(old, cst.Comma) else extra
        else:
            comma = original[-1].comma if n else cst.MaybeSentinel.DEFAULT
        # The last argument keeps what stood before `)` (a newline, for a hanging call).
        if i == m - 1 and n:
            ws_after = original[-1].whitespace_after_arg
        elif i < n - 1:
            ws_after = original[i].whitespace_after_arg
        else:
            ws_after = cst.SimpleWhitespace("")
        out.append(
            cst.Arg(
                value=value,
                keyword=cst.Name(kw),
                equal=equal,
                comma=comma,
                whitespace_after_arg=ws_after,
            )
        )
    return out


def _separator(
    original: Sequence[cst.Arg], opening: cst.BaseParenthesizableWhitespace | None
) -> cst.Comma:
    """The comma between two arguments in the call's own layout, without comments."""
    between = original[-2].comma if len(original) >= 2 else None
    if isinstance(between, cst.Comma):
        ws = between.whitespace_after
    elif (
        len(original) == 1
        and isinstance(original[0].comma, cst.Comma)
        and isinstance(opening, cst.ParenthesizedWhitespace)
    ):
        ws = opening  # one argument a line, trailing comma: the next goes on its own line
    else:
        return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    if isinstance(ws, cst.ParenthesizedWhitespace):
        ws = ws.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
    return cst.Comma(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=ws)
