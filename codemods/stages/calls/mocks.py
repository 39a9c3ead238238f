"""Mocks of legacy methods: set-ups `R.m = AsyncMock()`, attributes `R.m.return_value`,
assertions `R.m.assert_awaited_once_with(...)` (arguments mapped like the call), and
`Mock(spec=X)`; recorded-call comparisons and bound methods handed around are reported.
"""

from __future__ import annotations

import libcst as cst

from codemods.analysis.binding import Refusal, keyword_args, map_call
from codemods.analysis.cst_text import code
from codemods.plan import Api, Mapping_
from codemods.stages.calls.state import CallSiteState

# A rewritten one-line call longer than this is laid out one argument a line.

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
MOCK_ARGS = frozenset(
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
MOCK_RECORDS = frozenset(
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
MOCK_FACTORIES = frozenset(
    {"Mock", "MagicMock", "AsyncMock", "NonCallableMock", "NonCallableMagicMock", "create_autospec"}
)


def _example(mapping: Mapping_) -> str:
    """`kw=..., ...` for the keywords a mapping passes on, for messages."""
    if mapping.signature is None:
        return "..."
    kws = [mapping.keyword_for(p) for p in mapping.signature.names()]
    return ", ".join(f"{k}=..." for k in kws if k) or "..."


class Mocks(CallSiteState):
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

    def _known_mock(self, site: cst.CSTNode, inner: cst.Attribute) -> tuple[Api, Mapping_] | None:
        """For a mocked `R.m`: its API and mapping. None when R is not legacy, or when its
        type is unknown, which is then reported at `site`."""
        found = self._mocked(inner)
        if found is None:
            return None
        api, mapping, reason = found
        if api is None or mapping is None:
            self._unknown_mock(site, inner, reason)
            return None
        return api, mapping

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
        known = self._known_mock(original, inner)
        if known is None:
            return updated
        api, mapping = known
        method, check = inner.attr.value, func.attr.value
        symbol = f"{self._symbol(api.id, method)}.{check}"
        if mapping.manual is not None:
            self._legacy_manual(api.id, original, "attribute", symbol, mapping.manual)
            return updated
        if check in MOCK_RECORDS:
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
        known = self._known_mock(node, inner)
        if known is None:
            return
        api, mapping = known
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
            and original_node.attr.value in MOCK_RECORDS
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
        known = self._known_mock(original, inner)
        if known is None:
            return updated
        api, mapping = known
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
            known = self._known_mock(original_node, target)
            if known is None:
                continue
            api, mapping = known
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
