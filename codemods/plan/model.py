"""The plan's model: plain frozen dataclasses for a migration plan (see
migration_plans/FORMAT.md), and the questions the engine asks of it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import pathspec

SYMBOL_KINDS = ("class", "factory", "factory_class", "function", "other")
ON_FAILURE = ("none", "bool", "raise")
# Where the decorators can be imported from: the top-level `compat` package, or the same
# code under `emitter_migrate.compat` for a project whose own `compat` would shadow it.
RUNTIMES = ("compat.deprecation", "emitter_migrate.compat.deprecation")


# ------------------------------------------------------------------ model ----
@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "positional" | "keyword_only" | "var_positional" | "var_keyword"
    default: str | None = None  # source text of the default; None when required

    @property
    def required(self) -> bool:
        return self.default is None and self.kind in ("positional", "keyword_only")


@dataclass(frozen=True)
class Signature:
    params: tuple[Param, ...]
    text: str

    def names(self) -> list[str]:
        return [p.name for p in self.params]

    def get(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass(frozen=True)
class Template:
    """A `supply` expression: Python source with {param} / {self} holes."""

    text: str
    fields: tuple[str, ...]

    def expression_source(self) -> str:
        """The template as Python source, each hole replaced by a placeholder name."""
        return self.text.format(**{f: placeholder(f) for f in self.fields})


def placeholder(field_name: str) -> str:
    return f"__emitter_migrate_{field_name}__"


@dataclass(frozen=True)
class Mapping_:
    """How one legacy callable (method or constructor) maps onto the unified API."""

    key: str  # dotted key in the plan, for messages
    legacy_name: str
    signature: Signature | None = None
    target: str | None = None
    args: dict[str, str] = field(default_factory=dict)
    supply: dict[str, Template] = field(default_factory=dict)
    manual_if: dict[str, str] = field(default_factory=dict)
    require: dict[str, str] = field(default_factory=dict)
    expand: str | None = None
    dispatch: dict[str, str] | None = None
    manual: str | None = None

    def keyword_for(self, param: str) -> str | None:
        """The unified keyword a legacy parameter is passed as, or None if it is not passed on."""
        if param in self.manual_if or param == self.expand:
            return None
        if self.dispatch and param in self.dispatch.values():
            return None
        if any(param in t.fields for t in self.supply.values()):
            return None
        return self.args.get(param, param)


@dataclass(frozen=True)
class Api:
    id: str
    title: str
    shim_module: str
    receiver: str
    on_failure: str
    methods: dict[str, Mapping_]


@dataclass(frozen=True)
class Symbol:
    dotted: str
    api: str
    kind: str
    shim: str  # dotted path of the shim that keeps this name alive

    @property
    def module(self) -> str:
        return self.dotted.rsplit(".", 1)[0]

    @property
    def name(self) -> str:
        return self.dotted.rsplit(".", 1)[1]


@dataclass(frozen=True)
class Stage:
    name: str
    codemod: str
    after: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Wave:
    name: str
    paths: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    name: str
    description: str
    schema_version: int
    source: str  # path of the TOML, for messages
    digest: str  # sha256 of the TOML bytes: part of the cache key
    target_module: str
    target_class: str
    events: dict[str, str]  # wire event type -> unified method
    legacy_modules: tuple[str, ...]
    stages: tuple[Stage, ...]
    waves: tuple[Wave, ...]
    apis: dict[str, Api]
    symbols: dict[str, Symbol]
    constructors: dict[str, Mapping_]
    # The module stage `deprecate` imports its decorators from (see RUNTIMES).
    deprecation_runtime: str = RUNTIMES[0]

    def stage(self, name: str) -> Stage:
        for s in self.stages:
            if s.name == name:
                return s
        raise KeyError(f"no stage named {name!r}; the plan has: {', '.join(self.stage_names)}")

    @property
    def stage_names(self) -> list[str]:
        return [s.name for s in self.stages]

    def legacy_module_of(self, module: str | None) -> str | None:
        """The legacy module `module` is, or names (a longer prefix is allowed)."""
        if not module:
            return None
        hits = [m for m in self.legacy_modules if module == m or module.endswith("." + m)]
        return max(hits, key=len) if hits else None

    @cached_property
    def legacy_method_names(self) -> frozenset[str]:
        return frozenset(m for api in self.apis.values() for m in api.methods)

    @cached_property
    def name_tokens(self) -> tuple[bytes, ...]:
        """Byte strings at least one of which every file naming a legacy class, factory,
        function or method contains (`file_tokens(module_names=False)`)."""
        tokens = {sym.name for sym in self.symbols.values()}
        # A bare name such as `emit` would match nearly every file and says nothing.
        tokens.update(m for m in self.legacy_method_names if "_" in m)
        return _minimal(tokens)

    @cached_property
    def prefilter_tokens(self) -> tuple[bytes, ...]:
        """Byte strings at least one of which every file using a legacy API contains,
        naming the legacy modules themselves included (`file_tokens(module_names=True)`)."""
        tokens = {t.decode() for t in self.name_tokens}
        tokens.update(module.rsplit(".", 1)[-1] for module in self.legacy_modules)
        tokens.update(api.shim_module.rsplit(".", 1)[-1] for api in self.apis.values())
        return _minimal(tokens)

    def file_tokens(self, module_names: bool) -> tuple[bytes, ...]:
        """The byte prefilter's tokens for a run: with the legacy modules' names only when a
        codemod of the run acts on those names (see codemods.stages.MODULE_NAMES_MATTER);
        otherwise an import from a legacy package that names nothing legacy (most of them,
        on the real backend) does not make its file a candidate."""
        return self.prefilter_tokens if module_names else self.name_tokens

    @cached_property
    def _wave_specs(self) -> list[tuple[Wave, pathspec.PathSpec]]:
        return [(w, pathspec.GitIgnoreSpec.from_lines(w.paths)) for w in self.waves]

    def wave_of(self, relpath: str) -> str | None:
        """The first wave whose globs match a root-relative posix path."""
        for wave, spec in self._wave_specs:
            if spec.match_file(relpath):
                return wave.name
        return None


def iter_mappings(plan: Plan) -> Iterable[tuple[str | None, Mapping_]]:
    """Every mapping: (api id, mapping) for methods, (None, mapping) for constructors."""
    for api in plan.apis.values():
        for m in api.methods.values():
            yield api.id, m
    for m in plan.constructors.values():
        yield None, m


def _minimal(tokens: set[str]) -> tuple[bytes, ...]:
    """Sorted, without a token that holds another (it adds nothing to a substring search)."""
    minimal = {t for t in tokens if not any(o != t and o in t for o in tokens)}
    return tuple(sorted(t.encode() for t in minimal))
