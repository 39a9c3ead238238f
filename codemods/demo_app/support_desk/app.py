"""Wiring: install the connection manager and run a support request end to end."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import uuid4

from netra_backend.app.services.agent_websocket_bridge import create_agent_websocket_bridge
from netra_backend.app.services.user_execution_context import UserExecutionContext
from netra_backend.app.websocket_core import set_websocket_manager
from support_desk.agents.triage import TriageAgent
from support_desk.recording_manager import RecordingManager


def build_manager() -> RecordingManager:
    manager = RecordingManager()
    set_websocket_manager(manager)
    return manager


async def handle_support_request(user_id: str, thread_id: str, question: str) -> dict[str, Any]:
    context = UserExecutionContext(
        user_id=user_id, thread_id=thread_id, run_id=f"run-{uuid4().hex[:8]}"
    )
    bridge = create_agent_websocket_bridge(context)
    agent = TriageAgent()
    agent.set_websocket_bridge(bridge, context.run_id)
    return await agent.execute(question)


def main() -> None:
    manager = build_manager()
    manager.connect("alice", "thread-1")
    result = asyncio.run(handle_support_request("alice", "thread-1", "I forgot my password"))
    for record in manager.records:
        print(f"{record.user_id}: {record.event_type} ({record.agent_name}, {record.tool_name})")
    print(result["answer"])


if __name__ == "__main__":
    main()
