"""Hypothesis strategies for realistic modules, with or without legacy emitter use.

A module is assembled from fragments: plain code (no legacy name anywhere), near misses
(legacy method names on receivers no tool can type, look-alike names), and legacy uses
built from the plan itself (every API, every method, its legacy signature) in the shapes
the legacy-emitters spec lists. Legacy names in fragment bodies are written
as markers (`⟪dotted.path⟫`) so the import renderer can pick the import form (alias,
`import M as X`, relative, parenthesised, try/except, TYPE_CHECKING) and spell each use
to match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst
from hypothesis import assume
from hypothesis import strategies as st

from codemods.plan import Mapping_, Param, Plan, load_plan

PLAN: Plan = load_plan()

UNIFIED = "netra_backend.app.websocket_core.unified_emitter"
CORE = "netra_backend.app.websocket_core"
BRIDGE = "netra_backend.app.services.agent_websocket_bridge"
BASE = "netra_backend.app.agents.base_agent"
TRANSPARENT = "netra_backend.app.services.websocket.transparent_websocket_events"
FACTORY = "netra_backend.app.agents.supervisor.agent_instance_factory"

_MARK = re.compile(r"⟪([\w.]+)⟫")


def ref(dotted: str) -> str:
    """Marker for a legacy name; the renderer replaces it with the local spelling."""
    return f"⟪{dotted}⟫"


@dataclass(frozen=True)
class Fragment:
    """A top-level statement group; `needs` are the dotted legacy names it references."""

    body: str
    needs: tuple[str, ...] = ()
    stdlib: tuple[str, ...] = ()  # import lines it relies on, e.g. "import asyncio"
    legacy: bool = False  # uses a legacy API (directly or through a string/comment)


@dataclass(frozen=True)
class GenModule:
    code: str
    path: str  # root-relative posix path
    legacy: bool  # False: nothing in it is legacy use, so every stage must leave it as is


def module_name_of(path: str) -> str:
    parts = path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


# ------------------------------------------------------------------ words ----
_NOUNS = ("invoice", "quota", "tenant", "report", "ticket", "budget", "cluster", "forecast",
          "ledger", "prompt", "trace", "webhook", "größe", "café", "queue", "snapshot")  # fmt: skip
_VERBS = ("load", "sync", "score", "render", "merge", "refresh", "collect", "prune", "rank")
_PHRASES = ("Analysing costs 🔍", "Größe überschritten", "処理が完了しました", "done",
            "retrying with backoff", "naïve façade — résumé", "it's \"quoted\"", "tab\there",
            "back\\slash", "{braces}", "≥ 95 % SLA", "")  # fmt: skip
_AGENTS = ("triage", "data_helper", "reporting", "supply_researcher", "optimizer")
_TOOLS = ("cost_analyzer", "log_fetcher", "sql_runner", "web_search", "kb_lookup")

idents = st.sampled_from(_NOUNS)
verbs = st.sampled_from(_VERBS)


@st.composite
def func_name(draw: st.DrawFn) -> str:
    return f"{draw(verbs)}_{draw(idents)}"


@st.composite
def class_name(draw: st.DrawFn, suffix: str = "") -> str:
    noun = draw(idents).capitalize()
    return noun + (suffix or draw(st.sampled_from(("Service", "Handler", "Store", "Policy"))))


@st.composite
def string_literal(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(_PHRASES))
    style = draw(st.integers(0, 4))
    if style == 0:
        return repr(text)
    if style == 1:  # double quotes, escaping by hand as people write them
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'
    if style == 2:
        inner = text.replace("\\", "\\\\").replace("{", "{{").replace("}", "}}").replace('"', "'")
        return f'f"{{run_id}}: {inner}"'
    if style == 3:
        return repr(text) + " " + repr("!")  # implicit concatenation
    return "'''" + text.replace("\\", "\\\\").replace("'", "\\'") + "'''"


@st.composite
def simple_value(draw: st.DrawFn) -> str:
    return draw(
        st.one_of(
            string_literal(),
            st.integers(-5, 10_000).map(str),
            st.sampled_from(("None", "True", "False", "0.5", "1_000", "run_id", "state.step",
                             "len(items)", "time.monotonic() - started", "[1, 2]", "(x for x in items)")),
        )
    )  # fmt: skip


# Keys a dict passed to an `expand`/`dispatch` parameter may have: unified keywords, unknown
# names, names that cannot be keywords at all, and a `**` spread.
_KEYS = ("query", "rows", "status", "limit", "phase", "agent_name", "tool_name", "reasoning",
         "step_number", "result", "context", "parameters", "run_id", "message", "progress")  # fmt: skip
_ODD_KEYS = ('"class"', '"tool-name"', '"1st"', '""', "1", "None", '"agent_name"', "**extra")


@st.composite
def dict_literal(draw: st.DrawFn, keys: tuple[str, ...] = ()) -> str:
    chosen = list(keys) or draw(st.lists(st.sampled_from(_KEYS), max_size=3, unique=True))
    items = [f'"{k}": {draw(simple_value())}' for k in chosen]
    if draw(st.integers(0, 5)) == 0:
        odd = draw(st.sampled_from(_ODD_KEYS))
        items.append(odd if odd.startswith("**") else f"{odd}: {draw(simple_value())}")
    if items and draw(st.booleans()):
        return "{\n" + "".join(f"    {i},\n" for i in items) + "}"
    return "{" + ", ".join(items) + "}"


# ------------------------------------------------------------- plain code ----
@st.composite
def plain_function(draw: st.DrawFn) -> Fragment:
    name = draw(func_name())
    is_async = draw(st.booleans())
    lines = [
        f"{'async ' if is_async else ''}def {name}(items: list[str], limit: int = 10) -> dict[str, int]:",
        f'    """{draw(st.sampled_from(_PHRASES)).replace(chr(92), "/").replace(chr(34), "")}."""',
        "    counts: dict[str, int] = {}",
        "    for item in items[:limit]:  # bounded on purpose",
        "        if (n := len(item)) > 3:",
        "            counts[item] = counts.get(item, 0) + n",
        "        else:",
        "            continue",
    ]
    if is_async:
        lines.append("    await asyncio.sleep(0)")
    lines.append(f"    message = {draw(string_literal())}")
    lines.append("    return counts")
    stdlib = ("import asyncio",) if is_async else ()
    return Fragment("\n".join(lines) + "\n", stdlib=stdlib)


@st.composite
def plain_class(draw: st.DrawFn) -> Fragment:
    cls = draw(class_name())
    dataclass_ = draw(st.booleans())
    lines = []
    if dataclass_:
        lines += ["@dataclass(frozen=True)", f"class {cls}:", f"    {draw(idents)}_id: str",
                  "    weight: float = 1.0", "", "    @property",
                  "    def label(self) -> str:", f"        return f\"{{self.weight:.2f}} {draw(idents)}\""]  # fmt: skip
    else:
        lines += [
            f"class {cls}(Exception if False else object):",
            "    registry: dict[str, int] = {}",
            "",
            "    def __init__(self, name: str, *, retries: int = 3) -> None:",
            "        self.name = name; self.retries = retries",
            "        self.total = 1 + \\",
            "            2",
            "",
            "    def __repr__(self) -> str:",
            "        return f'{type(self).__name__}({self.name!r})'",
        ]
    stdlib = ("from dataclasses import dataclass",) if dataclass_ else ()
    return Fragment("\n".join(lines) + "\n", stdlib=stdlib)


@st.composite
def plain_misc(draw: st.DrawFn) -> Fragment:
    kind = draw(st.integers(0, 5))
    noun = draw(idents)
    if kind == 0:
        body = (
            f"def classify_{noun}(event: object) -> str:\n"
            "    match event:\n"
            '        case {"type": str(kind), **rest} if rest:\n'
            "            return kind\n"
            "        case [first, *_]:\n"
            "            return str(first)\n"
            "        case _:\n"
            '            return "unknown"\n'
        )
    elif kind == 1:
        body = (
            f"{noun.upper() if noun.isascii() else 'LIMITS'} = {{\n"
            '    "default": 10,  # per minute\n'
            '    "burst": 50,\n'
            "}\n"
        )
    elif kind == 2:
        body = (
            f"async def stream_{noun}(source):\n"
            "    async with source.open() as handle:\n"
            "        async for chunk in handle:\n"
            "            yield chunk\n"
        )
    elif kind == 3:
        body = f"# {draw(st.sampled_from(_PHRASES))}\nlogger = logging.getLogger(__name__)\n"
        return Fragment(body, stdlib=("import logging",))
    elif kind == 4:
        body = (
            f"try:\n    import ujson as json_{noun}\nexcept ImportError:  # optional speed-up\n"
            f"    import json as json_{noun}\n"
        )
    else:
        body = (
            f"def retry_{noun}(fn, attempts=3):\n"
            "    last = None\n"
            "    while attempts:\n"
            "        try:\n"
            "            return fn()\n"
            "        except (OSError, ValueError) as exc:\n"
            "            last = exc\n"
            "            attempts -= 1\n"
            "        finally:\n"
            "            pass\n"
            "    else:\n"
            "        raise RuntimeError('gave up') from last\n"
        )
    return Fragment(body)


@st.composite
def near_miss(draw: st.DrawFn) -> Fragment:
    """Code that looks legacy-adjacent but is not legacy use: must come out unchanged."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        # A legacy method name on a receiver that no tool can type (attribute of another object).
        method = draw(st.sampled_from(("notify_tool_executing", "notify_agent_started",
                                       "emit_agent_event", "emit_thinking")))  # fmt: skip
        return Fragment(
            f"async def relay(context, run_id):\n"
            f'    await context.websocket_bridge.{method}(run_id, "agent", "tool")\n'
        )
    if kind == 1:
        return Fragment(
            "from netra_backend.app.services.agent_registry import AgentRegistry\n"
            "from netra_backend.app.schemas import AgentStatus as Status\n"
        )
    if kind == 2:
        return Fragment(
            "class EventsConfig:\n"
            '    """Settings for the websocket layer (no legacy API is used here)."""\n'
            '    channel = "agent_events"\n'
            "    def notify(self, user):\n"
            '        return {"user": user}\n'
        )
    return Fragment(
        "def payload_for(kind: str) -> dict:\n"
        '    return {"type": kind, "event": "tool_executing", "text": "notify"}\n'
    )


