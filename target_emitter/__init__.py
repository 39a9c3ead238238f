"""The unified WebSocket event emitter every legacy emitter migrates onto."""

from target_emitter.emitter import UnifiedWebSocketEmitter
from target_emitter.events import (
    AGENT_COMPLETED,
    AGENT_ERROR,
    AGENT_STARTED,
    AGENT_THINKING,
    CRITICAL_EVENTS,
    PROGRESS,
    RESERVED_EVENTS,
    TOOL_COMPLETED,
    TOOL_EXECUTING,
    WIRE_KEYS,
    build_message,
    load_schema,
)
from target_emitter.manager import (
    Connection,
    ConnectionHandle,
    ConnectionManager,
    InMemoryConnectionRegistry,
    NotConnected,
    OutgoingMessage,
    RecordingConnection,
    RecordingManager,
    get_default_manager,
    set_default_manager,
)
from target_emitter.metrics import EmitterMetrics
from target_emitter.retry import RetryPolicy
from target_emitter.websocket import WebSocketConnection, dumps_compact

__all__ = [
    "AGENT_COMPLETED",
    "AGENT_ERROR",
    "AGENT_STARTED",
    "AGENT_THINKING",
    "CRITICAL_EVENTS",
    "PROGRESS",
    "RESERVED_EVENTS",
    "TOOL_COMPLETED",
    "TOOL_EXECUTING",
    "WIRE_KEYS",
    "Connection",
    "ConnectionHandle",
    "ConnectionManager",
    "EmitterMetrics",
    "InMemoryConnectionRegistry",
    "NotConnected",
    "OutgoingMessage",
    "RecordingConnection",
    "RecordingManager",
    "RetryPolicy",
    "UnifiedWebSocketEmitter",
    "WebSocketConnection",
    "build_message",
    "dumps_compact",
    "get_default_manager",
    "load_schema",
    "set_default_manager",
]
