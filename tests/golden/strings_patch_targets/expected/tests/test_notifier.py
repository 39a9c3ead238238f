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
        "target_emitter.UnifiedWebSocketEmitter.from_context"
    ) as factory:
        RunNotifier(CONTEXT)
    factory.assert_called_once()


@mock.patch('target_emitter.UnifiedWebSocketEmitter.from_context')
def test_pipeline_uses_the_factory(create_emitter):
    assert create_emitter is not None


def test_started_is_sent():
    with patch(
        target="target_emitter.UnifiedWebSocketEmitter.emit_agent_started"
    ):
        pass
    with mock.patch("target_emitter.UnifiedWebSocketEmitter.emit_tool_completed"):
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
