"""The deprecation of the legacy emitter APIs while an application migrates.

Stage `deprecate` decorates each legacy class and factory where it is defined
(``compat.deprecation``). Every legacy call then warns with
``EmitterMigrationWarning`` at the caller and is counted. The switch is
``EMITTER_MIGRATE_COMPAT=warn|error|silent`` or ``set_mode``/``mode``.
Importing this package is cheap: the plan is read when a legacy class is
decorated.
"""

from ._api import *  # noqa: F403
from ._api import __all__  # noqa: F401
