"""The suite's default plan is tests/plans/shim_routing.toml: the import-routing, calls,
strings and cleanup codemods it drives are what most tests exercise. Tests of the
shipped plan load migration_plans/emitter_consolidation.toml by path (FLAGSHIP)."""

from __future__ import annotations

import os
from pathlib import Path

from codemods.plan import ENV_PLAN, bundled_plan_path

SHIM_ROUTING = Path(__file__).parent / "plans" / "shim_routing.toml"
FLAGSHIP = bundled_plan_path()

# Set at import, before any test module loads a plan at its own import time; child
# processes (CLI tests, workers) inherit it.
os.environ[ENV_PLAN] = str(SHIM_ROUTING)
