"""Content-hash result cache: skip re-running stages on files whose inputs did not change.

A cache is an optimisation, so every I/O problem turns into a miss (and, when writing
fails, into a disabled cache with the reason recorded), never into a failed run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import struct
import tempfile
from collections.abc import Sequence
from pathlib import Path

__all__ = ["CACHE_DIR_NAME", "ENV_CACHE_DIR", "ResultCache", "cache_key"]

CACHE_DIR_NAME = ".emitter-migrate-cache"
ENV_CACHE_DIR = "EMITTER_MIGRATE_CACHE_DIR"
# Bump when the entry layout or key recipe changes, so old entries simply stop matching.
_FORMAT = 1
_MAGIC = b"EMC1"
_HEADER = struct.Struct(">4sQ32s")  # magic, value length, sha256 of the value
_SAFE_KEY = re.compile(r"[0-9a-f]{8,128}")
_SHARD = re.compile(r"[0-9a-f]{2}")
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by emitter-migrate.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)


def cache_key(
    file_digest: str,
    plan_digest: str,
    tool_version: str,
    stages: Sequence[str],
    extra: str = "",
) -> str:
    """A hex key that changes whenever any input that shapes a result changes."""
    payload = json.dumps(
        [_FORMAT, file_digest, plan_digest, tool_version, list(stages), extra],
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ResultCache:
    """Opaque byte values stored under DIRECTORY/<key[:2]>/<key[2:]>."""

    def __init__(self, directory: Path, *, enabled: bool = True) -> None:
        self.directory = Path(directory)
        self.enabled = enabled
        self.disabled_reason: str | None = None if enabled else "disabled by request"
        self.hits = 0
        self.misses = 0
        self._prepared = False

    @staticmethod
    def default_dir(root: Path) -> Path:
        override = os.environ.get(ENV_CACHE_DIR)
        if override:
            return Path(os.path.expanduser(override))
        return Path(root) / CACHE_DIR_NAME

    def get(self, key: str) -> bytes | None:
        if not self.enabled:
            return None
        path = self._entry(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = None
        except OSError as exc:
            self._disable(f"cannot read {path}: {exc.strerror or exc}")
            data = None
        value = _unpack(data) if data is not None else None
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def put(self, key: str, value: bytes) -> None:
        if not self.enabled:
            return
        path = self._entry(key)
        tmp: str | None = None
        try:
            self._prepare()
            path.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(_HEADER.pack(_MAGIC, len(value), hashlib.sha256(value).digest()))
                handle.write(value)
            os.replace(tmp, path)
        except OSError as exc:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            self._disable(f"cannot write {path}: {exc.strerror or exc}")

    def clear(self) -> None:
        """Delete every entry. Only our shard folders go, so a mistaken
        $EMITTER_MIGRATE_CACHE_DIR cannot wipe unrelated files. Errors propagate."""
        if not self.directory.is_dir():
            return
        for child in self.directory.iterdir():
            if _SHARD.fullmatch(child.name) and child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)

    def _entry(self, key: str) -> Path:
        name = key if _SAFE_KEY.fullmatch(key) else hashlib.sha256(key.encode()).hexdigest()
        return self.directory / name[:2] / name[2:]

    def _prepare(self) -> None:
        if self._prepared:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", "*\n"), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
            marker = self.directory / name
            if not marker.exists():
                marker.write_text(text, encoding="ascii")
        self._prepared = True

    def _disable(self, reason: str) -> None:
        self.enabled = False
        self.disabled_reason = f"result cache disabled: {reason}"


def _unpack(data: bytes) -> bytes | None:
    """The stored value, or None if the entry is truncated, foreign or corrupt."""
    if len(data) < _HEADER.size:
        return None
    magic, length, checksum = _HEADER.unpack_from(data)
    value = data[_HEADER.size :]
    if magic != _MAGIC or length != len(value) or hashlib.sha256(value).digest() != checksum:
        return None
    return value