@st.composite
def unified_use(draw: st.DrawFn) -> Fragment:
    """Code already on the unified emitter: nothing to migrate, so nothing may change."""
    if draw(st.booleans()):
        imp, cls = "from target_emitter import UnifiedWebSocketEmitter", "UnifiedWebSocketEmitter"
    else:
        imp, cls = "import target_emitter", "target_emitter.UnifiedWebSocketEmitter"
    method, kwargs = draw(
        st.sampled_from((
            ("emit_agent_started", 'agent_name="triage", context={"source": "api"}'),
            ("emit_tool_executing", 'agent_name=self.name, tool_name="sql_runner", parameters={}'),
            ("emit_agent_thinking", 'agent_name="triage", reasoning="Größe 🔍", step_number=1'),
            ("emit_custom", 'event_type="agent_death", data={"death_cause": "oom"}'),
        ))
    )  # fmt: skip
    body = "\n".join(
        [
            f"{imp}",
            "",
            "",
            f"class {draw(class_name())}:",
            f"    def __init__(self, context, emitter: {cls} | None = None) -> None:",
            f"        self.emitter = emitter or {cls}.from_context(context)",
            '        self.name = "worker"',
            "",
            "    async def report(self) -> bool:",
            f"        return await self.emitter.{method}({kwargs})",
        ]
    )
    return Fragment(body + "\n")


