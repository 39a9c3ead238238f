"""Shared fixtures; living at the root also puts the root on sys.path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from uuid import uuid4

import pytest

from netra_backend.app.services.user_execution_context import UserExecutionContext
from netra_backend.app.websocket_core import set_websocket_manager
from support_desk.recording_manager import RecordingManager


@pytest.fixture
def manager() -> Iterator[RecordingManager]:
    recording = RecordingManager()
    set_websocket_manager(recording)
    yield recording
    set_websocket_manager(None)


@pytest.fixture
def connect_user(manager: RecordingManager) -> Callable[[str], UserExecutionContext]:
    """A connected user with a fresh thread and run."""

    def connect(user_id: str) -> UserExecutionContext:
        suffix = uuid4().hex[:6]
        context = UserExecutionContext(
            user_id=user_id, thread_id=f"thread-{suffix}", run_id=f"run-{suffix}"
        )
        manager.connect(user_id, context.thread_id)
        return context

    return connect
