"""codemods.fastcst.sparse: which statements are kept, placeholders, restoring, fallbacks."""

from __future__ import annotations

import random

import libcst as cst
import pytest

import codemods.fastcst.sparse as sparse
from codemods.fastcst.sparse import (
    FULL_PARSE_ENV,
    Relevance,
    SparseSource,
    _hit_lines,
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
    assert "def build" in kept and "Module docstring" in kept
    assert "import json" not in kept  # no kept statement reads `json`
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
    marker = next(m for m, original in result.regions if original.startswith("def unrelated"))
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


def test_an_unrelated_import_becomes_an_import_so_the_import_block_keeps_its_shape() -> None:
    text = (
        '"""Doc."""\n\nimport json\nfrom os import (\n    path,\n    sep,\n)\n'
        "from x import AgentWebSocketBridge\n\n\ndef a():\n    return AgentWebSocketBridge\n"
    )
    result = _shape(text)
    module = cst.parse_module(result.text)
    kinds = [
        type(s.body[0]).__name__ for s in module.body if isinstance(s, cst.SimpleStatementLine)
    ]
    assert kinds == ["Expr", "Import", "ImportFrom", "ImportFrom"]
    assert "json" not in _kept(result) and "sep" not in _kept(result)
    assert result.restore(result.text) == text


def test_an_import_a_kept_statement_reads_is_kept() -> None:
    text = "import json\nimport os\n\n\ndef a(b):\n    b.emit(json.dumps({}))\n"
    kept = _kept(_shape(text))
    assert "import json" in kept and "import os" not in kept


def test_future_imports_are_kept() -> None:
    relevance = Relevance.of(RELEVANCE.substrings, RELEVANCE.words, ["__future__"])
    text = "from __future__ import annotations\nimport os\n\n\ndef a(b):\n    b.emit()\n"
    result = sparse_source(text, relevance)
    assert result is not None and "from __future__ import annotations" in _kept(result)
    assert "import os" not in _kept(result)


def test_a_bystander_keeps_its_statement_but_not_the_users_of_what_it_binds() -> None:
    relevance = Relevance.of(RELEVANCE.substrings, RELEVANCE.words, ["TYPE_CHECKING"])
    text = (
        "from typing import TYPE_CHECKING, Any\n\n\ndef a(b):\n    b.emit()\n\n\n"
        "def c(x: Any):\n    return x\n"
    )
    result = sparse_source(text, relevance)
    assert result is not None
    kept = _kept(result)
    assert "from typing import TYPE_CHECKING, Any" in kept and "def c" not in kept


CLASS = """import x


class Handler:
    def __init__(self, bridge):
        self.bridge = bridge
        self.count = 0

    def unrelated(self):
        return self.count + 1

    def setup_other(self):
        self.other = 2

    async def send(self):
        total = self.unrelated()
        label = "run"
        await self.bridge.emit(label)
"""


def test_unrelated_methods_of_a_kept_class_become_placeholders() -> None:
    result = _shape(CLASS)
    kept = _kept(result)
    assert "class Handler:" in kept and "async def send" in kept
    assert "def setup_other" not in kept
    # `send` reads `unrelated` and `bridge`: their bindings stay.
    assert "def unrelated" in kept and "def __init__" in kept
    assert result.restore(result.text) == CLASS
    cst.parse_module(result.text)


def test_unrelated_statements_inside_a_kept_function_become_placeholders() -> None:
    kept = _kept(_shape(CLASS))
    assert 'label = "run"' in kept and "await self.bridge.emit(label)" in kept
    assert "total = self.unrelated()" not in kept
    # Inside `__init__`, only the binding of a name read elsewhere is kept.
    assert "self.bridge = bridge" in kept and "self.count = 0" in kept


def test_nested_placeholders_keep_indentation_and_line_numbers() -> None:
    result = _shape(CLASS)
    original, shaped = CLASS.split("\n"), result.text.split("\n")
    assert len(shaped) == len(original)
    for number in sorted(result.placeholder_lines):
        line = original[number - 1]
        if line.strip() and number - 1 not in result.placeholder_lines:
            indent = len(line) - len(line.lstrip())
            assert shaped[number - 1][:indent] == line[:indent]
    marker_lines = [n for n, line in enumerate(shaped, 1) if result.prefix in line]
    assert all(shaped[n - 1].startswith("    ") for n in marker_lines)


def test_one_line_bodies_are_not_shaped_inside() -> None:
    text = "import x\n\n\nclass A: pass\n\n\ndef f(b): b.emit(); y = 1\n"
    result = sparse_source(text, RELEVANCE)
    assert result is None or "def f(b): b.emit(); y = 1" in _kept(result)


def test_restore_refuses_a_placeholder_whose_indentation_changed() -> None:
    result = _shape(CLASS)
    nested = next(m for m, _ in result.regions if m.startswith("    "))
    assert result.restore(result.text.replace(nested, nested[4:])) is None


def test_hit_lines_are_the_lines_holding_a_substring() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        pieces = ["ab", "a", "b", "\n", "x", "ba"]
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        subs = rng.sample(["ab", "b", "xa", "bx", "a"], 2)
        lines = text.split("\n")
        want = [n for n, line in enumerate(lines, 1) if any(s in line for s in subs)]
        assert _hit_lines(text, subs) == want, (text, subs)


def test_a_relevance_substring_spanning_lines_is_refused() -> None:
    with pytest.raises(ValueError, match="one line"):
        Relevance.of(["a\nb"], [])
