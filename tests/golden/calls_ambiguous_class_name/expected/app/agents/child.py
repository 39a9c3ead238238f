"""Which Helper? The import says agents, but the index only knows names."""

from __future__ import annotations

from app.agents.helper import Helper


class Child(Helper):
    async def run(self) -> None:
        await self.emit_progress("halfway")
