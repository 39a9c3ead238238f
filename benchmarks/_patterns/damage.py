"""Byte-level damage for the few odd files a real repo has: unparsable, non-UTF-8, CRLF, BOM."""

from __future__ import annotations

import codecs
import random

# Chunks are joined with this, so it marks a top-level statement boundary.
BOUNDARY = b"\n\n\n"


def _at_boundary(data: bytes, rng: random.Random, insert: bytes) -> bytes:
    spots = []
    at = data.find(BOUNDARY)
    while at != -1:
        spots.append(at)
        at = data.find(BOUNDARY, at + 1)
    if not spots:
        return data + b"\n" + insert
    at = spots[rng.randrange(len(spots))] + len(BOUNDARY)
    return data[:at] + insert + data[at:]


def merge_conflict(data: bytes, rng: random.Random) -> bytes:
    marker = (
        b"<<<<<<< HEAD\nREQUEST_TIMEOUT_S = 30\n=======\nREQUEST_TIMEOUT_S = 45\n"
        b">>>>>>> feature/emitter-cleanup\n\n\n"
    )
    return _at_boundary(data, rng, marker)


def python2_print(data: bytes, rng: random.Random) -> bytes:
    return _at_boundary(data, rng, b'print "migrating %s" % __name__\n\n\n')


def truncated(data: bytes, rng: random.Random) -> bytes:
    """Cut mid-file (an interrupted save) leaving an unclosed bracket."""
    cut = data.rfind(b"\n", 0, max(1, len(data) * 2 // 3)) + 1
    return data[:cut] + b"PENDING_JOBS = [\n    'rebuild-index',\n"


def latin1_text(data: bytes, rng: random.Random) -> bytes:
    """Lines saved as Latin-1 with no coding cookie, so not valid UTF-8.

    CPython 3.11 lets bad bytes in a comment through, so a string literal carries them too.
    """
    text = (
        b'# Auteur : Ren\xe9 Dupr\xe9 \xb7 r\xe9sum\xe9 des \xe9v\xe9nements\nAUTHOR = "Ren\xe9"\n'
    )
    first = data.find(b"\n") + 1
    return data[:first] + text + data[first:]


def crlf(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"\n", b"\r\n")


def bom(data: bytes, rng: random.Random) -> bytes:
    return codecs.BOM_UTF8 + data


# name -> (mutation, still parses?)
DAMAGE = {
    "crlf": (crlf, True),
    "bom": (bom, True),
    "latin1": (latin1_text, False),
    "merge-conflict": (merge_conflict, False),
    "truncated": (truncated, False),
    "python2-print": (python2_print, False),
}
