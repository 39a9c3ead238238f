"""In-memory connection manager that records what each user received, whatever the wire shape."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EventRecord:
    user_id: str
    event_type: str
    agent_name: str | None = None
    tool_name: str | None = None
    run_id: str | None = None


def _first(key: str, *sources: dict[str, Any]) -> Any:
    for source in sources:
        if source.get(key) is not None:
            return source[key]
    return None


class RecordingManager:
    """Speaks every manager dialect the emitters use, so tests assert on one record shape."""

    def __init__(self) -> None:
        self.records: list[EventRecord] = []
        self.misrouted: list[tuple[str, dict[str, Any]]] = []
        self._thread_owners: dict[str, str] = {}

    def connect(self, user_id: str, thread_id: str) -> None:
        self._thread_owners[thread_id] = user_id

    def events_for(self, user_id: str) -> list[EventRecord]:
        return [record for record in self.records if record.user_id == user_id]

    def types_for(self, user_id: str) -> list[str]:
        return [record.event_type for record in self.events_for(user_id)]

    async def send_to_user(self, user_id: str, message: dict[str, Any]) -> bool:
        # Unified messages nest details under "payload"; transparency messages are flat.
        if message.get("user_id", user_id) != user_id:
            self.misrouted.append((user_id, message))
        await self._record(user_id, message["type"], message.get("payload") or {}, message)
        return True

    async def send_to_thread(self, thread_id: str, message: dict[str, Any]) -> bool:
        user_id = self._thread_owners.get(thread_id)
        if user_id is None:
            return False
        await self._record(user_id, message["type"], message.get("payload") or {}, message)
        return True

    async def emit_critical_event(
        self, user_id: str, event_type: str, data: dict[str, Any]
    ) -> None:
        await self._record(user_id, event_type, data)

    async def _record(self, user_id: str, event_type: str, *sources: dict[str, Any]) -> None:
        # Yield like a real socket write, so concurrent users actually interleave.
        await asyncio.sleep(0)
        self.records.append(
            EventRecord(
                user_id=user_id,
                event_type=event_type,
                agent_name=_first("agent_name", *sources),
                tool_name=_first("tool_name", *sources),
                run_id=_first("run_id", *sources),
            )
        )