plain_fragment = st.one_of(plain_function(), plain_class(), plain_misc(), unified_use())


# ------------------------------------------------------------ legacy calls ----
def _value_for(draw: st.DrawFn, param: str, mapping: Mapping_) -> str:
    if mapping.dispatch and param == mapping.dispatch.get("event_type"):
        return draw(st.sampled_from((*(f'"{e}"' for e in PLAN.events), '"custom_thing"', "kind")))
    if param == mapping.expand or (mapping.dispatch and param == mapping.dispatch.get("data")):
        return draw(st.one_of(dict_literal(), st.just("payload")))
    if param == "run_id":
        return draw(st.sampled_from(("run_id", "self.run_id", 'f"{run_id}-sub"')))
    if param in ("agent_name", "subagent_name"):
        return draw(st.sampled_from((*(f'"{a}"' for a in _AGENTS), "self.name", "agent_name")))
    if param == "tool_name":
        return draw(st.sampled_from(_TOOLS).map(lambda t: f'"{t}"'))
    if param in ("data", "parameters", "result", "context", "metadata", "progress",
                 "error_context", "death_context", "trace_context", "service_statuses"):  # fmt: skip
        return draw(st.one_of(dict_literal(), st.sampled_from(("payload", "None", "result"))))
    return draw(simple_value())


