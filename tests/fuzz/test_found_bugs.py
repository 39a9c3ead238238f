"""Minimal reproductions of what the fuzzers found, kept until each is fixed.

Each is marked xfail(strict=True): when the owner fixes the bug the test passes, strict
xfail turns that into a failure, and the marker should then be removed.
"""

from __future__ import annotations

import pytest

from tests.fuzz.harness import STAGES, check_stages

_PATH = "netra_backend/app/agents/reporting_agent.py"


@pytest.mark.parametrize("stages", [["call-sites"], STAGES], ids=["call-sites", "all"])
def test_call_rewritten_inside_a_double_quoted_f_string_still_compiles(stages: list[str]) -> None:
    code = (
        "from netra_backend.app.agents.base_agent import BaseAgent\n"
        "\n"
        "\n"
        "class ReportingAgent(BaseAgent):\n"
        "    async def run(self):\n"
        "        print(f\"{await self.emit_progress('done')}\")\n"
    )
    check_stages(code, _PATH, stages, legacy=True)
