"""Managers that misbehave on purpose, for the delivery and concurrency tests."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

Message = dict[str, Any]


class ScriptedManager:
    """Plays one scripted outcome per call, then accepts.

    Outcomes: ``"ok"`` (accept, returns None), ``True``/``False``/any value
    (returned), an exception instance (raised), ``"stall"`` (never answers).
    """

    def __init__(self, outcomes: Iterable[Any] = ()) -> None:
        self.outcomes = list(outcomes)
        self.calls: list[tuple[str, Message]] = []
        self.delivered: list[tuple[str, Message]] = []

    async def send_to_user(self, user_id: str, message: Message) -> Any:
        self.calls.append((user_id, message))
        outcome = self.outcomes.pop(0) if self.outcomes else "ok"
        if outcome == "stall":
            await asyncio.Event().wait()
        if isinstance(outcome, BaseException):
            raise outcome
        if outcome == "ok":
            self.delivered.append((user_id, message))
            return None
        if outcome:
            self.delivered.append((user_id, message))
        return outcome


class ChaosManager:
    """Fails, raises, stalls and delays at random, per user from its own seeded stream.

    Only a call that returns True has recorded the message, and it records
    after its last await, so a timed-out or cancelled call delivered nothing.
    ``transient`` counts False answers, transient raises and calls cut off by a timeout.
    """

    def __init__(
        self,
        seed: int,
        *,
        p_false: float = 0.05,
        p_transient: float = 0.05,
        p_fatal: float = 0.01,
        p_stall: float = 0.01,
        p_delay: float = 0.3,
        max_delay: float = 0.002,
    ) -> None:
        self.seed = seed
        self.p = (p_false, p_transient, p_fatal, p_stall, p_delay)
        self.max_delay = max_delay
        self._rngs: dict[str, random.Random] = {}
        self.delivered: defaultdict[str, list[Message]] = defaultdict(list)
        self.misrouted = 0
        self.transient = 0
        self.fatal = 0

    def _rng(self, user_id: str) -> random.Random:
        rng = self._rngs.get(user_id)
        if rng is None:
            rng = self._rngs[user_id] = random.Random(f"{self.seed}:{user_id}")
        return rng

    async def send_to_user(self, user_id: str, message: Message) -> bool:
        p_false, p_transient, p_fatal, p_stall, p_delay = self.p
        rng = self._rng(user_id)
        roll = rng.random()
        if roll < p_false:
            self.transient += 1
            return False
        roll -= p_false
        if roll < p_transient:
            self.transient += 1
            raise ConnectionResetError("chaos: connection reset")
        roll -= p_transient
        if roll < p_fatal:
            self.fatal += 1
            raise RuntimeError("chaos: manager bug")
        roll -= p_fatal
        try:
            if roll < p_stall:
                await asyncio.sleep(3600)
            if rng.random() < p_delay:
                await asyncio.sleep(rng.random() * self.max_delay)
            else:
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            # The emitter's attempt_timeout gave up on this call: a transient failure.
            self.transient += 1
            raise
        if message["user_id"] != user_id:
            self.misrouted += 1
        self.delivered[user_id].append(message)
        return True
