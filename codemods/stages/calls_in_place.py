"""Stage `call-sites` of the in-place design: legacy calls onto unified keyword calls on the
same object.

Rewrites `receiver.legacy_method(...)` to the unified method with keyword arguments
only, when all of these hold:
- the receiver's legacy type is known (as in the `calls` codemod);
- `codemods.analysis.legacy_aliases` gives the legacy class that unified method, which stage
  `deprecate` added and which runs the legacy method (same payload, result and
  exceptions);
- nothing else in the project names the method other than by calling it: no mock
  set-up or assertion, no fake's `def`, no `patch.object`/`hasattr` string. Those
  would be left out of step with the call.

Refuses, and reports with the reason: every other legacy call on a known receiver.
Reports: a constructor or factory call, which keeps building the legacy object, and
a call on an unknown receiver. Leaves alone: annotations, `Mock(spec=...)`, mock
set-ups and assertions, and imports, since the objects stay of the legacy class.
"""

from __future__ import annotations

import libcst as cst

from codemods.analysis.legacy_aliases import Alias, alias_for
from codemods.analysis.resolve import Receiver
from codemods.plan import Api
from codemods.stages.calls import CallsCodemod

_KEEPS_WORKING = "it keeps working as it is, since the legacy class stays"


class InPlaceCallsCodemod(CallsCodemod):
    name = "calls-in-place"
    edits_only_at_auto_sites = True  # it rewrites calls, each an auto site, and nothing else

    def _mock_assertion(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        return updated  # a mock's record of a legacy call stays true

    def _mock_spec(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        return updated  # Mock(spec=LegacyClass): the objects are still of that class

    def _constructor(self, original: cst.Call, updated: cst.Call, key: str) -> cst.BaseExpression:
        self._kept_constructor(original, key)
        return updated

    def _method_call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        assert isinstance(func, cst.Attribute)
        method = func.attr.value
        rtype = self.resolver.receiver_type(func.value)
        if rtype.api is not None and not rtype.unified:
            api = self.plan.apis[rtype.api]
            mapping = api.methods.get(method)
            if mapping is not None and not self._binds_unified(method, original.args):
                refusal = self._refusal(api, method)
                if refusal is not None:
                    self._legacy_manual(
                        api.id, original, "call", self._symbol(api.id, method), refusal
                    )
                    return updated
        return super()._method_call(original, updated)

    def _refusal(self, api: Api, method: str) -> str | None:
        """Why a call of `api`'s `method` is not rewritten here, or None to rewrite it."""
        alias = alias_for(self.plan, api.id, method)
        if not isinstance(alias, Alias):
            return f"not rewritten: {alias}; {_KEEPS_WORKING}"
        seen = self.ctx.project.stand_ins.get(method) if self.ctx.project else None
        if seen is not None:
            path, line, places = seen
            more = f" and {places - 1} more place{'s' if places > 2 else ''}" if places > 1 else ""
            return (
                f"not rewritten: `{method}` is also named other than by a call, at "
                f"{path}:{line}{more} (a mock, a fake's def, or a patch or hasattr string), "
                f"which a rewritten call would leave out of step; move them together by hand "
                f"to `{alias.target}` with keywords; until then {_KEEPS_WORKING}"
            )
        return None

    def _guard(self) -> str | None:
        return None  # the alias runs the legacy method, so what it raised it still raises

    def _unknown_receiver(self, node: cst.Call, method: str, rtype: Receiver) -> None:
        if any(isinstance(alias_for(self.plan, a, method), Alias) for a in self.plan.apis):
            super()._unknown_receiver(node, method, rtype)

    def _class_name(self, api_id: str) -> str:
        # The legacy class is what the receiver is, so name it by its legacy path when
        # it shares the target's name.
        name = self._class_of_api.get(api_id, api_id)
        if name != self.plan.target_class:
            return name
        dotted = next(s.dotted for s in self.plan.symbols.values() if s.api == api_id)
        return dotted

    def _kept_constructor(self, node: cst.Call, key: str) -> None:
        mapping = self.plan.constructors[key]
        owner = self.plan.symbols.get(key)
        if owner is not None and owner.kind == "function":
            text = (
                "a legacy function, which stays until its module is retired: replace it with "
                f"`{mapping.target}(...)` by hand once the emitters it serves are unified"
            )
        else:
            why = mapping.manual or (
                f"when nothing calls a legacy method on what it builds, replace it with "
                f"`{mapping.target}(...)` by hand"
            )
            text = f"builds the legacy object, which stays until its module is retired: {why}"
        self.manual(node, "constructor", self._constructor_symbol(key), text)

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        return updated_node  # mock renames: the mocked method is the legacy one still

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        return updated_node  # mock set-ups, likewise

    def leave_Annotation(
        self, original_node: cst.Annotation, updated_node: cst.Annotation
    ) -> cst.Annotation:
        return updated_node  # the object is still of the legacy class

    def _switch_imports(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        return updated  # every name the file imports is still the one it uses
