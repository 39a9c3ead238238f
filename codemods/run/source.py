"""Read, decode and atomically rewrite Python source files without changing their bytes' shape."""

from __future__ import annotations

import codecs
import contextlib
import errno
import hashlib
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from codemods.run.signals import signals_held

__all__ = [
    "SourceChangedError",
    "SourceError",
    "SourceFile",
    "UndecodableSourceError",
    "encode_text",
    "read_source",
    "write_atomic",
]

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
TEMP_SUFFIX = ".emtmp"
_BOM = codecs.BOM_UTF8
# The same two expressions tokenize uses (PEP 263), kept here so errors can name the line.
_COOKIE_RE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.ASCII)
_BLANK_RE = re.compile(rb"^[ \t\f]*(?:[#\r\n]|$)", re.ASCII)
_ASCII_PROBE = "#-*- coding=x -*-\n\r\t 09AZaz_.:'\"\\"
_READ_CHUNK = 1024 * 1024


class SourceError(Exception):
    """A file that cannot be used, with a one-line reason a developer can act on."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = os.fspath(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self) -> tuple[type[SourceError], tuple[str, str]]:
        # Errors travel back from worker processes; the default reduce would lose `reason`.
        return (type(self), (self.path, self.reason))


class UndecodableSourceError(SourceError):
    """The bytes themselves cannot be decoded: the same bytes always fail the same way,
    so the outcome may be cached under their digest."""

    def __init__(self, path: str | os.PathLike[str], reason: str, digest: str) -> None:
        super().__init__(path, reason)
        self.digest = digest

    def __reduce__(self) -> tuple[type[SourceError], tuple[str, str, str]]:  # type: ignore[override]
        return (type(self), (self.path, self.reason, self.digest))


class SourceChangedError(SourceError):
    """The file changed on disk after it was read; it was not overwritten."""


@dataclass(frozen=True)
class SourceFile:
    path: Path
    real_path: Path
    raw: bytes
    text: str
    encoding: str
    bom: bool
    newline: str
    mode: int
    digest: str
    stat_key: tuple[int, int, int]


def read_source(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceFile:
    """Read and decode `path`; raise SourceError with the reason if it cannot be used."""
    path = Path(path)
    real_path = Path(os.path.realpath(path))
    raw, st = _read_bytes(path, real_path, max_bytes)
    try:
        encoding, bom = _detect_encoding(path, raw)
        text = _decode(path, raw, encoding, bom)
    except SourceError as exc:
        digest = hashlib.sha256(raw).hexdigest()
        raise UndecodableSourceError(exc.path, exc.reason, digest) from None
    return SourceFile(
        path=path,
        real_path=real_path,
        raw=raw,
        text=text,
        encoding=encoding,
        bom=bom,
        newline=dominant_newline(text),
        mode=stat.S_IMODE(st.st_mode),
        digest=hashlib.sha256(raw).hexdigest(),
        stat_key=(st.st_mtime_ns, st.st_size, st.st_ino),
    )


def encode_text(src: SourceFile, text: str) -> bytes:
    """Encode `text` the way `src` was encoded (same codec, BOM re-added)."""
    try:
        data = text.encode(src.encoding)
    except UnicodeEncodeError as exc:
        char = exc.object[exc.start]
        line = exc.object.count("\n", 0, exc.start) + 1
        raise SourceError(
            src.path,
            f"the new text has {char!r} (U+{ord(char):04X}) on line {line}, which the file's "
            f"encoding {src.encoding} cannot represent; change the file's encoding to utf-8 "
            "or avoid that character",
        ) from None
    return _BOM + data if src.bom else data


def write_atomic(src: SourceFile, new_text: str) -> None:
    """Replace src.real_path with `new_text`, unless the file changed since `src` was read.

    The new content goes to a temporary file in the same folder that is renamed over the
    original, so readers see the old or the new file, never half of one.
    """
    data = encode_text(src, new_text)
    target = src.real_path
    folder = target.parent
    if not src.mode & 0o222:
        # Replacing the file would bypass its mode (the folder is what rename checks):
        # someone marked it read-only, so it is not ours to change.
        raise SourceError(
            src.path,
            f"is read-only (mode {src.mode:04o}); make it writable to let the tool rewrite "
            "it, or leave it out with --exclude",
        )
    with signals_held():
        try:
            fd, tmp_name = tempfile.mkstemp(
                prefix=f".{target.name[:100]}.", suffix=TEMP_SUFFIX, dir=folder
            )
        except OSError as exc:
            raise SourceError(
                src.path, f"cannot create a temporary file in {folder}: {_os_reason(exc)}"
            ) from None
        try:
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                current = _unchanged_stat(src)
                _copy_owner(tmp_name, current)  # before chmod: chown clears set-id bits
                os.chmod(tmp_name, stat.S_IMODE(current.st_mode))
                os.replace(tmp_name, target)
            except OSError as exc:
                raise SourceError(src.path, f"cannot write: {_os_reason(exc)}") from None
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
            raise
        _fsync_directory(folder)


def dominant_newline(text: str) -> str:
    """The most common line ending in `text` ("\\n" when there is none or on ties)."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    best = max(lf, crlf, cr)
    if best == lf:
        return "\n"
    return "\r\n" if best == crlf else "\r"


def line_of_offset(raw: bytes, offset: int) -> int:
    """1-based line number of byte `offset`, counting \\n, \\r\\n and \\r as line ends."""
    head = raw[:offset]
    crlf = head.count(b"\r\n")
    return head.count(b"\n") + head.count(b"\r") - crlf + 1


