"""The anchor prefilter answers exactly what a plain any(token in data) would."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from codemods.fastcst import prefilter
from codemods.fastcst.prefilter import PrefilterMemo, TokenMatcher, choose_anchors
from codemods.plan import load_plan

PLAN_TOKENS = load_plan().prefilter_tokens
PLAN_MATCHER = TokenMatcher(PLAN_TOKENS)


def test_every_token_contains_an_anchor_and_anchors_are_few():
    anchors = choose_anchors(PLAN_TOKENS)
    assert all(any(a in t for a in anchors) for t in PLAN_TOKENS)
    assert len(anchors) < len(PLAN_TOKENS) / 4


def test_short_tokens_are_their_own_anchor():
    assert choose_anchors([b"ab", b"xyz"]) in ([b"ab", b"xyz"], [b"xyz", b"ab"])


_alphabet = st.sampled_from([b"emit_", b"notify_", b"Agent", b"ocket", b"x", b"_", b"\n", b"e"])
_tokens = st.lists(st.binary(min_size=1, max_size=12), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(tokens=_tokens, parts=st.lists(st.one_of(_alphabet, st.binary(max_size=6)), max_size=30))
def test_matcher_agrees_with_a_plain_search(tokens, parts):
    data = b"".join(parts) + (tokens[0] if len(parts) % 3 == 0 else b"")
    assert TokenMatcher(tokens).matches(data) == any(t in data for t in tokens)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from((*PLAN_TOKENS, b"emit", b"socket", b"class X:")), max_size=5))
def test_matcher_on_plan_tokens(parts):
    data = b" ".join(parts)
    assert PLAN_MATCHER.matches(data) == any(t in data for t in PLAN_TOKENS)


def test_memo_round_trips_and_rejects_garbage(tmp_path, monkeypatch):
    monkeypatch.setattr(prefilter, "RACY_NS", 0)
    f = tmp_path / "a.py"
    f.write_text("x = 1\n")
    memo = PrefilterMemo(frozenset({b"emit_", b"Bridge"}))
    st = os.stat(f)
    memo.remember("a.py", st, matched=False)
    again = PrefilterMemo.from_bytes(memo.to_bytes())
    assert again == memo and again is not None and again.matched("a.py", st) is False
    assert PrefilterMemo.from_bytes(b"{not json") is None
    assert PrefilterMemo.from_bytes(b'{"tokens": [], "files": {"a": [1]}}') is None


def test_memo_forgets_recently_changed_files_and_changed_stats(tmp_path, monkeypatch):
    f = tmp_path / "a.py"
    f.write_text("x = 1\n")
    memo = PrefilterMemo(frozenset({b"tok"}))
    memo.remember("a.py", os.stat(f), matched=False)
    assert memo.matched("a.py", os.stat(f)) is None  # just written: could change unseen
    monkeypatch.setattr(prefilter, "RACY_NS", 0)
    memo.remember("a.py", os.stat(f), matched=False)
    assert memo.matched("a.py", os.stat(f)) is False
    f.write_text("x = 22\n")
    assert memo.matched("a.py", os.stat(f)) is None
    assert memo.matched("b.py", os.stat(f)) is None
