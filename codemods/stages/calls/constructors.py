"""Legacy constructors, factories and functions (`plan.constructors`) → the target
module's callables, with keyword arguments.
"""

from __future__ import annotations

import libcst as cst

from codemods.analysis.binding import Refusal, keyword_args, map_call
from codemods.analysis.resolve import UNIFIED
from codemods.stages.calls.state import IN_FSTRING, CallSiteState, Retarget

# A rewritten one-line call longer than this is laid out one argument a line.


class Constructors(CallSiteState):
    def _constructor(self, original: cst.Call, updated: cst.Call, key: str) -> cst.BaseExpression:
        mapping = self.plan.constructors[key]
        symbol = self._constructor_symbol(key)
        result = map_call(self.plan, mapping, updated.args, constructor=True)
        if isinstance(result, Refusal):
            self.manual(original, "constructor", symbol, result.reason)
            return updated
        if self.fstring_depth:
            self.manual(original, "constructor", symbol, IN_FSTRING)
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
                Retarget(
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