@st.composite
def call_args(draw: st.DrawFn, mapping: Mapping_) -> str:
    """Arguments for a call of a legacy method: usually binding its signature, sometimes not."""
    assert mapping.signature is not None
    params: list[Param] = list(mapping.signature.params)
    out: list[str] = []
    positional = True
    for p in params:
        if p.kind == "var_positional":
            continue
        if p.kind == "var_keyword":
            if draw(st.integers(0, 4)) == 0:
                out.append(f"extra={draw(simple_value())}")
            continue
        if not p.required and not draw(st.booleans()):
            positional = False  # a gap: later arguments must be keywords
            continue
        positional = positional and p.kind == "positional" and draw(st.integers(0, 3)) > 0
        value = _value_for(draw, p.name, mapping)
        out.append(value if positional else f"{p.name}={value}")
    broken = draw(st.integers(0, 14))
    if broken == 0:
        out.append("bogus=1")
    elif broken == 4 and not any(re.match(r"\w+=", a) for a in out):
        out.append('"one too many"')
    elif broken == 1:
        out.append("*args")
    elif broken == 2:
        out.append("**options")
    elif broken == 3 and out:
        out.pop(0)  # may drop a required argument
    if len(out) > 2 and draw(st.booleans()):
        notes = draw(st.lists(st.booleans(), min_size=len(out), max_size=len(out)))
        lines = [f"        {a},{'  # why: ' + str(i) if note else ''}\n"
                 for i, (a, note) in enumerate(zip(out, notes, strict=True))]  # fmt: skip
        return "(\n" + "".join(lines) + "    )"
    return "(" + ", ".join(out) + ")"


def _callable_methods(api: str) -> list[str]:
    return sorted(n for n, m in PLAN.apis[api].methods.items() if m.signature is not None)


@st.composite
def call_statements(draw: st.DrawFn, api: str, receiver: str, indent: str) -> list[str]:
    """1-3 statements calling `api` methods on `receiver`, in the shapes real code has."""
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        method = draw(st.sampled_from(_callable_methods(api)))
        call = f"{receiver}.{method}{draw(call_args(PLAN.apis[api].methods[method]))}"
        shape = draw(st.integers(0, 13))
        if shape == 0:
            lines.append(f"ok = await {call}")
        elif shape == 1:
            other = draw(st.sampled_from(_callable_methods(api)))
            second = f"{receiver}.{other}{draw(call_args(PLAN.apis[api].methods[other]))}"
            lines.append(f"await asyncio.gather({call}, {second})")
        elif shape == 2:
            lines.append(f"task = asyncio.create_task({call})")
        elif shape == 3:
            lines.append(f"notify = lambda: {call}  # noqa: E731")
        elif shape == 4:
            lines += [f"if not await {call}:", '    logger.warning("not delivered")']
        elif shape == 5:
            exc = draw(
                st.sampled_from(("ConnectionError", "RuntimeError", "Exception", "ValueError"))
            )
            lines += [
                "try:",
                f"    await {call}",
                f"except {exc}:",
                '    logger.exception("emit failed")',
            ]
        elif shape == 6:
            lines.append(f"pending = [{call}]")
        elif shape == 7:
            lines.append(f"step = 0; await {call}; step += 1")
        elif shape == 8:
            lines.append(f"results = [await {call} for _ in range(2)]")
        elif shape == 9:
            lines.append(f"ok = \\\n    await {call}")
        elif shape == 10:
            lines.append(f"return await {call}")
            break  # nothing after a return
        elif shape == 11 and _fits_in_fstring(call):
            quote = '"' if '"' not in call else "'"
            lines.append(f"logger.info(f{quote}sent: {{await {call}}}{quote})")
        else:
            lines.append(f"await {call}")
    return [indent + line.replace("\n", "\n" + indent) for line in lines]


def _fits_in_fstring(call: str) -> bool:
    """Python 3.11 f-string fields: no backslash, comment, newline or both quote kinds."""
    return not any(c in call for c in "\\#\n") and ('"' not in call or "'" not in call)


_STD_CALLS = ("import asyncio", "import logging", "logger = logging.getLogger(__name__)")


@st.composite
def bridge_holder(draw: st.DrawFn) -> Fragment:
    """A service class keeping a bridge in `self.bridge`, set up in __init__."""
    cls = draw(class_name())
    how = draw(st.integers(0, 4))
    param = "ctx"
    needs = [f"{BRIDGE}.AgentWebSocketBridge"]
    if how == 0:
        init = f"self.bridge = {ref(needs[0])}(ctx)"
    elif how == 1:
        needs = [f"{BRIDGE}.create_agent_websocket_bridge"]
        init = f"self.bridge = {ref(needs[0])}(user_context=ctx)"
    elif how == 2:
        param = f"bridge: {ref(needs[0])}"
        init = "self.bridge = bridge"
    elif how == 3:
        param = f"bridge: Optional[{ref(needs[0])}] = None"
        init = "self.bridge = bridge"
    else:
        param = f'bridge: "{ref(needs[0])}"'
        init = "self.bridge = bridge"
    calls = draw(call_statements("bridge", "self.bridge", "        "))
    body = "\n".join(
        [
            f"class {cls}:",
            f"    def __init__(self, {param}) -> None:",
            f"        {init}",
            "        self.name = type(self).__name__",
            "",
            "    async def handle(self, run_id: str, payload: dict, kind: str = 'x') -> None:",
            *calls,
        ]
    )
    stdlib = (*_STD_CALLS, "from typing import Optional") if how == 3 else _STD_CALLS
    return Fragment(body + "\n", tuple(needs), stdlib, legacy=True)


