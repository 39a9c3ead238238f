"""Tests that patch the emitters by their dotted paths."""

from __future__ import annotations

import logging
from unittest import mock
from unittest.mock import patch

from support.run_notifier import RunNotifier

CONTEXT = object()
LOG = logging.getLogger("netra_backend.app.services.agent_websocket_bridge")


def test_notifier_builds_its_emitter_from_the_context():
    with patch(
        "netra_backend.app.services.agent_websocket_bridge.create_agent_websocket_bridge"
    ) as factory:
        RunNotifier(CONTEXT)
    factory.assert_called_once()


@mock.patch('compat.unified_emitter.WebSocketEmitterFactory.create_emitter')
def test_pipeline_uses_the_factory(create_emitter):
    assert create_emitter is not None


def test_started_is_sent():
    with patch(
        target="netra_backend.app.services.agent_websocket_bridge.AgentWebSocketBridge.notify_agent_started"
    ):
        pass
    with mock.patch("netra_backend.app.websocket_core.unified_emitter.UnifiedWebSocketEmitter.notify_tool_completed"):
        pass


def test_things_the_tool_leaves_to_a_human():
    with patch("netra_backend.app.services.agent_websocket_bridge.AgentWebSocketBridge"):
        pass
    with patch("netra_backend.app.websocket_core.get_websocket_manager"):
        pass
    with patch("support.run_notifier.create_agent_websocket_bridge"):
        pass
    with patch("os.getcwd"):
        pass
