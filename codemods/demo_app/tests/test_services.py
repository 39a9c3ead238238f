"""Services deliver their events to the user they serve."""

from __future__ import annotations

import asyncio

from netra_backend.app.services.agent_websocket_bridge import create_agent_websocket_bridge
from support_desk.digest import send_daily_digest
from support_desk.dynamic_events import announce_hook, forward_event, make_hook_context
from support_desk.pipeline import publish_search_results
from support_desk.services.escalation import EscalationService, record_escalation
from support_desk.services.handoff import hand_off
from support_desk.services.run_notifier import RunNotifier
from support_desk.services.status import ServiceStatusReporter


def test_run_notifier_reports_a_background_run(manager, connect_user):
    erin = connect_user("erin")
    notifier = RunNotifier(erin)

    async def job() -> list[bool]:
        return [
            await notifier.started(erin.run_id, "exporter"),
            await notifier.reviewing_history(erin.run_id, "exporter"),
            await notifier.running_tool(erin.run_id, "exporter", "export", {"format": "csv"}),
            await notifier.finished(erin.run_id, "exporter", {"rows": 3}, 41.5),
        ]

    assert all(asyncio.run(job()))
    events = manager.events_for("erin")
    assert [event.event_type for event in events] == [
        "agent_started",
        "agent_thinking",
        "tool_executing",
        "agent_completed",
    ]
    assert {event.agent_name for event in events} == {"exporter"}
    assert events[2].tool_name == "export"


def test_status_reporter_announces_service_health(manager, connect_user):
    frank = connect_user("frank")
    asyncio.run(ServiceStatusReporter(frank).report(search_index_ready=False))

    assert manager.types_for("frank") == ["agent_started", "service_ready", "service_degraded"]
    assert manager.events_for("frank")[0].agent_name == "status"
    assert manager.misrouted == []


def test_status_reporter_skips_degradation_when_search_is_ready(manager, connect_user):
    grace = connect_user("grace")
    asyncio.run(ServiceStatusReporter(grace).report(search_index_ready=True))

    assert manager.types_for("grace") == ["agent_started", "service_ready"]


def test_pipeline_publishes_search_results_then_completion(manager, connect_user):
    heidi = connect_user("heidi")
    asyncio.run(publish_search_results(manager, "heidi", heidi, ["invoice"]))

    events = manager.events_for("heidi")
    assert [event.event_type for event in events] == ["tool_completed", "agent_completed"]
    assert events[0].tool_name == "search"
    assert events[1].agent_name == "triage"


def test_digest_is_bracketed_by_started_and_completed(manager, connect_user):
    ivan = connect_user("ivan")
    count = asyncio.run(send_daily_digest(ivan, ["T-1", "T-2"]))

    assert count == 2
    events = manager.events_for("ivan")
    assert [event.event_type for event in events] == ["agent_started", "agent_completed"]
    assert {event.agent_name for event in events} == {"digest"}


def test_handoff_explains_itself_to_the_user(manager, connect_user):
    judy = connect_user("judy")
    delivered = asyncio.run(hand_off(judy, "triage", "billing"))

    assert delivered is True
    assert [(e.event_type, e.agent_name) for e in manager.events_for("judy")] == [
        ("agent_thinking", "triage")
    ]


def test_escalation_announces_the_specialist_to_the_user(manager, connect_user):
    kim = connect_user("kim")
    bridge = create_agent_websocket_bridge(kim)

    async def escalate() -> str:
        await EscalationService(bridge).escalate(kim.run_id)
        return await record_escalation(kim.run_id, "refund over limit", bridge)

    assert asyncio.run(escalate()) == f"ESC-{kim.run_id}"
    events = manager.events_for("kim")
    assert [event.event_type for event in events] == ["agent_started", "tool_executing"]
    assert events[1].tool_name == "create_ticket"


def test_runtime_dispatched_hooks_still_deliver(manager, connect_user):
    leo = connect_user("leo")
    hooks = make_hook_context(leo)

    async def fire() -> list[bool]:
        return [
            await announce_hook(hooks, "hooks"),
            await forward_event(
                hooks.websocket_bridge, "agent_thinking", {"reasoning": "hmm"}, leo.run_id
            ),
        ]

    assert asyncio.run(fire()) == [True, True]
    assert manager.types_for("leo") == ["agent_started", "agent_thinking"]
    assert {event.run_id for event in manager.events_for("leo")} == {leo.run_id}
