"""codemods.sparse: which statements are kept, placeholders, restoring, fallbacks."""

from __future__ import annotations

import libcst as cst
import pytest

import codemods.sparse as sparse
from codemods.sparse import (
    FULL_PARSE_ENV,
    Relevance,
    SparseSource,
    full_parse_forced,
    sparse_source,
)

RELEVANCE = Relevance.of(["AgentWebSocketBridge", "agent_websocket_bridge"], ["emit"])


@pytest.fixture(autouse=True)
def _small_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sparse, "MIN_LINES", 0)


def _shape(text: str) -> SparseSource:
    result = sparse_source(text, RELEVANCE)
    assert result is not None
    return result


def _kept(result: SparseSource) -> str:
    """The sparse text without its placeholders."""
    lines = result.text.split("\n")
    return "\n".join(
        line for number, line in enumerate(lines, 1) if number not in result.placeholder_lines
    )


SOURCE = '''"""Module docstring."""

import json
from compat.agent_websocket_bridge import AgentWebSocketBridge as Bridge


def unrelated(value):
    return json.dumps(value)


# Builds the bridge.
def build(ctx):
    return Bridge(ctx)


class Plain:
    def method(self):
        return 1


def uses_alias():
    return Bridge(None)
'''


def test_unrelated_statements_become_placeholders_that_restore_byte_for_byte() -> None:
    result = _shape(SOURCE)
    kept = _kept(result)
    assert "def unrelated" not in kept and "class Plain" not in kept
    assert "def build" in kept and "import json" in kept and "Module docstring" in kept
    assert result.restore(result.text) == SOURCE
    cst.parse_module(result.text)  # the sparse form is valid Python


def test_placeholders_keep_every_line_number() -> None:
    result = _shape(SOURCE)
    original, shaped = SOURCE.split("\n"), result.text.split("\n")
    assert len(shaped) == len(original)
    for number, line in enumerate(original, 1):
        if number not in result.placeholder_lines:
            assert shaped[number - 1] == line
    assert result.line(8) is None  # inside `unrelated`
    assert result.line(13) == 13


def test_leading_comments_of_a_skipped_statement_stay_outside_its_placeholder() -> None:
    text = SOURCE.replace("\n\nclass Plain", "\n\n# about Plain\nclass Plain")
    result = _shape(text)
    assert "# about Plain" in _kept(result)


def test_alias_of_a_legacy_import_makes_its_users_relevant() -> None:
    assert "def uses_alias" in _kept(_shape(SOURCE))


def test_class_deriving_from_a_legacy_class_makes_its_subclasses_relevant() -> None:
    text = (
        "from x import AgentWebSocketBridge\n\n\n"
        "class Base(AgentWebSocketBridge):\n    pass\n\n\n"
        "class Child(Base):\n    pass\n\n\n"
        "class Other:\n    pass\n"
    )
    kept = _kept(_shape(text))
    assert "class Child(Base)" in kept and "class Other" not in kept


def test_binding_of_a_name_a_kept_statement_reads_is_kept() -> None:
    text = "import x\n\nbridge = None\nother = None\n\n\ndef send():\n    bridge.emit('e', {})\n"
    kept = _kept(_shape(text))
    assert "bridge = None" in kept and "other = None" not in kept


def test_legacy_method_word_keeps_a_statement_but_a_longer_identifier_does_not() -> None:
    text = "import x\n\n\ndef a(r):\n    r.emit()\n\n\ndef b(r):\n    r.emitter()\n"
    kept = _kept(_shape(text))
    assert "def a" in kept and "def b" not in kept


def test_comment_indented_under_a_block_keeps_the_next_statement_with_it() -> None:
    text = (
        "import x\n\n\n"
        "def a():\n    return 1\n    # trailing, owned by a's block\n\n\n"
        "def b():\n    return AgentWebSocketBridge\n\n\n"
        "def c():\n    return 3\n"
    )
    kept = _kept(_shape(text))
    assert "def a" in kept and "def b" in kept and "def c" not in kept


def test_statements_sharing_a_line_are_kept_together() -> None:
    text = "import x\n\n\nfoo = 1; bar = AgentWebSocketBridge\n\n\ndef c():\n    return 2\n"
    kept = _kept(_shape(text))
    assert "foo = 1; bar" in kept and "def c" not in kept


@pytest.mark.parametrize(
    "text",
    [
        "import x\r\n\r\ndef a():\r\n    return 1\r\n",  # CRLF
        "import x\n\ndef a():\n    return 1",  # no final newline
        "import x\n\ndef a(:\n    return 1\n",  # syntax error: the full parse reports it
        "import AgentWebSocketBridge\n\n\ndef a():\n    return AgentWebSocketBridge\n",  # all kept
    ],
)
def test_files_that_cannot_or_need_not_be_shaped_are_parsed_whole(text: str) -> None:
    assert sparse_source(text, RELEVANCE) is None


def test_small_files_are_parsed_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sparse, "MIN_LINES", 1000)
    assert sparse_source(SOURCE, RELEVANCE) is None


def test_restore_refuses_a_missing_or_duplicated_placeholder() -> None:
    result = _shape(SOURCE)
    marker = result.regions[0][0]
    assert result.restore(result.text.replace(marker, "")) is None
    assert result.restore(result.text.replace(marker, marker + marker)) is None


def test_restore_keeps_code_inserted_around_placeholders() -> None:
    result = _shape(SOURCE)
    marker = result.regions[0][0]
    edited = result.text.replace(marker, "import added\n" + marker)
    restored = result.restore(edited)
    assert restored is not None
    assert restored == SOURCE.replace("def unrelated", "import added\ndef unrelated")


def test_full_parse_is_forced_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(FULL_PARSE_ENV, raising=False)
    assert not full_parse_forced()
    monkeypatch.setenv(FULL_PARSE_ENV, "1")
    assert full_parse_forced()
    monkeypatch.setenv(FULL_PARSE_ENV, "0")
    assert not full_parse_forced()
