"""Per-request identity every emitter is scoped to."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import uuid4


@dataclass(frozen=True)
class UserExecutionContext:
    user_id: str
    thread_id: str
    run_id: str
    request_id: str = field(default_factory=lambda: f"req-{uuid4().hex[:12]}")
    user_tier: str = "free"
