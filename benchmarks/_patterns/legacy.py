"""Code that uses the five legacy emitters, in the shapes listed in legacy-emitters.md.

Each snippet is a top-level statement group plus what it needs imported. Bodies spell the
legacy classes by their canonical names; `imports.render` may alias them and rewrites the
bodies to match.
"""

# Generated-code templates: their long lines are deliberate, as in the real call sites.
# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .words import SERVICE_NAMES, Names, camel, fill

UNIFIED = "netra_backend.app.websocket_core.unified_emitter"
CORE = "netra_backend.app.websocket_core"
BRIDGE = "netra_backend.app.services.agent_websocket_bridge"
BASE = "netra_backend.app.agents.base_agent"
TRANSPARENT = "netra_backend.app.services.websocket.transparent_websocket_events"
FACTORY = "netra_backend.app.agents.supervisor.agent_instance_factory"

# The names a byte prefilter looks for; plain files must contain none of them.
LEGACY_NAMES = (
    "UnifiedWebSocketEmitter", "WebSocketEventEmitter", "UserWebSocketEmitter",
    "IsolatedWebSocketEventEmitter", "WebSocketEmitterFactory", "WebSocketEmitterPool",
    "AgentWebSocketBridge", "create_agent_websocket_bridge", "BaseAgent",
    "TransparentWebSocketEmitter", "TransparentWebSocketBridge", "AgentInstanceFactory",
    "agent_websocket_bridge", "unified_emitter", "transparent_websocket_events",
    "agent_instance_factory", "base_agent", "emit_agent_event", "notify_agent_started",
    "notify_tool_executing", "emit_thinking",
)  # fmt: skip


@dataclass(frozen=True)
class Need:
    """One legacy name a snippet uses; `type_only` when it appears only in annotations."""

    module: str
    name: str
    type_only: bool = False


@dataclass(frozen=True)
class Snippet:
    body: str
    needs: tuple[Need, ...] = ()
    # Non-legacy imports the body relies on (project modules, stdlib).
    extra_imports: tuple[str, ...] = ()


SnippetMaker = Callable[[Names], Snippet]


def _thinking(n: Names, step: int, indent: str) -> str:
    form = n.rng.randrange(3)
    if form == 0:
        return f'{indent}await self.emit_thinking("{n.phrase()}", step_number={step})'
    if form == 1:
        return f'{indent}await self.emit_thinking(f"Schritt {{{step}}}: {n.phrase()} 🔍")'
    return f'{indent}await self.emit_thinking(thought="{n.phrase()}", context={{"phase": "plan"}})'


def _tool_block(n: Names, indent: str) -> list[str]:
    tool = n.tool()
    start = n.pick(("emit_tool_executing", "emit_tool_executing", "emit_tool_started"))
    params = f'{{"query": state.user_request, "limit": {n.number(5, 200)}}}'
    if n.rng.random() < 0.5:
        params = f"parameters={params}"
    return [
        f'{indent}await self.{start}("{tool}", {params})',
        f'{indent}result = await self.tool_dispatcher.dispatch("{tool}", query=state.user_request)',
        f'{indent}await self.emit_tool_completed("{tool}", {{"rows": len(result), "status": "ok"}})',
    ]


def agent_execute(n: Names) -> Snippet:
    cls = camel(n.agent()) + n.pick(("Agent", "SubAgent", "Worker"))
    lines = [
        f"class {cls}(BaseAgent):",
        f'    """{n.sentence()}."""',
        "",
        "    def __init__(self, llm_manager: LLMManager, tool_dispatcher: ToolDispatcher) -> None:",
        f'        super().__init__(llm_manager=llm_manager, name="{cls}", description="{n.phrase()}")',
        "        self.tool_dispatcher = tool_dispatcher",
        "",
        "    async def execute(",
        "        self, state: DeepAgentState, run_id: str, stream_updates: bool = False",
        "    ) -> None:",
        "        result: Any = None",
        n.pick(
            (
                "        await self.emit_agent_started()",
                f'        await self.emit_agent_started("{n.phrase()}")',
                f'        await self.emit_agent_started(message=f"{{self.name}} — {n.phrase()}")',
            )
        ),
    ]
    lines += [_thinking(n, step, "        ") for step in range(1, n.rng.randint(2, 4))]
    lines.append("        try:")
    for _ in range(n.rng.randint(1, 3)):
        lines += _tool_block(n, "            ")
    lines.append(
        f'            await self.emit_progress(f"{{len(result)}} {n.noun()}s ✅", '
        f"is_complete={n.rng.random() < 0.3})"
    )
    if n.rng.random() < 0.5:
        sub = n.agent()
        lines += [
            f'            await self.emit_subagent_started("{sub}", subagent_id=f"{{run_id}}-sub")',
            f'            await self.emit_subagent_completed("{sub}", result={{"ok": True}}, '
            f"duration_ms={n.number(5, 5000)})",
        ]
    lines += [
        "        except Exception as exc:",
        "            await self.emit_error(str(exc), error_type=type(exc).__name__)",
        "            raise",
        '        await self.emit_agent_completed({"result": result, "run_id": run_id})',
    ]
    return Snippet(
        "\n".join(lines) + "\n",
        (Need(BASE, "BaseAgent"),),
        (
            "from netra_backend.app.agents.state import DeepAgentState",
            "from netra_backend.app.agents.tool_dispatcher import ToolDispatcher",
            "from netra_backend.app.llm.llm_manager import LLMManager",
        ),
    )


