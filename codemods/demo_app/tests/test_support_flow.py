"""End to end: requests flow from agents to the right user's screen."""

from __future__ import annotations

import asyncio

import pytest

from netra_backend.app.services.agent_websocket_bridge import create_agent_websocket_bridge
from support_desk import app
from support_desk.agents.billing import BillingAgent
from support_desk.agents.triage import TriageAgent

LIFECYCLE = [
    "agent_started",
    "agent_thinking",
    "tool_executing",
    "tool_completed",
    "agent_completed",
]


def run_triage(context, question):
    agent = TriageAgent()
    agent.set_websocket_bridge(create_agent_websocket_bridge(context), context.run_id)
    return agent.execute(question)


def test_support_request_emits_each_lifecycle_event_once_in_order(manager):
    manager.connect("alice", "thread-a")
    result = asyncio.run(app.handle_support_request("alice", "thread-a", "Reset my password"))

    assert result["sources"] == ["password"]
    events = manager.events_for("alice")
    assert [event.event_type for event in events] == LIFECYCLE
    assert {event.agent_name for event in events} == {"triage"}
    assert [event.tool_name for event in events if event.tool_name] == ["search", "search"]
    assert manager.records == events


def test_concurrent_users_only_see_their_own_events(manager, connect_user):
    alice, bob = connect_user("alice"), connect_user("bob")

    async def both() -> None:
        await asyncio.gather(
            run_triage(alice, "Where is my invoice?"), run_triage(bob, "Export my data")
        )

    asyncio.run(both())

    for context in (alice, bob):
        events = manager.events_for(context.user_id)
        assert [event.event_type for event in events] == LIFECYCLE
        assert {event.run_id for event in events} == {context.run_id}
    assert len(manager.records) == 2 * len(LIFECYCLE)
    assert manager.misrouted == []


def test_empty_question_reports_an_error_instead_of_searching(manager, connect_user):
    carol = connect_user("carol")
    result = asyncio.run(run_triage(carol, "   "))

    assert result["answer"] is None
    assert manager.types_for("carol") == ["agent_started", "agent_error"]


def test_billing_agent_brackets_its_parallel_updates(manager, connect_user):
    dave = connect_user("dave")
    agent = BillingAgent()
    agent.set_websocket_bridge(create_agent_websocket_bridge(dave), dave.run_id)

    result = asyncio.run(agent.execute("INV-2"))

    assert result["status"] == "overdue"
    types = manager.types_for("dave")
    assert len(types) == 4
    assert (types[0], types[-1]) == ("agent_started", "agent_completed")
    assert "agent_thinking" in types[1:3]
    assert {event.agent_name for event in manager.events_for("dave")} == {"billing"}


@pytest.mark.usefixtures("manager")  # resets the process-wide manager afterwards
def test_wiring_runs_a_request_and_prints_its_events(capsys):
    app.main()

    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": ")[1].split(" ")[0] for line in lines[:5]] == LIFECYCLE
    assert "Forgot password" in lines[5]
