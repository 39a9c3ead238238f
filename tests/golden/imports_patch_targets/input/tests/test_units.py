"""The factory is patched where run_notifier looks it up at call time."""

from unittest import mock
from unittest.mock import patch

from app.run_notifier import RunNotifier


def test_run_notifier_builds_its_bridge_from_the_user_context():
    with patch(
        "netra_backend.app.services.agent_websocket_bridge.create_agent_websocket_bridge"
    ) as factory:
        notifier = RunNotifier(object())
    assert notifier.bridge is factory.return_value


@mock.patch("netra_backend.app.websocket_core.UserWebSocketEmitter.notify_agent_started")
def test_started(started):
    assert started is not None