def agent_concurrent(n: Names) -> Snippet:
    body = fill(
        '''class $cls(BaseAgent):
    """Fans out to sub-agents; its updates are not awaited where they are made."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending: list[asyncio.Task[None]] = []

    async def fan_out(self, items: list[str]) -> None:
        await asyncio.gather(
            self.emit_thinking(f"Prüfe {len(items)} Einträge 🔎"),
            self.emit_progress("$phrase"),
        )
        task = asyncio.create_task(self.emit_tool_started("$tool", {"count": len(items)}))
        self._pending.append(task)
        report = lambda text: self.emit_thinking(text, step_number=$step)  # noqa: E731
        await report("$phrase2")
        updates = [self.emit_subagent_started(name) for name in items]
        await asyncio.gather(*updates)
        return await self.emit_agent_completed(result={"items": items})
''',
        cls=camel(n.agent()) + "Coordinator",
        phrase=n.phrase(),
        phrase2=n.phrase(),
        tool=n.tool(),
        step=n.number(1, 9),
    )
    return Snippet(body, (Need(BASE, "BaseAgent"),))


def agent_override(n: Names) -> Snippet:
    body = fill(
        '''class $cls(BaseAgent):
    """Keeps a transcript of its own thoughts for the audit log."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._thoughts: list[str] = []

    async def emit_thinking(
        self, thought: str, step_number: int | None = None, context: dict | None = None
    ) -> None:
        self._thoughts.append(thought)
        await super().emit_thinking(thought, step_number=step_number, context=context)

    async def emit_agent_completed(self, result: Any = None, context: dict | None = None) -> None:
        summary = {"result": result, "thoughts": len(self._thoughts), "note": "$phrase"}
        await super().emit_agent_completed(summary, context)
''',
        cls=camel(n.agent()) + "AuditedAgent",
        phrase=n.phrase(),
    )
    return Snippet(body, (Need(BASE, "BaseAgent"),))


def agent_wiring(n: Names) -> Snippet:
    agent = n.agent()
    body = fill(
        """async def run_${agent}(user_context: UserExecutionContext, state: DeepAgentState) -> None:
    bridge = create_agent_websocket_bridge(user_context)
    agent = ${cls}(llm_manager=get_llm_manager(), tool_dispatcher=ToolDispatcher())
    agent.set_websocket_bridge(bridge, user_context.run_id)
    started = await bridge.notify_agent_started(
        user_context.run_id, agent.name, context={"source": "$source"}
    )
    if not started:
        logger.warning("agent_started for %s was not delivered", user_context.run_id)
    await agent.execute(state, user_context.run_id)
""",
        agent=agent,
        cls=camel(agent) + "Agent",
        source=n.pick(("api", "scheduler", "retry", "slack")),
    )
    return Snippet(
        body,
        (Need(BRIDGE, "create_agent_websocket_bridge"),),
        (
            f"from netra_backend.app.agents.{agent}.agent import {camel(agent)}Agent",
            "from netra_backend.app.agents.state import DeepAgentState",
            "from netra_backend.app.agents.tool_dispatcher import ToolDispatcher",
            "from netra_backend.app.llm.llm_manager import get_llm_manager",
            "from netra_backend.app.services.user_execution_context import UserExecutionContext",
        ),
    )


