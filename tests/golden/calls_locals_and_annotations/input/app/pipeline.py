"""Per-user pipeline step that publishes search results (post stage 1)."""

from __future__ import annotations

from typing import Any

from compat.agent_websocket_bridge import create_agent_websocket_bridge
from compat.transparent_websocket_events import TransparentWebSocketEmitter as StatusEmitter
from compat.unified_emitter import WebSocketEmitterFactory


async def publish(manager: Any, user_id: str, context: Any, hits: list[str]) -> None:
    emitter = WebSocketEmitterFactory.create_emitter(manager, user_id, context)
    await emitter.notify_tool_completed("search", metadata={"hits": len(hits)})
    await emitter.emit_agent_completed({"agent_name": "triage", "result": {"sources": hits}})

    status = StatusEmitter(context)
    await status.emit_service_ready("search", initialization_time_ms=12.0)

    bridge = create_agent_websocket_bridge(context)
    await bridge.notify_progress_update(context.run_id, "triage", {"done": len(hits)})
