"""Recorded calls and untyped mocks: left for a person (post stage 1)."""

from __future__ import annotations

import asyncio
from unittest.mock import AsyncMock, Mock, call

from compat.agent_websocket_bridge import AgentWebSocketBridge


def test_progress_is_recorded_in_order(service):
    bridge = Mock(spec=AgentWebSocketBridge)
    bridge.notify_progress_update = AsyncMock()
    asyncio.run(service(bridge).progress("run-1"))

    assert bridge.notify_progress_update.call_args_list == [call("run-1", "svc", {"done": 1})]


def test_untyped_helper(notifier):
    notifier.helper.notify_agent_started = AsyncMock()
