"""Isolation, ordering and accounting when many users and coroutines emit at once."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from target_emitter import (
    InMemoryConnectionRegistry,
    RecordingConnection,
    RetryPolicy,
    UnifiedWebSocketEmitter,
)
from tests.emitter.fakes import ChaosManager, ScriptedManager


class _ShufflingConnection(RecordingConnection):
    """Yields a random number of times per send so users' deliveries interleave."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.rng = rng

    async def send(self, message: dict[str, Any]) -> None:
        for _ in range(self.rng.randrange(3)):
            await asyncio.sleep(0)
        await super().send(message)


def test_200_users_by_50_concurrent_events_lose_nothing_and_never_cross_users() -> None:
    users = [f"user-{n}" for n in range(200)]
    registry = InMemoryConnectionRegistry()
    rng = random.Random(2024)
    inboxes = {user: _ShufflingConnection(rng) for user in users}
    for user, inbox in inboxes.items():
        registry.connect(user, inbox)

    async def user_run(user: str) -> list[bool]:
        emitter = UnifiedWebSocketEmitter(registry, user, run_id=f"run-{user}")
        # All 50 emits start at once; call order is the order gather starts them.
        return await asyncio.gather(
            *(emitter.emit_custom("step", {"i": i, "owner": user}) for i in range(50))
        )

    async def run() -> list[list[bool]]:
        outcomes = await asyncio.gather(*(user_run(user) for user in users))
        await registry.flush()
        return outcomes

    outcomes = asyncio.run(run())

    assert all(all(per_user) for per_user in outcomes)
    for user, inbox in inboxes.items():
        messages = list(inbox.messages)
        assert {m["user_id"] for m in messages} == {user}
        assert {m["payload"]["owner"] for m in messages} == {user}
        assert [m["payload"]["i"] for m in messages] == list(range(50))
        assert [m["seq"] for m in messages] == list(range(1, 51))


def test_under_chaos_every_event_is_delivered_once_in_order_or_counted_failed() -> None:
    users = [f"user-{n}" for n in range(1000)]
    manager = ChaosManager(seed=7)
    policy = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.004, attempt_timeout=0.02)
    emitters = {user: UnifiedWebSocketEmitter(manager, user, retry=policy) for user in users}
    events_per_user = 6

    async def user_run(user: str) -> list[bool]:
        emitter = emitters[user]
        return await asyncio.gather(
            *(emitter.emit_custom("step", {"i": i}) for i in range(events_per_user))
        )

    async def run() -> dict[str, list[bool]]:
        results = await asyncio.gather(*(user_run(user) for user in users))
        return dict(zip(users, results, strict=True))

    outcomes = asyncio.run(run())

    assert manager.misrouted == 0
    assert set(manager.delivered) <= set(users)
    sent = failed = retried = 0
    for user in users:
        delivered = manager.delivered.get(user, [])
        ids = [m["payload"]["i"] for m in delivered]
        seqs = [m["seq"] for m in delivered]
        # Exactly once and in call order: delivered ids are precisely the ones reported True.
        assert ids == [i for i, ok in enumerate(outcomes[user]) if ok]
        assert seqs == sorted(set(seqs))
        snapshot = emitters[user].metrics.snapshot()["totals"]
        assert snapshot["sent"] == len(ids)
        assert snapshot["failed"] == outcomes[user].count(False)
        assert snapshot["cancelled"] == 0
        sent += snapshot["sent"]
        failed += snapshot["failed"]
        retried += snapshot["retried"]
    assert sent + failed == len(users) * events_per_user
    # Every transient failure was retried except the last one of each exhausted event.
    exhausted = failed - manager.fatal
    assert retried == manager.transient - exhausted
    # The chaos really happened (guards against a manager that quietly stopped failing).
    assert manager.fatal > 10 and manager.transient > 300 and exhausted > 0


class _GatedManager:
    """Records attempts; each send waits a little so emits pile up behind the lock."""

    def __init__(self) -> None:
        self.attempted: list[int] = []
        self.delivered: list[dict[str, Any]] = []

    async def send_to_user(self, user_id: str, message: dict[str, Any]) -> bool:
        self.attempted.append(message["seq"])
        await asyncio.sleep(0.0005)
        self.delivered.append(message)
        return True