@st.composite
def bridge_local(draw: st.DrawFn) -> Fragment:
    """A function binding a bridge to a local from a constructor or the factory."""
    fn = draw(func_name())
    ctor = draw(st.sampled_from(("AgentWebSocketBridge", "create_agent_websocket_bridge")))
    args = draw(st.sampled_from(("(user_context)", "()", "(user_context=user_context)")))
    need = f"{BRIDGE}.{ctor}"
    calls = draw(call_statements("bridge", "bridge", "    "))
    body = "\n".join(
        [f"async def {fn}(user_context, run_id: str, payload: dict, kind: str = 'x'):",
         f"    bridge = {ref(need)}{args}", *calls]
    )  # fmt: skip
    return Fragment(body + "\n", (need,), _STD_CALLS, legacy=True)


@st.composite
def agent_subclass(draw: st.DrawFn) -> Fragment:
    """An agent deriving from BaseAgent and calling its own emit_* methods."""
    cls = draw(class_name("Agent"))
    calls = draw(call_statements("base_agent", "self", "        "))
    body = "\n".join(
        [
            f"class {cls}({ref(BASE + '.BaseAgent')}):",
            f'    """{draw(st.sampled_from(_PHRASES)).replace(chr(92), "/").replace(chr(34), "")}"""',
            "",
            "    async def execute(self, state, run_id: str, payload: dict = None, kind: str = 'x') -> None:",
            *calls,
        ]
    )
    return Fragment(body + "\n", (BASE + ".BaseAgent",), _STD_CALLS, legacy=True)


@st.composite
def old_unified_use(draw: st.DrawFn) -> Fragment:
    """The old unified emitter built by its constructor, a factory, or an annotation."""
    module = draw(st.sampled_from((UNIFIED, CORE)))
    cls = draw(st.sampled_from(("UnifiedWebSocketEmitter", "WebSocketEventEmitter",
                                "UserWebSocketEmitter", "IsolatedWebSocketEventEmitter")))  # fmt: skip
    how = draw(st.integers(0, 2))
    fn = draw(func_name())
    if how == 0:
        need = f"{module}.{cls}"
        head = f"async def {fn}(manager, user_id, context, payload, kind, run_id):"
        bind = f"    emitter = {ref(need)}(manager, user_id, context)"
    elif how == 1:
        need = f"{UNIFIED}.WebSocketEmitterFactory"
        head = f"async def {fn}(manager, user_id, context, payload, kind, run_id):"
        bind = f"    emitter = {ref(need)}.create_emitter(manager, user_id)"
    else:
        need = f"{module}.{cls}"
        head = f"async def {fn}(emitter: {ref(need)}, payload, kind, run_id):"
        bind = "    assert emitter is not None"
    calls = draw(call_statements("old_unified", "emitter", "    "))
    return Fragment("\n".join([head, bind, *calls]) + "\n", (need,), _STD_CALLS, legacy=True)


@st.composite
def transparent_use(draw: st.DrawFn) -> Fragment:
    cls = draw(st.sampled_from(("TransparentWebSocketEmitter", "TransparentWebSocketBridge")))
    need = f"{TRANSPARENT}.{cls}"
    calls = draw(call_statements("transparent", "emitter", "    "))
    body = "\n".join(
        [f"async def {draw(func_name())}(context, run_id, payload, kind):",
         f"    emitter = {ref(need)}(context)", *calls]
    )  # fmt: skip
    return Fragment(body + "\n", (need,), _STD_CALLS, legacy=True)


@st.composite
def factory_emitter_use(draw: st.DrawFn) -> Fragment:
    need = f"{FACTORY}.UserWebSocketEmitter"
    calls = draw(call_statements("factory_emitter", "emitter", "    "))
    body = "\n".join(
        [f"async def {draw(func_name())}(emitter: {ref(need)}, run_id, payload, kind):", *calls]
    )
    return Fragment(body + "\n", (need,), _STD_CALLS, legacy=True)


