"""The recording manager reduces every wire shape to the same record."""

from __future__ import annotations

import asyncio

from support_desk.recording_manager import EventRecord, RecordingManager

EXPECTED = EventRecord(
    "ann", "tool_completed", agent_name="triage", tool_name="search", run_id="r1"
)


def test_unified_messages_are_recorded_from_their_payload():
    manager = RecordingManager()
    message = {
        "type": "tool_completed",
        "user_id": "ann",
        "thread_id": "t1",
        "run_id": "r1",
        "agent_name": "triage",
        "seq": 1,
        "timestamp": "2026-01-01T00:00:00.000000+00:00",
        "payload": {"tool_name": "search", "result": {"hits": []}},
    }
    asyncio.run(manager.send_to_user("ann", message))

    assert manager.records == [EXPECTED]
    assert manager.misrouted == []


def test_thread_messages_are_attributed_to_the_threads_user():
    manager = RecordingManager()
    manager.connect("ann", "t1")
    message = {
        "type": "tool_completed",
        "run_id": "r1",
        "agent_name": "triage",
        "timestamp": 0.0,
        "payload": {"tool_name": "search"},
    }

    assert asyncio.run(manager.send_to_thread("t1", message)) is True
    assert asyncio.run(manager.send_to_thread("t-unknown", message)) is False
    assert manager.records == [EXPECTED]


def test_critical_events_are_recorded_from_their_data():
    manager = RecordingManager()
    data = {"agent_name": "triage", "tool_name": "search", "run_id": "r1"}
    asyncio.run(manager.emit_critical_event(user_id="ann", event_type="tool_completed", data=data))

    assert manager.records == [EXPECTED]


def test_a_message_addressed_to_another_user_is_flagged_as_misrouted():
    manager = RecordingManager()
    asyncio.run(manager.send_to_user("ann", {"type": "agent_started", "user_id": "bob"}))

    assert [user for user, _ in manager.misrouted] == ["ann"]
