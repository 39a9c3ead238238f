"""The tool's version, and a fingerprint of its code for cache keys."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

__all__ = ["__version__", "tool_fingerprint"]

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
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        if "demo_app" in path.parts:
            continue
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"
