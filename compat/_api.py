"""The public names of the deprecation runtime, for `compat` and `emitter_migrate.compat`."""

from ._plan import use_plan
from ._warnings import (
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
