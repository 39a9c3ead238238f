"""Billing agent: looks up an invoice's status."""

from __future__ import annotations

import asyncio
from typing import Any

from netra_backend.app.agents.base_agent import BaseAgent

INVOICES = {"INV-1": "paid", "INV-2": "overdue"}


class BillingAgent(BaseAgent):
    def __init__(self) -> None:
        super().__init__(name="billing", description="Answers invoice questions")

    async def execute(self, invoice_id: str) -> dict[str, Any]:
        await self.emit_agent_started()
        await asyncio.gather(
            self.emit_thinking(f"Checking invoice {invoice_id}", step_number=1),
            self.emit_progress(f"Looking up {invoice_id}"),
        )
        result = {"invoice_id": invoice_id, "status": INVOICES.get(invoice_id, "unknown")}
        await self.emit_agent_completed(result)
        return result