def bridge_holder(n: Names) -> Snippet:
    mismatched = ""
    if n.rng.random() < 0.25:
        # Does not bind to the bridge's signature (reasoning is missing): a real bug to report.
        mismatched = '        await self.bridge.notify_agent_thinking(run_id, "planning")\n'
    body = fill(
        '''class $cls:
    """Runs tools for one user and reports each step through the bridge."""

    def __init__(self, ctx: UserExecutionContext, tools: ToolRegistry) -> None:
        self.bridge = create_agent_websocket_bridge(ctx)
        self._tools = tools

    async def run_tool(
        self, run_id: str, agent_name: str, tool_name: str, params: dict[str, Any]
    ) -> Any:
$mismatched        await self.bridge.notify_tool_executing(run_id, agent_name, tool_name, params)
        started = time.monotonic()
        result = await self._tools.execute(tool_name, **params)
        elapsed = (time.monotonic() - started) * 1000
        delivered = await self.bridge.notify_tool_completed(
            run_id, agent_name, tool_name, result, elapsed
        )
        if not delivered:
            logger.warning("tool_completed for %s was not delivered ($phrase)", run_id)
        return result

    async def finish(self, run_id: str, agent_name: str, result: Any) -> bool:
        return await self.bridge.notify_agent_completed(
            run_id, agent_name, result=result, execution_time_ms=$ms
        )
''',
        cls=n.cls(),
        mismatched=mismatched,
        phrase=n.phrase(),
        ms=n.number(1, 9000),
    )
    return Snippet(
        body,
        (Need(BRIDGE, "create_agent_websocket_bridge"),),
        ("from netra_backend.app.tools.registry import ToolRegistry",),
    )


def annotated_param(n: Names) -> Snippet:
    body = fill(
        '''class $cls:
    """Reports the lifecycle of a run; the bridge is injected."""

    def __init__(self, bridge: AgentWebSocketBridge, *, retries: int = $retries) -> None:
        self._bridge = bridge
        self._retries = retries

    async def start(self, run_id: str, agent_name: str, context: dict | None = None) -> bool:
        return await self._bridge.notify_agent_started(run_id, agent_name, context=context)

    async def think(self, run_id: str, agent_name: str, step: int) -> None:
        await self._bridge.notify_agent_thinking(
            run_id, agent_name, "$phrase", step_number=step, progress_percentage=$pct
        )

    async def fail(self, run_id: str, agent_name: str, exc: Exception) -> None:
        await self._bridge.notify_agent_error(
            run_id, agent_name, str(exc), error_context={"retries": self._retries}
        )
        if isinstance(exc, TimeoutError):
            await self._bridge.notify_agent_death(
                run_id, agent_name, "timeout", death_context={"after_s": $secs}
            )

    async def custom(self, run_id: str, agent_name: str, data: dict[str, Any]) -> None:
        await self._bridge.notify_custom(run_id, agent_name, "$event", data)
''',
        cls=n.cls(),
        retries=n.number(1, 5),
        phrase=n.phrase(),
        pct=n.number(1, 99),
        secs=n.number(10, 600),
        event=n.noun() + "_estimate",
    )
    return Snippet(body, (Need(BRIDGE, "AgentWebSocketBridge", type_only=True),))


def typed_helper(n: Names) -> Snippet:
    body = fill(
        """async def report_${noun}_progress(
    bridge: AgentWebSocketBridge, run_id: str, agent_name: str, done: int, total: int
) -> bool:
    percentage = round(100 * done / max(total, 1))
    payload = {"percentage": percentage, "message": f"{done}/{total} $noun ✅"}
    return await bridge.notify_progress_update(run_id, agent_name, payload)
""",
        noun=n.noun(),
    )
    return Snippet(body, (Need(BRIDGE, "AgentWebSocketBridge", type_only=True),))


def old_unified(n: Names) -> Snippet:
    module, name = n.rng.choice(
        (
            (UNIFIED, "UnifiedWebSocketEmitter"),
            (CORE, "UnifiedWebSocketEmitter"),
            (CORE, "WebSocketEventEmitter"),
            (UNIFIED, "WebSocketEventEmitter"),
            (CORE, "IsolatedWebSocketEventEmitter"),
            (CORE, "UserWebSocketEmitter"),
        )
    )
    agent, tool = n.agent(), n.tool()
    body = fill(
        """async def announce_${noun}_run(
    manager: WebSocketManager, user_id: str, context: UserExecutionContext
) -> None:
    emitter = $name(manager, user_id, context)
    await emitter.emit_agent_started({"agent_name": "$agent", "run_id": context.run_id})
    await emitter.emit_agent_thinking({"thought": "$phrase", "step": 1})
    await emitter.notify_tool_executing("$tool", metadata={"source": "$noun"})
    await emitter.notify_tool_completed("$tool", metadata={"rows": $rows})
    await emitter.notify_agent_completed("$agent", result={"ok": True}, execution_time_ms=$ms)
    await emitter.emit("${noun}_ready", {"value": $rows, "label": "$intl"})
""",
        noun=n.noun(),
        name=name,
        agent=agent,
        tool=tool,
        phrase=n.phrase(),
        rows=n.number(),
        ms=n.number(1, 9000),
        intl=n.pick(("Fertig ✅", "Prêt", "準備完了", "Готово")),
    )
    return Snippet(
        body,
        (Need(module, name),),
        ("from netra_backend.app.websocket_core.manager import WebSocketManager",),
    )