@st.composite
def mock_test(draw: st.DrawFn) -> Fragment:
    """A unit test with a spec'd mock, mock setup and a call assertion."""
    method = draw(st.sampled_from(_callable_methods("bridge")))
    args = draw(call_args(PLAN.apis["bridge"].methods[method]))
    assertion = draw(st.sampled_from(("assert_called_once_with", "assert_awaited_once_with",
                                      "assert_any_call")))  # fmt: skip
    need = f"{BRIDGE}.AgentWebSocketBridge"
    body = "\n".join(
        [
            f"def test_{draw(idents)}_is_announced(run_id='r1', payload=None, kind='k'):",
            f"    bridge = Mock(spec={ref(need)})",
            f"    bridge.{method} = AsyncMock(return_value=True)",
            f"    asyncio.run(bridge.{method}{args})",
            f"    bridge.{method}.{assertion}{args}",
            f"    bridge.{method}.assert_called_once()",
        ]
    )
    return Fragment(
        body + "\n",
        (need,),
        ("import asyncio", "from unittest.mock import AsyncMock, Mock"),
        legacy=True,
    )


@st.composite
def string_refs(draw: st.DrawFn) -> Fragment:
    """Dotted patch targets, method-name strings, a logger name, a commented-out import."""
    kind = draw(st.integers(0, 4))
    if kind == 0:
        target = draw(st.sampled_from((
            f"{BRIDGE}.create_agent_websocket_bridge", f"{BRIDGE}.AgentWebSocketBridge",
            f"{BRIDGE}.AgentWebSocketBridge.notify_agent_started",
            f"{UNIFIED}.WebSocketEmitterFactory.create_emitter",
        )))  # fmt: skip
        body = (
            f'@patch("{target}")\n'
            f"def test_{draw(idents)}_patched(mocked):\n"
            "    assert mocked is not None\n"
        )
        return Fragment(body, (), ("from unittest.mock import patch",), legacy=True)
    if kind == 1:
        method = draw(st.sampled_from(_callable_methods("bridge")))
        need = f"{BRIDGE}.AgentWebSocketBridge"
        body = (
            "def test_bridge_strings(ctx):\n"
            f"    bridge = {ref(need)}(ctx)\n"
            f'    with patch.object(bridge, "{method}") as fake:\n'
            f'        assert hasattr(bridge, "{method}")\n'
            f'        handler = getattr(bridge, "{method}")\n'
        )
        return Fragment(body, (need,), ("from unittest.mock import patch",), legacy=True)
    if kind == 2:
        return Fragment(
            f'legacy_log = logging.getLogger("{BRIDGE}")\n', (), ("import logging",), legacy=True
        )
    if kind == 3:
        return Fragment(
            f"# from {BRIDGE} import AgentWebSocketBridge\nREADY = True\n", (), (), legacy=True
        )
    return Fragment(
        "def test_unknown_receiver_strings(thing):\n"
        '    assert hasattr(thing, "notify_agent_started")\n'
        '    setattr(thing, "emit_agent_event", None)\n',
        legacy=True,
    )


@st.composite
def local_import_use(draw: st.DrawFn) -> Fragment:
    """The legacy import inside the function that uses it (no top-level import)."""
    how = draw(st.integers(0, 2))
    if how == 0:
        head = f"    from {BRIDGE} import create_agent_websocket_bridge as make_bridge"
        bind = "    bridge = make_bridge(ctx)"
    elif how == 1:
        head = f"    import {BRIDGE} as awb"
        bind = "    bridge = awb.AgentWebSocketBridge(ctx)"
    else:
        head = f"    from {BRIDGE} import AgentWebSocketBridge"
        bind = "    bridge: AgentWebSocketBridge = AgentWebSocketBridge(user_context=ctx)"
    calls = draw(call_statements("bridge", "bridge", "    "))
    body = "\n".join(
        [f"async def {draw(func_name())}(ctx, run_id, payload, kind):", head, bind, *calls]
    )
    return Fragment(body + "\n", (), _STD_CALLS, legacy=True)


@st.composite
def type_checking_use(draw: st.DrawFn) -> Fragment:
    """A name imported only for type checking, used in string annotations."""
    api, module, cls = draw(
        st.sampled_from((
            ("bridge", BRIDGE, "AgentWebSocketBridge"),
            ("transparent", TRANSPARENT, "TransparentWebSocketEmitter"),
            ("factory_emitter", FACTORY, "UserWebSocketEmitter"),
        ))
    )  # fmt: skip
    receiver = "bridge" if api == "bridge" else "emitter"
    calls = draw(call_statements(api, receiver, "    "))
    body = "\n".join(
        [
            "if TYPE_CHECKING:",
            f"    from {module} import {cls}",
            "",
            "",
            f'async def {draw(func_name())}({receiver}: "{cls}", run_id, payload, kind) -> None:',
            *calls,
        ]
    )
    return Fragment(body + "\n", (), (*_STD_CALLS, "from typing import TYPE_CHECKING"), legacy=True)


