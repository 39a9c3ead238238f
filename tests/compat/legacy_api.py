"""A small legacy library, written here, decorated as stage `deprecate` leaves the real one:
the classes and factories keep their own code; only the deprecation is added."""

from __future__ import annotations

import asyncio
from typing import Any

from compat.deprecation import legacy_api, legacy_callable


@legacy_api("bridge")
class AgentWebSocketBridge:
    def __init__(self, user_context: Any = None) -> None:
        self.user_context = user_context

    async def notify_agent_started(self, run_id, agent_name, context=None, trace_context=None):
        return True

    async def notify_agent_completed(
        self, run_id, agent_name, result=None, execution_time_ms=None, trace_context=None
    ):
        return True

    async def notify_tool_executing(self, run_id, agent_name, tool_name, parameters=None):
        return True

    def create_user_emitter_from_ids(self, user_id, thread_id, run_id):
        return (user_id, thread_id, run_id)


@legacy_callable("netra_backend.app.services.agent_websocket_bridge.create_agent_websocket_bridge")
def create_agent_websocket_bridge(user_context: Any = None) -> AgentWebSocketBridge:
    return AgentWebSocketBridge(user_context)


@legacy_callable("netra_backend.app.websocket_core.set_websocket_manager")
def set_websocket_manager(manager: Any) -> None:
    return None


@legacy_api("old_unified")
class UnifiedWebSocketEmitter:
    def __init__(self, manager: Any, user_id: str, context: Any = None) -> None:
        self.manager, self.user_id = manager, user_id

    async def emit_agent_started(self, data):
        return None

    async def notify_custom(self, event_type, data):
        return None


@legacy_api("transparent")
class TransparentWebSocketEmitter:
    def __init__(self, context: Any) -> None:
        self.context = context

    async def emit_tool_completed(self, tool_name, result):
        return None


@legacy_api("base_agent")
class BaseAgent:
    def __init__(self, name: str | None = None) -> None:
        self.name = name or type(self).__name__

    async def emit_agent_started(self, message=None):
        return None

    async def emit_thinking(self, thought, step_number=None, context=None):
        return None

    async def emit_progress(self, content, is_complete=False):
        return None

    async def emit_tool_executing(self, tool_name, parameters=None):
        await asyncio.sleep(0)

    async def emit_tool_started(self, tool_name, parameters=None):
        # The legacy implementation calling itself: reported once, at the caller.
        return await self.emit_tool_executing(tool_name, parameters)


@legacy_api("factory_emitter")
class UserWebSocketEmitter:
    def __init__(self, user_id, thread_id, run_id, websocket_bridge) -> None:
        self.bridge = websocket_bridge

    async def notify_agent_error(self, agent_name, error, error_context=None):
        return True
