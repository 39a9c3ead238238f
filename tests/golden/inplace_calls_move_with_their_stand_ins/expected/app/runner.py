from typing import TYPE_CHECKING

from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge

if TYPE_CHECKING:
    from netra_backend.app.agents.supervisor.agent_instance_factory import UserWebSocketEmitter


async def run(bridge: AgentWebSocketBridge, run_id: str) -> bool:
    # The positions that a hand migration once swapped.
    started = await bridge.emit_agent_started(
        run_id=run_id,
        agent_name="triage",
        context={"step": 1},
    )
    await bridge.notify_tool_executing(run_id, "triage", "search")
    await bridge.emit_agent_event("custom", {"x": 1}, run_id)
    return started and await bridge.emit_agent_completed(
        run_id=run_id,
        agent_name="triage",
        result={"ok": True},
    )


async def fail(emitter: "UserWebSocketEmitter") -> str:
    try:
        await emitter.emit_agent_error(agent_name="triage", error="boom")
    except ConnectionError:
        return "caught"
    return "sent"


def make() -> AgentWebSocketBridge:
    return AgentWebSocketBridge()
