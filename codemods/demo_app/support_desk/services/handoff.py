"""Hand a conversation from one agent to another, telling the user why."""

from __future__ import annotations

from netra_backend.app.services.agent_websocket_bridge import create_agent_websocket_bridge
from netra_backend.app.services.user_execution_context import UserExecutionContext

try:
    from netra_backend.app.agents.supervisor.agent_instance_factory import UserWebSocketEmitter
except ImportError:  # deployments that predate the supervisor package
    from netra_backend.app.agents.agent_instance_factory import UserWebSocketEmitter


async def hand_off(context: UserExecutionContext, from_agent: str, to_agent: str) -> bool:
    bridge = create_agent_websocket_bridge(context)
    emitter = UserWebSocketEmitter(context.user_id, context.thread_id, context.run_id, bridge)
    return await emitter.notify_agent_thinking(from_agent, f"Handing over to {to_agent}")
