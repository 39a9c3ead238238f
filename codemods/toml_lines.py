"""Where a key of a TOML file was written: tomllib keeps no positions, and a message
about a plan or a config file should name the line."""

from __future__ import annotations

import re


class KeyLocator:
    """Finds the line a dotted key was written on (tomllib keeps no positions)."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def line_of(self, key: str) -> int | None:
        parts = key.split(".")
        # Longest table header that is a prefix of the key, then the remaining key after it.
        for cut in range(len(parts), 0, -1):
            header_line = self._header(parts[:cut])
            if header_line is not None:
                if cut == len(parts):
                    return header_line
                return self._key_after(header_line, parts[cut]) or header_line
        return self._key_after(0, parts[0])

    def _header(self, parts: list[str]) -> int | None:
        want = [p.strip('"') for p in parts]
        for i, line in enumerate(self.lines, 1):
            s = line.strip()
            if s.startswith("[") and "]" in s:
                inner = s.strip("[]").strip()
                if split_key(inner) == want:
                    return i
        return None

    def _key_after(self, start: int, key: str) -> int | None:
        pattern = re.compile(rf'^\s*"?{re.escape(key)}"?\s*=')
        inline = re.compile(rf'[{{,]\s*"?{re.escape(key)}"?\s*=')
        for i in range(start, len(self.lines)):
            line = self.lines[i]
            if i > start and line.strip().startswith("["):
                break
            if pattern.match(line) or inline.search(line):
                return i + 1
        return None


def split_key(key: str) -> list[str]:
    parts, buf, quoted = [], "", False
    for ch in key:
        if ch == '"':
            quoted = not quoted
        elif ch == "." and not quoted:
            parts.append(buf.strip())
            buf = ""
        else:
            buf += ch
    parts.append(buf.strip())
    return parts
