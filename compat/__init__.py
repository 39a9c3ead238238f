"""Deprecation shims that keep the five legacy emitter APIs working on the unified emitter.

One module per legacy API (``compat.unified_emitter``, ``compat.agent_websocket_bridge``,
``compat.base_agent``, ``compat.transparent_websocket_events``,
``compat.agent_instance_factory``). Every legacy call warns with
``EmitterMigrationWarning`` at the caller's line and is counted; the switch is
``EMITTER_MIGRATE_COMPAT=warn|error|silent`` or ``set_mode``/``mode``.
Importing this package is cheap: the plan is read on the first legacy call.
"""

from compat._plan import use_plan
from compat._warnings import (
    ENV_MODE,
    ENV_USAGE,
    MODES,
    EmitterMigrationWarning,
    dump_usage,
    get_mode,
    mode,
    reset_usage,
    set_mode,
    usage_snapshot,
)

__all__ = [
    "ENV_MODE",
    "ENV_USAGE",
    "MODES",
    "EmitterMigrationWarning",
    "dump_usage",
    "get_mode",
    "mode",
    "reset_usage",
    "set_mode",
    "usage_snapshot",
    "use_plan",
]
