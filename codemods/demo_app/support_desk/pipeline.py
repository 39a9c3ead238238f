"""Per-user pipeline step that publishes search results to the user's screen."""

from __future__ import annotations

from typing import Any

from netra_backend.app.services.user_execution_context import UserExecutionContext
from netra_backend.app.websocket_core import WebSocketEventEmitter


async def publish_search_results(
    manager: Any, user_id: str, context: UserExecutionContext, hits: list[str]
) -> None:
    emitter = WebSocketEventEmitter(manager, user_id, context)
    await emitter.notify_tool_completed("search", metadata={"hits": len(hits)})
    await emitter.emit_agent_completed({"agent_name": "triage", "result": {"sources": hits}})
