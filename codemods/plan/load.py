"""Load and validate a migration plan (TOML) into plain dataclasses.

Every mistake is reported with the line and dotted key it sits on, and all of
them at once, so `plan validate` can be fixed in one pass. See
migration_plans/FORMAT.md for the format.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import importlib
import inspect
import os
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from codemods.plan.model import (
    ON_FAILURE,
    RUNTIMES,
    SYMBOL_KINDS,
    Api,
    Mapping_,
    Param,
    Plan,
    Signature,
    Stage,
    Symbol,
    Template,
    Wave,
)
from codemods.stages import CODEMODS
from codemods.toml_lines import KeyLocator

DEFAULT_PLAN_NAME = "emitter_consolidation.toml"
KNOWN_CODEMODS = tuple(CODEMODS)  # the registry imports no LibCST

_TOP_KEYS = {
    "schema_version",
    "deprecation_runtime",
    "name",
    "description",
    "legacy_modules",
    "target",
    "stages",
    "waves",
    "apis",
    "symbols",
    "constructors",
}
_TARGET_KEYS = {"module", "class", "events"}
_STAGE_KEYS = {"name", "codemod", "after", "description"}
_WAVE_KEYS = {"name", "paths"}
_API_KEYS = {"title", "shim_module", "receiver", "on_failure", "methods"}
_SYMBOL_KEYS = {"api", "kind", "shim"}
_MAPPING_KEYS = {
    "signature",
    "target",
    "args",
    "supply",
    "manual_if",
    "require",
    "expand",
    "dispatch",
    "manual",
}
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


# ----------------------------------------------------------------- errors ----
@dataclass(frozen=True)
class PlanProblem:
    line: int | None
    key: str
    message: str

    def render(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line else source
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class PlanError(Exception):
    def __init__(self, source: str, problems: list[PlanProblem]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(p.render(source) for p in problems))


# ---------------------------------------------------------------- loading ----
ENV_PLAN = "EMITTER_MIGRATE_PLAN"


def bundled_plan_path() -> Path:
    """The flagship plan shipped with the tool."""
    return Path(str(resources.files("migration_plans").joinpath(DEFAULT_PLAN_NAME)))


def default_plan_path() -> Path:
    """The plan used when none is named: $EMITTER_MIGRATE_PLAN, else the bundled one.

    The compat runtime reads it too, so an application and the CLI follow one plan.
    """
    chosen = os.environ.get(ENV_PLAN)
    return Path(chosen) if chosen else bundled_plan_path()


def load_plan(path: Path | str | None = None, *, check_target: bool = True) -> Plan:
    """Read, parse and validate a plan; raise PlanError listing every problem."""
    plan_path = Path(path) if path is not None else default_plan_path()
    source = str(plan_path)
    try:
        raw = plan_path.read_bytes()
    except FileNotFoundError:
        raise PlanError(source, [PlanProblem(None, "", "plan file does not exist")]) from None
    except OSError as exc:
        raise PlanError(
            source, [PlanProblem(None, "", f"cannot read plan: {exc.strerror}")]
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"plan is not valid UTF-8 (byte {exc.start})"
        raise PlanError(source, [PlanProblem(None, "", msg)]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = int(m.group(1)) if m else None
        raise PlanError(source, [PlanProblem(line, "", f"TOML syntax error: {exc}")]) from None
    return _Validator(source, text, hashlib.sha256(raw).hexdigest(), check_target).build(data)


class _Validator:
    def __init__(self, source: str, text: str, digest: str, check_target: bool):
        self.source = source
        self.digest = digest
        self.check_target = check_target
        self.locator = KeyLocator(text)
        self.problems: list[PlanProblem] = []
        self._target_cls: Any = None
        self._target_module: Any = None

    def problem(self, key: str, message: str, line_key: str | None = None) -> None:
        self.problems.append(PlanProblem(self.locator.line_of(line_key or key), key, message))

    # -- generic checks
    def keys(self, table: Mapping[str, Any], allowed: set[str], prefix: str) -> None:
        for k in table:
            if k not in allowed:
                hint = difflib.get_close_matches(k, sorted(allowed), n=1)
                extra = f" (did you mean {hint[0]!r}?)" if hint else ""
                self.problem(_join(prefix, k), f"unknown key{extra}")

    def typed(
        self,
        table: Mapping[str, Any],
        key: str,
        kind: type,
        prefix: str,
        required: bool = True,
        default: Any = None,
    ) -> Any:
        if key not in table:
            if required:
                self.problem(_join(prefix, key), "missing", prefix or key)
            return default
        value = table[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.problem(
                _join(prefix, key), f"must be a {_kind_name(kind)}, not {_kind_name(type(value))}"
            )
            return default
        return value

    def str_table(self, table: Mapping[str, Any], key: str, prefix: str) -> dict[str, str]:
        value = self.typed(table, key, dict, prefix, required=False, default={})
        out: dict[str, str] = {}
        for k, v in value.items():
            if isinstance(v, str):
                out[k] = v
            else:
                self.problem(_join(prefix, key, k), "must be a string")
        return out

    # -- the plan
    def build(self, data: dict[str, Any]) -> Plan:
        self.keys(data, _TOP_KEYS, "")
        version = self.typed(data, "schema_version", int, "")
        if version is not None and version != 1:
            self.problem("schema_version", f"unsupported version {version}; this tool reads 1")
        name = self.typed(data, "name", str, "", default="")
        description = self.typed(data, "description", str, "", required=False, default="")
        legacy_modules = tuple(self.str_list(data, "legacy_modules", ""))
        runtime = self.typed(
            data, "deprecation_runtime", str, "", required=False, default=RUNTIMES[0]
        )
        if runtime not in RUNTIMES:
            self.problem(
                "deprecation_runtime",
                f"must be one of {', '.join(RUNTIMES)} (the second for a project with its own "
                f"top-level compat package), not {runtime!r}",
            )
        target = self.typed(data, "target", dict, "", default={})
        self.keys(target, _TARGET_KEYS, "target")
        target_module = self.typed(target, "module", str, "target", default="")
        target_class = self.typed(target, "class", str, "target", default="")
        events = self.str_table(target, "events", "target")
        if target and not events:
            self.problem("target.events", "required: wire event type -> the unified method")
        if self.check_target and target_module and target_class:
            self._load_target(target_module, target_class)
        stages = self.build_stages(data)
        waves = self.build_waves(data)
        apis = self.build_apis(data)
        symbols = self.build_symbols(data, apis)
        constructors = self.build_constructors(data, symbols)
        if self._target_cls is not None:
            for event, method in events.items():
                if not hasattr(self._target_cls, method):
                    self.problem(
                        f"target.events.{event}", f"{target_class} has no method {method!r}"
                    )
        if self.problems:
            raise PlanError(self.source, self.problems)
        return Plan(
            name=name,
            description=description,
            schema_version=version,
            source=self.source,
            digest=self.digest,
            target_module=target_module,
            target_class=target_class,
            events=events,
            legacy_modules=legacy_modules,
            stages=stages,
            waves=waves,
            apis=apis,
            symbols=symbols,
            constructors=constructors,
            deprecation_runtime=runtime,
        )

    def str_list(
        self, table: Mapping[str, Any], key: str, prefix: str, required: bool = True
    ) -> list[str]:
        value = self.typed(table, key, list, prefix, required=required, default=[])
        out = []
        for i, v in enumerate(value):
            if isinstance(v, str):
                out.append(v)
            else:
                self.problem(f"{_join(prefix, key)}[{i}]", "must be a string", _join(prefix, key))
        return out

    def build_stages(self, data: dict[str, Any]) -> tuple[Stage, ...]:
        stages: list[Stage] = []
        raw = self.typed(data, "stages", list, "", default=[])
        if not raw and "stages" in data:
            self.problem("stages", "a plan needs at least one stage")
        seen: set[str] = set()
        for i, table in enumerate(raw):
            key = f"stages[{i}]"
            if not isinstance(table, dict):
                self.problem(key, "must be a table ([[stages]])", "stages")
                continue
            self.keys(table, _STAGE_KEYS, "stages")
            name = self.typed(table, "name", str, "stages", default=f"#{i}")
            codemod = self.typed(table, "codemod", str, "stages", default="")
            if codemod and codemod not in KNOWN_CODEMODS:
                self.problem(
                    f"stages.{name}.codemod",
                    f"unknown codemod {codemod!r}; known: {', '.join(KNOWN_CODEMODS)}",
                    "stages",
                )
            after = tuple(self.str_list(table, "after", "stages", required=False))
            for dep in after:
                if dep not in seen:
                    self.problem(
                        f"stages.{name}.after", f"{dep!r} is not an earlier stage", "stages.after"
                    )
            if name in seen:
                self.problem(f"stages.{name}", "two stages have this name", "stages")
            seen.add(name)
            stages.append(
                Stage(
                    name,
                    codemod,
                    after,
                    self.typed(table, "description", str, "stages", required=False, default=""),
                )
            )
        return tuple(stages)

    def build_waves(self, data: dict[str, Any]) -> tuple[Wave, ...]:
        waves: list[Wave] = []
        seen: set[str] = set()
        for i, table in enumerate(self.typed(data, "waves", list, "", required=False, default=[])):
            if not isinstance(table, dict):
                self.problem(f"waves[{i}]", "must be a table ([[waves]])", "waves")
                continue
            self.keys(table, _WAVE_KEYS, "waves")
            name = self.typed(table, "name", str, "waves", default=f"#{i}")
            paths = tuple(self.str_list(table, "paths", "waves"))
            if name in seen:
                self.problem(f"waves.{name}", "two waves have this name", "waves")
            seen.add(name)
            waves.append(Wave(name, paths))
        return tuple(waves)

    def build_apis(self, data: dict[str, Any]) -> dict[str, Api]:
        apis: dict[str, Api] = {}
        for api_id, table in self.typed(data, "apis", dict, "", default={}).items():
            prefix = f"apis.{api_id}"
            if not isinstance(table, dict):
                self.problem(prefix, "must be a table")
                continue
            self.keys(table, _API_KEYS, prefix)
            receiver = self.typed(table, "receiver", str, prefix, required=False, default="{self}")
            template = self.template(receiver, f"{prefix}.receiver", {"self"})
            if template is not None and "self" not in template.fields:
                self.problem(f"{prefix}.receiver", "must contain {self}")
            on_failure = self.typed(
                table, "on_failure", str, prefix, required=False, default="none"
            )
            if on_failure not in ON_FAILURE:
                self.problem(f"{prefix}.on_failure", f"must be one of {', '.join(ON_FAILURE)}")
            shim_module = self.typed(table, "shim_module", str, prefix, default="")
            if shim_module and not _DOTTED.match(shim_module):
                self.problem(f"{prefix}.shim_module", "must be a dotted module path")
            methods = {
                m: self.mapping(f"{prefix}.methods.{m}", m, mt)
                for m, mt in self.typed(table, "methods", dict, prefix, default={}).items()
            }
            apis[api_id] = Api(
                api_id,
                self.typed(table, "title", str, prefix, required=False, default=api_id),
                shim_module,
                receiver,
                on_failure,
                methods,
            )
        return apis

    def build_symbols(self, data: dict[str, Any], apis: dict[str, Api]) -> dict[str, Symbol]:
        symbols: dict[str, Symbol] = {}
        legacy = set(self.typed(data, "legacy_modules", list, "", required=False, default=[]))
        for dotted, table in self.typed(data, "symbols", dict, "", default={}).items():
            prefix = f'symbols."{dotted}"'
            if not isinstance(table, dict):
                self.problem(prefix, "must be a table")
                continue
            self.keys(table, _SYMBOL_KEYS, prefix)
            if not _DOTTED.match(dotted) or "." not in dotted:
                self.problem(prefix, "must be a dotted module.Name path")
                continue
            api_id = self.typed(table, "api", str, prefix, default="")
            if api_id and api_id not in apis:
                self.problem(f"{prefix}.api", f"no API named {api_id!r} under [apis]")
                continue
            kind = self.typed(table, "kind", str, prefix, default="class")
            if kind not in SYMBOL_KINDS:
                self.problem(f"{prefix}.kind", f"must be one of {', '.join(SYMBOL_KINDS)}")
            module, name = dotted.rsplit(".", 1)
            if module not in legacy:
                self.problem(prefix, f"module {module!r} is not listed in legacy_modules")
            shim_name = self.typed(table, "shim", str, prefix, required=False, default=name)
            shim = f"{apis[api_id].shim_module}.{shim_name}" if api_id else shim_name
            symbols[dotted] = Symbol(dotted, api_id, kind, shim)
        # One shim name must not stand for two different APIs.
        by_shim: dict[str, Symbol] = {}
        for sym in symbols.values():
            other = by_shim.setdefault(sym.shim, sym)
            if other.api != sym.api:
                self.problem(
                    f'symbols."{sym.dotted}"',
                    f"claims shim {sym.shim!r} already claimed by {other.dotted!r} "
                    f"for API {other.api!r}",
                )
        return symbols

    def build_constructors(
        self, data: dict[str, Any], symbols: dict[str, Symbol]
    ) -> dict[str, Mapping_]:
        out: dict[str, Mapping_] = {}
        for callee, table in self.typed(
            data, "constructors", dict, "", required=False, default={}
        ).items():
            prefix = f'constructors."{callee}"'
            owner = callee if callee in symbols else callee.rsplit(".", 1)[0]
            if owner not in symbols:
                self.problem(
                    prefix,
                    "constructs nothing the plan knows: neither it nor its class is in [symbols]",
                )
            out[callee] = self.mapping(prefix, callee, table, constructor=True)
        return out

    # -- one mapping (method or constructor)
    def mapping(
        self, prefix: str, legacy_name: str, table: Any, constructor: bool = False
    ) -> Mapping_:
        if not isinstance(table, dict):
            self.problem(prefix, "must be a table")
            return Mapping_(prefix, legacy_name, manual="invalid plan entry")
        self.keys(table, _MAPPING_KEYS, prefix)
        manual = self.typed(table, "manual", str, prefix, required=False)
        if manual is not None:
            extra = set(table) - {"manual"}
            if extra:
                self.problem(
                    prefix, f"a manual entry takes no other keys (found {', '.join(sorted(extra))})"
                )
            if not manual.strip():
                self.problem(f"{prefix}.manual", "give the reason a developer can act on")
            return Mapping_(prefix, legacy_name, manual=manual)
        sig_text = self.typed(table, "signature", str, prefix, default="")
        signature = self.signature(sig_text, f"{prefix}.signature")
        target = self.typed(table, "target", str, prefix, default="")
        args = self.str_table(table, "args", prefix)
        manual_if = self.str_table(table, "manual_if", prefix)
        require = self.str_table(table, "require", prefix)
        expand = self.typed(table, "expand", str, prefix, required=False)
        dispatch = self.str_table(table, "dispatch", prefix) or None
        params = set(signature.names()) if signature else set()
        supply: dict[str, Template] = {}
        for kw, text in self.str_table(table, "supply", prefix).items():
            t = self.template(text, f"{prefix}.supply.{kw}", params | {"self"})
            if t is not None:
                supply[kw] = t
        m = Mapping_(
            prefix,
            legacy_name,
            signature,
            target,
            args,
            supply,
            manual_if,
            require,
            expand,
            dispatch,
        )
        if signature is not None:
            self.check_consumption(m, params)
        self.check_target_side(m, constructor)
        return m

    def check_consumption(self, m: Mapping_, params: set[str]) -> None:
        """Each legacy parameter is used by exactly one rule (or passes on by name)."""
        for section, names in (
            ("args", m.args),
            ("manual_if", m.manual_if),
            ("require", m.require),
        ):
            for p in names:
                if p not in params:
                    self.problem(
                        f"{m.key}.{section}.{p}",
                        f"not a parameter of the legacy signature ({m.signature.text})",
                    )
        if m.expand is not None and m.expand not in params:
            self.problem(
                f"{m.key}.expand", f"{m.expand!r} is not a parameter of the legacy signature"
            )
        if m.dispatch is not None:
            if set(m.dispatch) != {"event_type", "data"}:
                self.problem(f"{m.key}.dispatch", "must name exactly event_type and data")
            for p in m.dispatch.values():
                if p not in params:
                    self.problem(
                        f"{m.key}.dispatch", f"{p!r} is not a parameter of the legacy signature"
                    )
        for p in sorted(params):
            users = [
                s
                for s, hit in (
                    ("args", p in m.args),
                    ("manual_if", p in m.manual_if),
                    ("expand", p == m.expand),
                    ("dispatch", bool(m.dispatch) and p in m.dispatch.values()),
                    ("supply", any(p in t.fields for t in m.supply.values())),
                )
                if hit
            ]
            templates = [kw for kw, t in m.supply.items() if p in t.fields]
            if len(users) > 1 or len(templates) > 1:
                where = ", ".join(users + [f"supply.{kw}" for kw in templates[1:]])
                self.problem(
                    f"{m.key}.signature",
                    f"parameter {p!r} is claimed by more than one rule ({where})",
                )

    def check_target_side(self, m: Mapping_, constructor: bool) -> None:
        if self._target_cls is None or not m.target:
            return
        target = self._resolve_target(m.target, constructor)
        if target is None:
            self.problem(f"{m.key}.target", f"the target has no {m.target!r}")
            return
        try:
            sig = inspect.signature(target)
        except (TypeError, ValueError):
            return
        accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in sig.parameters.values())
        keywords = {
            n
            for n, p in sig.parameters.items()
            if p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        }
        keywords.discard("self")
        if m.signature is None or accepts_any:
            return
        for p in m.signature.params:
            kw = m.keyword_for(p.name)
            if (
                kw is not None
                and p.kind not in ("var_positional", "var_keyword")
                and kw not in keywords
            ):
                line_key = f"{m.key}.args.{p.name}" if p.name in m.args else f"{m.key}.signature"
                self.problem(
                    f"{m.key}.args.{p.name}",
                    f"{m.target} has no keyword {kw!r} (it takes {', '.join(sorted(keywords))})",
                    line_key,
                )
            if kw is None and p.kind == "var_keyword" and p.name not in m.manual_if:
                self.problem(f"{m.key}.signature", f"**{p.name} must be listed in manual_if")
        for kw in m.supply:
            if kw not in keywords:
                self.problem(f"{m.key}.supply.{kw}", f"{m.target} has no keyword {kw!r}")

    def _resolve_target(self, dotted: str, constructor: bool) -> Any:
        """Methods resolve on the target class; constructors from the target module."""
        obj: Any = self._target_module if constructor else self._target_cls
        for part in dotted.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj

    def _load_target(self, module: str, cls: str) -> None:
        try:
            mod = importlib.import_module(module)
        except Exception as exc:  # any import failure is a plan problem to report, not a crash
            self.problem("target.module", f"cannot import {module!r}: {exc}")
            return
        self._target_module = mod
        self._target_cls = getattr(mod, cls, None)
        if self._target_cls is None:
            self.problem("target.class", f"module {module!r} has no {cls!r}")

    def signature(self, text: str, key: str) -> Signature | None:
        try:
            fn = ast.parse(f"def _({text}): pass").body[0]
        except SyntaxError as exc:
            self.problem(key, f"not a valid parameter list: {exc.msg}")
            return None
        assert isinstance(fn, ast.FunctionDef)
        a = fn.args
        params: list[Param] = []
        positional = a.posonlyargs + a.args
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(a.defaults)) + list(
            a.defaults
        )
        for arg, d in zip(positional, defaults, strict=True):
            params.append(Param(arg.arg, "positional", ast.unparse(d) if d is not None else None))
        if a.vararg:
            params.append(Param(a.vararg.arg, "var_positional", "()"))
        for arg, d in zip(a.kwonlyargs, a.kw_defaults, strict=True):
            params.append(Param(arg.arg, "keyword_only", ast.unparse(d) if d is not None else None))
        if a.kwarg:
            params.append(Param(a.kwarg.arg, "var_keyword", "{}"))
        return Signature(tuple(params), text)

    def template(self, text: str, key: str, allowed: set[str]) -> Template | None:
        try:
            fields = tuple(
                dict.fromkeys(
                    f for _, f, spec, conv in string.Formatter().parse(text) if f is not None
                )
            )
        except ValueError as exc:
            self.problem(key, f"bad template: {exc} (write literal braces as {{{{ and }}}})")
            return None
        for f in fields:
            if f not in allowed:
                self.problem(key, f"{{{f}}} is neither a legacy parameter nor {{self}}")
                return None
        t = Template(text, fields)
        try:
            ast.parse(t.expression_source(), mode="eval")
        except SyntaxError as exc:
            self.problem(key, f"template is not a Python expression: {exc.msg}")
            return None
        return t


def _join(*parts: str) -> str:
    return ".".join(p for p in parts if p)


def _kind_name(kind: type) -> str:
    return {
        str: "string",
        int: "integer",
        list: "list",
        dict: "table",
        bool: "boolean",
        float: "number",
    }.get(kind, kind.__name__)
