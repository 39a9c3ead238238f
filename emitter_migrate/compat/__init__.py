"""The deprecation runtime under a name no project has: `emitter_migrate.compat`.

It is the code of the top-level `compat` package (the repository keeps that layout),
loaded a second time under this name, for a project whose own top-level `compat` would
shadow ours. A plan chooses it with `deprecation_runtime =
"emitter_migrate.compat.deprecation"`. In such a process use this package's
`set_mode`, `usage_snapshot` and so on: its mode and counters are its own.
"""

from pathlib import Path

# The `compat` folder beside this package's parent: site-packages/compat when installed,
# the repository's compat/ in a checkout or an editable install.
__path__ = [str(Path(__file__).resolve().parents[2] / "compat")]

from ._api import *  # noqa: F403
from ._api import __all__  # noqa: F401
