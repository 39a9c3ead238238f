"""Byte-level prefilter: does a file contain any of a set of tokens?

Python's `re` tries every alternative at every position, which is slow for dozens of
literal tokens over 100+ MB. `bytes.__contains__` is fast, so the tokens are covered by a
few shared substrings (anchors, e.g. `emit_` for all `emit_*` names): a file is searched
for the anchors, and only a file holding one is checked for that anchor's tokens.
PrefilterMemo remembers the answers by file stat, so warm runs skip unchanged files.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["PrefilterMemo", "TokenMatcher", "choose_anchors", "stat_signature"]

MIN_ANCHOR = 5


def choose_anchors(tokens: Iterable[bytes], min_len: int = MIN_ANCHOR) -> list[bytes]:
    """A small set of substrings such that every token contains at least one (greedy cover)."""
    uncovered = set(tokens)
    anchors: list[bytes] = []
    while uncovered:
        covers: dict[bytes, int] = {}
        for token in uncovered:
            shortest = min(min_len, len(token))
            seen = {
                token[i:j] for i in range(len(token)) for j in range(i + shortest, len(token) + 1)
            }
            for sub in seen:
                covers[sub] = covers.get(sub, 0) + 1
        # Most tokens covered; then the longest (fewer false hits); then stable order.
        best = max(covers, key=lambda s: (covers[s], len(s), s))
        anchors.append(best)
        uncovered = {t for t in uncovered if best not in t}
    return anchors


class TokenMatcher:
    """`matches(data)` is True exactly when some token occurs in `data`."""

    def __init__(self, tokens: Iterable[bytes]) -> None:
        self.tokens = tuple(sorted(set(tokens)))
        self.anchors = choose_anchors(self.tokens)
        self._tokens_of = {a: tuple(t for t in self.tokens if a in t) for a in self.anchors}

    def matches(self, data: bytes) -> bool:
        for anchor in self.anchors:
            if anchor in data and any(t in data for t in self._tokens_of[anchor]):
                return True
        return False


# ------------------------------------------------------------------- memo ----
# A file modified this recently may change again within the clock's resolution
# without its stat changing ("racy git"), so its answer is not remembered.
RACY_NS = 2_000_000_000


def stat_signature(st: os.stat_result) -> tuple[int, int, int, int]:
    # ctime moves on every write and cannot be set back by tools that restore mtime.
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


@dataclass
class PrefilterMemo:
    """What the prefilter answered for each file last time, and for which tokens.

    A file whose stat is unchanged and that did not match then does not match now,
    as long as the tokens now are a subset of the tokens then, so it need not be read.
    """

    tokens: frozenset[bytes] = frozenset()
    files: dict[str, tuple[int, int, int, int, bool]] = field(default_factory=dict)

    def matched(self, rel: str, st: os.stat_result) -> bool | None:
        """The remembered answer for an unchanged file, else None."""
        entry = self.files.get(rel)
        if entry is None or entry[:4] != stat_signature(st):
            return None
        return entry[4]

    def remember(self, rel: str, st: os.stat_result, matched: bool) -> None:
        settled = time.time_ns() - RACY_NS
        if st.st_mtime_ns < settled and st.st_ctime_ns < settled:
            self.files[rel] = (*stat_signature(st), matched)
        else:
            self.files.pop(rel, None)

    def to_bytes(self) -> bytes:
        doc = {
            "tokens": sorted(t.hex() for t in self.tokens),
            "files": {rel: [*sig[:4], int(sig[4])] for rel, sig in self.files.items()},
        }
        return json.dumps(doc, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> PrefilterMemo | None:
        try:
            doc = json.loads(data)
            tokens = frozenset(bytes.fromhex(t) for t in doc["tokens"])
            files = {
                str(rel): (int(a), int(b), int(c), int(d), bool(e))
                for rel, (a, b, c, d, e) in doc["files"].items()
            }
        except (ValueError, KeyError, TypeError):
            return None
        return cls(tokens, files)