@st.composite
def star_import_use(draw: st.DrawFn) -> Fragment:
    calls = draw(call_statements("bridge", "bridge", "    "))
    body = "\n".join(
        [f"from {BRIDGE} import *  # noqa: F403", "", "",
         "async def relay_all(ctx, run_id, payload, kind):",
         "    bridge = AgentWebSocketBridge(ctx)  # noqa: F405", *calls]
    )  # fmt: skip
    return Fragment(body + "\n", (), _STD_CALLS, legacy=True)


legacy_fragment = st.one_of(
    bridge_holder(), bridge_local(), agent_subclass(), old_unified_use(), transparent_use(),
    factory_emitter_use(), mock_test(), string_refs(), local_import_use(), type_checking_use(),
    star_import_use(),
)  # fmt: skip


# ----------------------------------------------------------------- imports ----
_PATHS = (
    "netra_backend/app/services/ticket_service.py",
    "netra_backend/app/services/websocket/relay.py",
    "netra_backend/app/agents/triage_agent.py",
    "netra_backend/app/agents/supervisor/runner.py",
    "netra_backend/tests/unit/test_events.py",
    "tests/e2e/test_flow.py",
    "scripts/replay.py",
    "netra_backend/app/services/__init__.py",
)


def _relative(from_module: str, is_package: bool, target: str) -> str | None:
    """`from .x import` spelling of `target` seen from `from_module`, if both are in one tree."""
    here = from_module.split(".")
    if not is_package:
        here = here[:-1]
    there = target.split(".")
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    if common < 2:
        return None
    dots = "." * (len(here) - common + 1)
    return dots + ".".join(there[common:])


@dataclass
class _Spelling:
    lines: list[str]  # import statements (top-level)
    local: dict[str, str]  # dotted -> how the body spells it


@st.composite
def import_block(
    draw: st.DrawFn, needs: list[str], module_name: str, is_package: bool
) -> _Spelling:
    by_module: dict[str, list[str]] = {}
    for dotted in needs:
        mod, name = dotted.rsplit(".", 1)
        by_module.setdefault(mod, [])
        if name not in by_module[mod]:
            by_module[mod].append(name)
    lines: list[str] = []
    local: dict[str, str] = {}
    used_aliases: set[str] = set()
    for mod, names in by_module.items():
        form = draw(st.integers(0, 7))
        if form == 0:  # import M as X
            alias = "ws_" + mod.rsplit(".", 1)[-1][:8]
            lines.append(f"import {mod} as {alias}")
            local.update({f"{mod}.{n}": f"{alias}.{n}" for n in names})
            continue
        items = []
        for n in names:
            if draw(st.integers(0, 3)) == 0 and f"Legacy{n}" not in used_aliases:
                used_aliases.add(f"Legacy{n}")
                items.append(f"{n} as Legacy{n}")
                local[f"{mod}.{n}"] = f"Legacy{n}"
            else:
                local[f"{mod}.{n}"] = n
                items.append(n)
        if draw(st.integers(0, 4)) == 0:
            items.append("LEGACY_TIMEOUT")  # a name the plan does not know
        src = mod
        if form == 1:
            src = _relative(module_name, is_package, mod) or mod
        elif form == 6 and all(
            PLAN.symbols.get(f"{mod}.{n}") and PLAN.symbols[f"{mod}.{n}"].shim.endswith("." + n)
            for n in names
        ):
            # Already routed by stage 1 (a half-migrated file): import from the shim.
            shims = {PLAN.symbols[f"{mod}.{n}"].shim.rsplit(".", 1)[0] for n in names}
            if len(shims) == 1 and "LEGACY_TIMEOUT" not in items:
                src = shims.pop()
        if form == 2:  # parenthesised, one name a line, comments kept
            inner = "".join(f"    {i},  # {k}\n" for k, i in enumerate(items))
            lines.append(f"from {src} import (\n{inner})")
        elif form == 3:
            fallback = "\n".join(f"    {i.split(' as ')[-1]} = None  # type: ignore" for i in items)
            lines.append(
                f"try:\n    from {src} import {', '.join(items)}\nexcept ImportError:\n{fallback}"
            )
        elif form == 4:
            lines.append(f"from {src} import {items[0]}")
            lines += [f"from {src} import {i}" for i in items[1:]]
        else:
            lines.append(f"from {src} import {', '.join(items)}")
    return _Spelling(lines, local)


