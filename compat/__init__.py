"""The deprecation of the legacy emitter APIs while an application migrates.

Stage `deprecate` decorates each legacy class and factory where it is defined
(``compat.deprecation``). Every legacy call then warns with
``EmitterMigrationWarning`` at the caller and is counted. The switch is
``EMITTER_MIGRATE_COMPAT=warn|error|silent`` or ``set_mode``/``mode``.
Importing this package is cheap: the plan is read when a legacy class is
decorated.
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
