"""Hand a conversation from one agent to another."""

from __future__ import annotations

try:
    from compat.agent_instance_factory import UserWebSocketEmitter
except ImportError:  # deployments that predate the supervisor package
    from netra_backend.app.agents.agent_instance_factory import UserWebSocketEmitter


def build(user_id, thread_id, run_id, bridge):
    return UserWebSocketEmitter(user_id, thread_id, run_id, bridge)