def _spell(body: str, local: dict[str, str]) -> str:
    return _MARK.sub(lambda m: local[m.group(1)], body)


# ------------------------------------------------------------------ modules ----
@st.composite
def module_text(
    draw: st.DrawFn, fragments: list[Fragment], path: str, *, header: bool = True
) -> str:
    module_name = module_name_of(path)
    is_package = path.endswith("__init__.py")
    needs = [n for f in fragments for n in f.needs]
    spelling = draw(import_block(needs, module_name, is_package))
    stdlib: list[str] = []
    for f in fragments:
        for line in f.stdlib:
            if line not in stdlib:
                stdlib.append(line)
    head: list[str] = []
    if header and draw(st.booleans()):
        head.append(f'"""{draw(st.sampled_from(("Ticket service.", "Größe ✅", "Relay.")))}"""\n')
    if header and draw(st.booleans()):
        head.append("from __future__ import annotations\n")
    imports = [s for s in stdlib if s.startswith(("import ", "from "))]
    setup = [s for s in stdlib if not s.startswith(("import ", "from "))]
    block = "\n".join(imports + spelling.lines + setup)
    parts = [*head, block + "\n" if block else ""]
    parts += ["\n\n" + _spell(f.body, spelling.local) for f in fragments]
    if is_package and needs:
        exported = sorted({spelling.local[n] for n in needs if "." not in spelling.local[n]})
        parts.append(f"\n__all__ = {exported!r}\n")
    text = "".join(parts)
    indent = draw(st.sampled_from(("    ", "    ", "  ", "\t")))
    if indent != "    ":
        text = re.sub(r"(?m)^((?:    )+)", lambda m: indent * (len(m.group(1)) // 4), text)
    if draw(st.integers(0, 4)) == 0:
        text = text.replace("\n", "\r\n")
    if draw(st.integers(0, 5)) == 0:
        text = text.rstrip("\r\n")  # no final newline
    return text


@st.composite
def plain_modules(draw: st.DrawFn, min_plain: int = 0, max_plain: int = 5) -> GenModule:
    """Modules with no legacy use at all (near misses included)."""
    frags = draw(
        st.lists(st.one_of(plain_fragment, near_miss()), min_size=min_plain, max_size=max_plain)
    )
    path = draw(st.sampled_from(_PATHS))
    return GenModule(draw(module_text(frags, path)), path, legacy=False)


@st.composite
def legacy_modules(draw: st.DrawFn, min_plain: int = 0, max_plain: int = 3) -> GenModule:
    """Modules with one or more legacy uses among plain code."""
    legacy = draw(st.lists(legacy_fragment, min_size=1, max_size=3))
    plain = draw(
        st.lists(st.one_of(plain_fragment, near_miss()), min_size=min_plain, max_size=max_plain)
    )
    frags = draw(st.permutations(legacy + plain))
    path = draw(st.sampled_from(_PATHS))
    return GenModule(draw(module_text(frags, path)), path, legacy=True)


any_module = st.one_of(plain_modules(), legacy_modules())
# Long enough (60+ lines, mostly plain) for the engine's sparse parse to take over.
long_module = st.one_of(plain_modules(6, 10), legacy_modules(6, 10))


# ---------------------------------------------------------------- splicing ----
def _first_free_index(module: cst.Module) -> int:
    """Statements may go anywhere after the `from __future__` imports."""
    last = -1
    for i, stmt in enumerate(module.body):
        if isinstance(stmt, cst.SimpleStatementLine) and any(
            isinstance(s, cst.ImportFrom) and isinstance(s.module, cst.Name)
            and s.module.value == "__future__"
            for s in stmt.body
        ):  # fmt: skip
            last = i
    return last + 1


@st.composite
def spliced(draw: st.DrawFn, programs: st.SearchStrategy[str]) -> GenModule:
    """A generated program with a legacy module's statements inserted between two of its own."""
    try:
        host = cst.parse_module(draw(programs))
    except cst.ParserSyntaxError:
        # Valid Python LibCST refuses (e.g. "\\\n" at the end): the engine reports such a
        # file as a syntax error and leaves it alone; nothing to splice into.
        assume(False)
    path = draw(st.sampled_from(_PATHS))
    frags = draw(st.lists(legacy_fragment, min_size=1, max_size=2))
    guest_text = draw(module_text(frags, path, header=False))
    guest = cst.parse_module(guest_text)
    start = _first_free_index(host)
    at = draw(st.integers(start, max(start, len(host.body))))
    body = [*host.body[:at], *guest.body, *host.body[at:]]
    return GenModule(host.with_changes(body=body).code, path, legacy=True)
