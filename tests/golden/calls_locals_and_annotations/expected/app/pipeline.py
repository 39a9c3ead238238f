"""Per-user pipeline step that publishes search results (post stage 1)."""

from __future__ import annotations

from typing import Any

from target_emitter import UnifiedWebSocketEmitter


async def publish(manager: Any, user_id: str, context: Any, hits: list[str]) -> None:
    emitter = UnifiedWebSocketEmitter.from_context(
        manager=manager,
        user_id=user_id,
        context=context,
    )
    await emitter.emit_tool_completed(tool_name="search", result={"hits": len(hits)})
    await emitter.emit_agent_completed(agent_name="triage", result={"sources": hits})

    status = UnifiedWebSocketEmitter.from_context(context=context)
    await status.emit_custom(
        event_type="service_ready",
        data={"service_name": "search", "initialization_time_ms": 12.0, "service_metadata": None},
    )

    bridge = UnifiedWebSocketEmitter.from_context(context=context)
    await bridge.emit_progress(
        run_id=context.run_id,
        agent_name="triage",
        progress={"done": len(hits)},
    )
