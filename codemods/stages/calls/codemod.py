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

from dataclasses import replace

import libcst as cst

from codemods.analysis.cst_text import code
from codemods.analysis.resolve import shared_resolver
from codemods.report import MANUAL
from codemods.stages.calls.annotations import Annotations
from codemods.stages.calls.constructors import Constructors
from codemods.stages.calls.import_switch import ImportSwitch
from codemods.stages.calls.methods import MethodCalls
from codemods.stages.calls.mocks import MOCK_ARGS, MOCK_FACTORIES, MOCK_RECORDS, Mocks

# A rewritten one-line call longer than this is laid out one argument a line.


class CallsCodemod(MethodCalls, Constructors, Mocks, Annotations, ImportSwitch):
    name = "calls"

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

    # ------------------------------------------------------------ calls ----
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if (
                isinstance(func.value, cst.Attribute)
                and method in MOCK_ARGS | MOCK_RECORDS
                and func.value.attr.value in self.plan.legacy_method_names
            ):
                return self._mock_assertion(original_node, updated_node)
            if method in self.plan.legacy_method_names:
                return self._method_call(original_node, updated_node)
        key = self.resolver.constructor_key(func)
        if key is not None:
            return self._constructor(original_node, updated_node, key)
        dotted = self.resolver.qualified(func) or ""
        if dotted.rsplit(".", 1)[-1] in MOCK_FACTORIES:
            return self._mock_spec(original_node, updated_node)
        return updated_node
