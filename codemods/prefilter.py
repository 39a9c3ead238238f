"""Byte-level prefilter: does a file contain any of a set of tokens?

Python's `re` tries every alternative at every position, which is slow for dozens of
literal tokens over 100+ MB. `bytes.__contains__` is fast, so the tokens are covered by a
few shared substrings (anchors, e.g. `emit_` for all `emit_*` names): a file is searched
for the anchors, and only a file holding one is checked for that anchor's tokens.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["TokenMatcher", "choose_anchors"]

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