def factory_and_pool(n: Names) -> Snippet:
    body = fill(
        '''class $cls:
    """Hands out per-user emitters; pooled ones are reused across requests."""

    def __init__(self, manager: WebSocketManager) -> None:
        self._manager = manager
        self._pool = WebSocketEmitterPool(manager)

    async def for_user(self, user_id: str, ctx: UserExecutionContext | None = None) -> Any:
        if ctx is None:
            return WebSocketEmitterFactory.create_emitter(self._manager, user_id)
        return WebSocketEmitterFactory.create_emitter(self._manager, user_id, context=ctx)

    async def warn_quota(self, ctx: UserExecutionContext, used: float) -> None:
        scoped = WebSocketEmitterFactory.create_scoped_emitter(self._manager, ctx)
        await scoped.notify_custom("quota_warning", {"used": used, "limit": $limit})
        pooled = await self._pool.acquire(ctx.user_id, ctx)
        await pooled.notify_progress_update(used, message="$phrase")
        await pooled.notify_agent_error(RuntimeError("$phrase2"), run_id=ctx.run_id)
''',
        cls=n.cls(),
        limit=n.number(100, 10_000),
        phrase=n.phrase(),
        phrase2=n.phrase(),
    )
    return Snippet(
        body,
        (Need(UNIFIED, "WebSocketEmitterFactory"), Need(UNIFIED, "WebSocketEmitterPool")),
        ("from netra_backend.app.websocket_core.manager import WebSocketManager",),
    )


def transparent(n: Names) -> Snippet:
    service = n.pick(SERVICE_NAMES)
    body = fill(
        """async def warm_up_${service}(context: RequestContext, *, degraded: bool = False) -> None:
    emitter = TransparentWebSocketEmitter(context)
    await emitter.emit_service_initializing(
        "$service", initialization_steps=["connect", "migrate", "warm cache"], estimated_time_seconds=$secs
    )
    if degraded:
        await emitter.emit_service_degraded(
            "$service", "$phrase", fallback_options=["cache"], performance_impact="slower replies"
        )
        await emitter.emit_system_status("degraded", {"$service": "degraded"}, True, degraded_services=["$service"])
    else:
        await emitter.emit_service_ready("$service", initialization_time_ms=$ms, service_metadata={"region": "$region"})
    await emitter.emit_user_queue_position($pos, estimated_wait_time_seconds=$wait, queue_type="priority")
    bridge = TransparentWebSocketBridge(context)
    await bridge.emit_agent_started("$agent", agent_description="$intl")
    await bridge.emit_tool_completed("$tool", {"rows": $pos})
""",
        service=service,
        secs=n.number(1, 30),
        phrase=n.phrase(),
        ms=n.number(10, 5000),
        region=n.pick(("us-east-1", "eu-west-1", "ap-south-1")),
        pos=n.number(1, 50),
        wait=n.ratio() * 100,
        agent=n.agent(),
        intl=n.pick(("Analysiert Kosten", "Analyse des coûts 💶", "コスト分析")),
        tool=n.tool(),
    )
    needs = [Need(TRANSPARENT, "TransparentWebSocketEmitter")]
    needs.append(Need(TRANSPARENT, "TransparentWebSocketBridge"))
    return Snippet(
        body,
        tuple(needs),
        ("from netra_backend.app.services.request_context import RequestContext",),
    )


def factory_emitter(n: Names) -> Snippet:
    body = fill(
        '''class $cls:
    """Runs one agent for one user with a per-user emitter from the instance factory."""

    def __init__(self, factory: AgentInstanceFactory, bridge: Any) -> None:
        self._factory = factory
        self._bridge = bridge

    async def run(self, user_id: str, thread_id: str, run_id: str, agent_name: str) -> bool:
        emitter = self._factory._create_emitter(user_id, thread_id, run_id)
        try:
            await emitter.notify_agent_started(agent_name, context={"thread_id": thread_id})
            await emitter.notify_tool_executing(agent_name, "$tool", parameters={"q": "$phrase"})
            await emitter.notify_agent_thinking(agent_name, "$phrase2", step_number=$step)
        except ConnectionError:
            logger.warning("client for %s went away", user_id)
            return False
        direct = UserWebSocketEmitter(user_id, thread_id, run_id, self._bridge)
        await direct.notify_tool_completed(agent_name, "$tool", result={"n": $num}, execution_time_ms=$ms)
        await direct.notify_agent_completed(agent_name, result={"n": $num})
        return await direct.notify_agent_error(agent_name, "$phrase3")
''',
        cls=n.cls(),
        tool=n.tool(),
        phrase=n.phrase(),
        phrase2=n.phrase(),
        phrase3=n.phrase(),
        step=n.number(1, 9),
        num=n.number(),
        ms=n.number(1, 5000),
    )
    return Snippet(
        body,
        (
            Need(FACTORY, "AgentInstanceFactory", type_only=True),
            Need(FACTORY, "UserWebSocketEmitter"),
        ),
    )


