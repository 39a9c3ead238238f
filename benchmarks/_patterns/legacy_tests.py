"""Test code that uses the legacy emitters: dotted patch targets, mocks with specs, setUp."""

# Generated-code templates: their long lines are deliberate, as in the real tests.
# ruff: noqa: E501

from __future__ import annotations

from .legacy import BASE, BRIDGE, FACTORY, UNIFIED, Need, Snippet
from .words import Names, camel, fill


def dotted_patch_test(n: Names) -> Snippet:
    cls, agent = n.cls(), n.agent()
    body = fill(
        """@patch("netra_backend.app.services.agent_websocket_bridge.create_agent_websocket_bridge")
def test_${noun}_service_creates_a_bridge(factory: Mock) -> None:
    factory.return_value = Mock(spec=AgentWebSocketBridge)
    $cls(ctx=Mock(), tools=Mock())
    factory.assert_called_once()


def test_${noun}_agent_thinks_before_acting() -> None:
    target = "netra_backend.app.agents.base_agent.BaseAgent.emit_thinking"
    with mock.patch(target, new_callable=AsyncMock) as thinking:
        asyncio.run(${agentcls}(llm_manager=Mock(), tool_dispatcher=AsyncMock()).execute(Mock(), "run-$num"))
    thinking.assert_awaited()
""",
        noun=n.noun(),
        cls=cls,
        agentcls=camel(agent) + "Agent",
        num=n.number(),
    )
    return Snippet(
        body,
        (Need(BRIDGE, "AgentWebSocketBridge"),),
        (
            f"from netra_backend.app.services.{n.noun()}_service import {cls}",
            f"from netra_backend.app.agents.{agent}.agent import {camel(agent)}Agent",
        ),
    )


def patch_object_test(n: Names) -> Snippet:
    body = fill(
        """def test_${noun}_events_go_through_emit_agent_event() -> None:
    bridge = create_agent_websocket_bridge()
    with patch.object(bridge, "emit_agent_event", new=AsyncMock(return_value=True)) as emit:
        asyncio.run(bridge.emit_agent_event("agent_started", {"agent_name": "$agent"}))
    emit.assert_awaited_once()
    assert hasattr(bridge, "notify_agent_started")
    assert callable(getattr(bridge, "notify_tool_executing"))
""",
        noun=n.noun(),
        agent=n.agent(),
    )
    return Snippet(body, (Need(BRIDGE, "create_agent_websocket_bridge"),))


def mock_spec_test(n: Names) -> Snippet:
    cls, agent, num = n.cls(), n.agent(), n.number()
    body = fill(
        """def test_${noun}_start_is_reported() -> None:
    bridge = Mock(spec=AgentWebSocketBridge)
    bridge.notify_agent_started = AsyncMock(return_value=True)
    bridge.notify_tool_executing = AsyncMock(return_value=True)
    service = $cls(bridge)
    assert asyncio.run(service.start("run-$num", "$agent")) is True
    bridge.notify_agent_started.assert_called_once_with("run-$num", "$agent", context=None)
    bridge.notify_tool_executing.assert_not_called()
""",
        noun=n.noun(),
        cls=cls,
        agent=agent,
        num=num,
    )
    return Snippet(
        body,
        (Need(BRIDGE, "AgentWebSocketBridge"),),
        (f"from netra_backend.app.services.{n.noun()}_lifecycle import {cls}",),
    )


def setup_method_test(n: Names) -> Snippet:
    body = fill(
        """class Test${cls}Events(unittest.TestCase):
    def setUp(self) -> None:
        self.manager = AsyncMock()
        self.emitter = UnifiedWebSocketEmitter(self.manager, "user-$num")

    def test_started_event_reaches_the_manager(self) -> None:
        asyncio.run(self.emitter.notify_agent_started("$agent", metadata={"step": 1}))
        self.manager.emit_critical_event.assert_awaited()

    def test_thinking_carries_the_thought(self) -> None:
        asyncio.run(self.emitter.emit_agent_thinking({"thought": "$phrase"}))
        kwargs = self.manager.emit_critical_event.await_args.kwargs
        self.assertEqual(kwargs["data"]["thought"], "$phrase")
""",
        cls=camel(n.noun()),
        num=n.number(),
        agent=n.agent(),
        phrase=n.phrase(),
    )
    return Snippet(body, (Need(UNIFIED, "UnifiedWebSocketEmitter"),), ("import unittest",))


def unannotated_fixture_test(n: Names) -> Snippet:
    body = fill(
        """@pytest.fixture
def bridge():
    return create_agent_websocket_bridge()


def test_${noun}_tool_events_are_delivered(bridge) -> None:
    async def scenario() -> None:
        await bridge.notify_tool_executing("run-$num", "$agent", "$tool", {"q": "$noun"})
        await bridge.notify_tool_completed("run-$num", "$agent", "$tool", result={"n": 1})

    asyncio.run(scenario())
""",
        noun=n.noun(),
        num=n.number(),
        agent=n.agent(),
        tool=n.tool(),
    )
    return Snippet(body, (Need(BRIDGE, "create_agent_websocket_bridge"),))


def factory_emitter_test(n: Names) -> Snippet:
    body = fill(
        """def test_${noun}_emitter_raises_when_the_bridge_fails() -> None:
    bridge = AsyncMock()
    bridge.notify_agent_started.return_value = False
    emitter = UserWebSocketEmitter("user-$num", "thread-$num", "run-$num", bridge)
    with pytest.raises(ConnectionError):
        asyncio.run(emitter.notify_agent_started("$agent"))
    bridge.notify_agent_started.assert_awaited_once_with("run-$num", "$agent", context=None)
""",
        noun=n.noun(),
        num=n.number(),
        agent=n.agent(),
    )
    return Snippet(body, (Need(FACTORY, "UserWebSocketEmitter"),))


def fake_agent_test(n: Names) -> Snippet:
    body = fill(
        """class _Fake${cls}Agent(BaseAgent):
    async def execute(self, state: Any, run_id: str, stream_updates: bool = False) -> None:
        await self.emit_thinking("$phrase")
        await self.emit_agent_completed({"ok": True})


def test_fake_${noun}_agent_reports_completion() -> None:
    agent = _Fake${cls}Agent(llm_manager=Mock(), name="fake_$noun")
    agent.emit_thinking = AsyncMock()
    agent.set_websocket_bridge(Mock(spec=AgentWebSocketBridge), "run-$num")
    asyncio.run(agent.execute(Mock(), "run-$num"))
    agent.emit_thinking.assert_awaited_once_with("$phrase")
""",
        cls=camel(n.noun()),
        noun=n.noun(),
        phrase=n.phrase(),
        num=n.number(),
    )
    return Snippet(body, (Need(BASE, "BaseAgent"), Need(BRIDGE, "AgentWebSocketBridge")))


def module_alias_inside_test(n: Names) -> Snippet:
    body = fill(
        """def test_${noun}_bridge_factory_is_synchronous() -> None:
    import netra_backend.app.services.agent_websocket_bridge as awb

    bridge = awb.create_agent_websocket_bridge(None)
    assert isinstance(bridge, awb.AgentWebSocketBridge)
""",
        noun=n.noun(),
    )
    return Snippet(body)
