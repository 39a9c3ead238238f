"""The tool's version, and a fingerprint of its code for cache keys."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

__all__ = ["__version__", "fingerprinted_sources", "tool_fingerprint"]

_PACKAGE = Path(__file__).resolve().parents[1]  # all of codemods/, not just run/

try:
    __version__ = metadata.version("emitter-migrate")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """Version plus a hash of the codemods' sources.

    An editable install keeps its version while the code changes; hashing the sources
    keeps a cache filled by older code from answering for newer code.
    """
    digest = hashlib.sha256()
    for path in fingerprinted_sources():
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def fingerprinted_sources() -> list[Path]:
    """Every source of the codemods package, in every subpackage, but the demo app."""
    return [p for p in sorted(_PACKAGE.rglob("*.py")) if "demo_app" not in p.parts]