def generic_events(n: Names) -> Snippet:
    body = fill(
        '''class $cls:
    """Forwards raw agent events; some event types are only known at run time."""

    COMPLETED_EVENT = "tool_completed"

    def __init__(self, user_context: UserExecutionContext) -> None:
        self.bridge = AgentWebSocketBridge(user_context)

    async def started(self, run_id: str, agent_name: str) -> None:
        await self.bridge.emit_agent_event(
            "agent_started", {"agent_name": agent_name, "message": "$phrase"}, run_id=run_id
        )

    async def forward(self, event_type: str, payload: dict[str, Any], run_id: str, agent_name: str) -> bool:
        return await self.bridge.emit_agent_event(event_type, payload, run_id=run_id, agent_name=agent_name)

    async def tool_done(self, tool: str, payload: dict[str, Any], run_id: str, agent_name: str) -> None:
        await self.bridge.emit_agent_event(self.COMPLETED_EVENT, {**payload, "tool_name": tool}, run_id, agent_name)
''',
        cls=n.cls(),
        phrase=n.phrase(),
    )
    return Snippet(body, (Need(BRIDGE, "AgentWebSocketBridge"),))


def user_emitters(n: Names) -> Snippet:
    body = fill(
        """async def open_${noun}_emitters(
    user_context: UserExecutionContext, user_id: str, thread_id: str, run_id: str
) -> list[Any]:
    bridge = AgentWebSocketBridge(user_context)
    emitter = await bridge.create_user_emitter(user_context)
    other = await bridge.create_user_emitter_from_ids(
        user_id, thread_id, run_id, websocket_connection_id=f"conn-{run_id}"
    )
    await emitter.notify_agent_started("$agent", metadata={"origin": "$noun"})
    await other.notify_agent_thinking(agent_name="$agent", reasoning="$phrase", step_number=1)
    return [emitter, other]
""",
        noun=n.noun(),
        agent=n.agent(),
        phrase=n.phrase(),
    )
    return Snippet(body, (Need(BRIDGE, "AgentWebSocketBridge"),))


# --- secondary snippets: added next to a primary one, never alone -----------------------


def unclear_receivers(n: Names) -> Snippet:
    body = fill(
        """async def relay_${noun}(context: Any, run_id: str, agent_name: str) -> None:
    # Receivers here are only known at run time.
    await context.websocket_bridge.notify_agent_started(run_id, agent_name)
    await context.websocket_bridge.notify_agent_thinking(run_id, agent_name, "$phrase")
    emitters = context.emitters
    await emitters[context.user_id].notify_tool_executing(run_id, agent_name, "$tool", {"n": $num})
    handler = getattr(context.websocket_bridge, "notify_agent_completed")
    pending = [handler(run_id, agent_name, result=None), context.websocket_bridge.notify_custom(
        run_id, agent_name, "${noun}_seen", {"n": $num}
    )]
    await asyncio.gather(*pending)
""",
        noun=n.noun(),
        phrase=n.phrase(),
        tool=n.tool(),
        num=n.number(),
    )
    return Snippet(body)


def lazy_import(n: Names) -> Snippet:
    body = fill(
        """def _default_${noun}_bridge(ctx: Any) -> Any:
    # Imported lazily: the bridge module pulls in the whole websocket stack.
    from netra_backend.app.services.agent_websocket_bridge import create_agent_websocket_bridge

    return create_agent_websocket_bridge(ctx)
""",
        noun=n.noun(),
    )
    return Snippet(body)


def logger_name(n: Names) -> Snippet:
    body = fill(
        """_bridge_log = logging.getLogger("netra_backend.app.services.agent_websocket_bridge")
_${noun}_log = logging.getLogger("netra_backend.app.websocket_core.unified_emitter")
""",
        noun=n.noun(),
    )
    return Snippet(body)
