"""Unit tests of the services against mocked emitters, half way through the migration."""

from __future__ import annotations

from unittest.mock import AsyncMock, Mock, patch

from compat.agent_websocket_bridge import AgentWebSocketBridge, create_agent_websocket_bridge
from compat.transparent_websocket_events import TransparentWebSocketEmitter
from target_emitter import UnifiedWebSocketEmitter

CONTEXT = object()


def test_bridges_from_the_factory_can_announce_runs():
    bridge = create_agent_websocket_bridge(CONTEXT)

    assert hasattr(bridge, "notify_agent_started")


def test_migrated_emitters_can_announce_runs():
    emitter = UnifiedWebSocketEmitter.from_context(CONTEXT)

    assert hasattr(emitter, "notify_agent_started")
    assert callable(getattr(emitter, 'emit_thinking'))


class TestStatus:
    def setUp(self):
        self.status = TransparentWebSocketEmitter(CONTEXT)
        self.bridge: AgentWebSocketBridge = Mock(spec=AgentWebSocketBridge)

    def test_status_events(self):
        with patch.object(self.status, "emit_service_ready", AsyncMock()):
            pass
        with patch.object(self.bridge, "notify_tool_executing", new=AsyncMock()):
            pass
        with patch.object(self.bridge, "emit_agent_event"):
            pass


def test_fixture_bridge(bridge_fixture):
    assert hasattr(bridge_fixture, "notify_tool_completed")


def test_class_level_patch():
    with patch.object(AgentWebSocketBridge, "notify_agent_started"):
        pass