def test_cancelled_emitters_never_leave_the_emitter_stuck_or_out_of_order() -> None:
    manager = _GatedManager()
    emitter = UnifiedWebSocketEmitter(manager, "u1")
    rng = random.Random(11)

    async def run() -> tuple[list[asyncio.Task[bool]], set[int]]:
        tasks = [asyncio.create_task(emitter.emit_custom("step", {"i": i})) for i in range(120)]
        victims = set(rng.sample(range(120), 40))
        for i in sorted(victims, key=lambda _: rng.random()):
            # Random moments: some victims still queue for the lock, some are mid-send.
            await asyncio.sleep(rng.choice([0, 0, 0.0002, 0.001]))
            tasks[i].cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        # Not stuck: a fresh emit completes (the timeout only guards against a hang).
        assert await asyncio.wait_for(emitter.emit_custom("after", {}), timeout=5)
        return tasks, victims

    tasks, victims = asyncio.run(run())

    cancelled = [i for i, task in enumerate(tasks) if task.cancelled()]
    completed = [i for i, task in enumerate(tasks) if not task.cancelled()]
    assert set(cancelled) <= victims and len(cancelled) > 10
    assert all(tasks[i].result() is True for i in completed)
    delivered_ids = [m["payload"]["i"] for m in manager.delivered if m["type"] == "step"]
    # Every completed emit was delivered, in call order; cancelled ones were not.
    assert [i for i in delivered_ids if i in completed] == completed
    assert delivered_ids == sorted(delivered_ids)
    seqs = [m["seq"] for m in manager.delivered]
    assert seqs == sorted(seqs)
    # A seq is only used by an event that reached the manager: no phantom gaps.
    assert sorted(manager.attempted) == list(range(1, len(manager.attempted) + 1))
    lost_in_flight = set(manager.attempted) - set(seqs)
    assert len(lost_in_flight) <= len(cancelled)
    assert emitter.metrics.snapshot()["totals"]["cancelled"] == len(cancelled)


def test_a_waiter_cancelled_right_after_being_woken_passes_the_turn_on() -> None:
    class OneGate:
        def __init__(self) -> None:
            self.open = asyncio.Event()
            self.delivered: list[dict[str, Any]] = []

        async def send_to_user(self, user_id: str, message: dict[str, Any]) -> None:
            if message["payload"]["i"] == "a":
                await self.open.wait()
            self.delivered.append(message)

    async def run() -> tuple[OneGate, UnifiedWebSocketEmitter, asyncio.Task[bool]]:
        manager = OneGate()
        emitter = UnifiedWebSocketEmitter(manager, "u1")
        first = asyncio.create_task(emitter.emit_custom("step", {"i": "a"}))
        await asyncio.sleep(0)  # first holds the lock, blocked in send
        second = asyncio.create_task(emitter.emit_custom("step", {"i": "b"}))
        third = asyncio.create_task(emitter.emit_custom("step", {"i": "c"}))
        await asyncio.sleep(0)  # both queue for the lock
        manager.open.set()
        await asyncio.sleep(0)  # first finishes and hands the lock to second...
        second.cancel()  # ...which is cancelled before it gets to run
        assert await asyncio.wait_for(third, timeout=5) is True
        assert await first is True
        return manager, emitter, second

    manager, emitter, second = asyncio.run(run())
    assert second.cancelled()
    assert [(m["payload"]["i"], m["seq"]) for m in manager.delivered] == [("a", 1), ("c", 2)]
    assert emitter.metrics.snapshot()["totals"]["cancelled"] == 1


def test_cancelling_during_backoff_releases_the_turn() -> None:
    manager = ScriptedManager([False])  # the first attempt fails, later ones succeed
    policy = RetryPolicy(max_attempts=10, base_delay=10, max_delay=10)
    emitter = UnifiedWebSocketEmitter(manager, "u1", retry=policy)

    async def run() -> tuple[asyncio.Task[bool], bool]:
        stuck = asyncio.create_task(emitter.emit_progress(progress=1))
        waiting = asyncio.create_task(emitter.emit_progress(progress=2))
        await asyncio.sleep(0.01)  # stuck sits in its 10 s backoff; waiting is queued
        stuck.cancel()
        return stuck, await asyncio.wait_for(waiting, timeout=5)

    stuck, delivered = asyncio.run(run())
    assert stuck.cancelled() and delivered is True
    assert [(m["payload"]["progress"], m["seq"]) for _, m in manager.delivered] == [(2, 2)]
    totals = emitter.metrics.snapshot()["totals"]
    assert (totals["sent"], totals["retried"], totals["cancelled"]) == (1, 1, 1)