def _read_bytes(path: Path, real_path: Path, max_bytes: int) -> tuple[bytes, os.stat_result]:
    # O_NONBLOCK so a FIFO named *.py cannot hang the run; it is refused below.
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(real_path, flags)
    except FileNotFoundError:
        reason = "vanished: it no longer exists (deleted or moved after it was found)"
        if os.path.islink(path):
            reason = f"dangling symlink to {os.readlink(path)}"
        raise SourceError(path, reason) from None
    except OSError as exc:
        raise SourceError(path, f"cannot open: {_os_reason(exc)}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SourceError(path, f"not a regular file ({_kind(st.st_mode)})")
        if st.st_size > max_bytes:
            raise SourceError(path, _too_large(st.st_size, max_bytes))
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, _READ_CHUNK):
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:  # grew while we were reading
                raise SourceError(path, _too_large(total, max_bytes))
    except OSError as exc:
        raise SourceError(path, f"cannot read: {_os_reason(exc)}") from None
    finally:
        os.close(fd)
    return b"".join(chunks), st


def _detect_encoding(path: Path, raw: bytes) -> tuple[str, bool]:
    """PEP 263 as tokenize.detect_encoding applies it; returns (codec name, has BOM)."""
    nul = raw.find(b"\x00")
    if nul != -1:
        raise SourceError(
            path,
            f"contains a NUL byte at offset {nul} (line {line_of_offset(raw, nul)}); "
            "Python source cannot contain NUL bytes (is it a binary file?)",
        )
    bom = raw.startswith(_BOM)
    # tokenize reads with readline(), which only splits on b"\n".
    first_end = raw.find(b"\n") + 1 or len(raw)
    second_end = raw.find(b"\n", first_end) + 1 or len(raw)
    first = raw[len(_BOM) if bom else 0 : first_end]
    second = raw[first_end:second_end]
    if not first:
        return "utf-8", bom
    name = _cookie(path, raw, first, 1, first_end - len(first), bom)
    if name is None and _BLANK_RE.match(first) and second:
        name = _cookie(path, raw, second, 2, first_end, bom)
    if name is None:
        return "utf-8", bom
    codec = codecs.lookup(name).name
    if not _ascii_compatible(codec):
        raise SourceError(
            path,
            f"its coding cookie declares {name!r}, which is not ASCII-compatible and cannot "
            "be used for Python source; re-save the file as utf-8",
        )
    return codec, bom


def _cookie(path: Path, raw: bytes, line: bytes, lineno: int, start: int, bom: bool) -> str | None:
    """The normalised codec name declared on this line, or None."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(path, _undecodable(raw, start + exc.start, "utf-8", exc.reason)) from None
    match = _COOKIE_RE.match(text)
    if match is None:
        return None
    name = _normal_name(match.group(1))
    try:
        codecs.lookup(name)
    except LookupError:
        raise SourceError(
            path,
            f"unknown encoding {name!r} in the coding cookie on line {lineno}; "
            "use a codec Python knows, such as utf-8",
        ) from None
    if bom and name != "utf-8":
        raise SourceError(
            path,
            f"starts with a UTF-8 byte-order mark but its coding cookie on line {lineno} "
            f"declares {name!r}; remove the BOM or the cookie",
        )
    return name


def _ascii_compatible(codec: str) -> bool:
    try:
        return _ASCII_PROBE.encode(codec) == _ASCII_PROBE.encode("ascii")
    except (LookupError, UnicodeError):  # e.g. 'rot13' is a codec but not a text encoding
        return False


def _normal_name(name: str) -> str:
    # Mirrors tokenize's normalisation so a BOM + cookie conflict is judged the same way.
    enc = name[:12].lower().replace("_", "-")
    if enc == "utf-8" or enc.startswith("utf-8-"):
        return "utf-8"
    if enc in ("latin-1", "iso-8859-1", "iso-latin-1") or enc.startswith(
        ("latin-1-", "iso-8859-1-", "iso-latin-1-")
    ):
        return "iso-8859-1"
    return name


def _decode(path: Path, raw: bytes, encoding: str, bom: bool) -> str:
    skip = len(_BOM) if bom else 0
    try:
        return raw[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(path, _undecodable(raw, skip + exc.start, encoding, exc.reason)) from None


def _undecodable(raw: bytes, offset: int, encoding: str, why: str) -> str:
    return (
        f"not valid {encoding}: byte 0x{raw[offset]:02x} at offset {offset} "
        f"(line {line_of_offset(raw, offset)}) cannot be decoded ({why}); fix the bytes "
        "or declare the file's real encoding with a '# -*- coding: NAME -*-' line"
    )


def _too_large(size: int, max_bytes: int) -> str:
    return f"is {size} bytes, larger than the {max_bytes}-byte limit; is it generated code?"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a plain file"


def _os_reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    return exc.strerror or str(exc)


def _unchanged_stat(src: SourceFile) -> os.stat_result:
    """Stat of the target if its bytes still match what was read; else SourceChangedError."""
    try:
        current = os.stat(src.real_path)
        with open(src.real_path, "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    except FileNotFoundError:
        raise SourceChangedError(
            src.path, "was deleted or moved after it was read; not written"
        ) from None
    if digest != src.digest:
        raise SourceChangedError(
            src.path, "changed on disk after it was read; not overwritten (run again)"
        )
    return current


def _copy_owner(tmp_name: str, original: os.stat_result) -> None:
    # Only root can give a file away; for anyone else the new file is already theirs.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        with contextlib.suppress(OSError):
            os.chown(tmp_name, original.st_uid, original.st_gid)


def _fsync_directory(folder: Path) -> None:
    # Makes the rename durable; some filesystems refuse fsync on a directory, which is fine.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
