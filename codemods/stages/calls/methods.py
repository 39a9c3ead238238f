"""Legacy method calls on a receiver of known type → the unified method with keywords;
calls on receivers it cannot type are reported with what to do.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from codemods.analysis.binding import Refusal, keyword_args, map_call, target_params
from codemods.analysis.cst_text import caught_types, code
from codemods.analysis.resolve import Receiver
from codemods.stages.calls.state import IN_FSTRING, CallSiteState

# A rewritten one-line call longer than this is laid out one argument a line.

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


def _caught_names(handler: cst.ExceptHandler) -> set[str] | None:
    """Last components of the names an except clause catches; None for a bare `except:`."""
    types = caught_types(handler)
    return None if types is None else {code(e).rsplit(".", 1)[-1] for e in types}


class MethodCalls(CallSiteState):
    def visit_Try(self, node: cst.Try) -> None:
        for handler in node.handlers:
            caught = _caught_names(handler)
            if caught is None or caught & _CATCHES_RAISE:
                shown = f"except {code(handler.type)}" if handler.type is not None else "except"
                self.guards.append((id(node.body), shown))
                break

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
            self._legacy_manual(api.id, original, "call", symbol, IN_FSTRING)
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
