"""A stage's statement_tokens: lines naming none of them are not visited at all."""

from __future__ import annotations

import libcst as cst

from codemods.plan import load_plan
from codemods.transforms.base import FileContext, StageCodemod, run_codemod

SOURCE = "a = 1\nb = legacy(a)\n# legacy note\nc = 2\ndef f(d):\n    e = 3\n    return legacy(e)\n"


class _Probe(StageCodemod):
    """Records the names it sees and checks visit/leave pairing of statement lines."""

    tokens: tuple[str, ...] | None = ("legacy",)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.names: list[str] = []
        self.depth = 0
        self.left = 0

    def statement_tokens(self) -> tuple[str, ...] | None:
        return self.tokens

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node.value)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.depth += 1

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        self.depth -= 1
        self.left += 1
        assert self.depth >= 0
        return updated_node.with_changes(
            trailing_whitespace=cst.TrailingWhitespace(comment=cst.Comment("# seen"))
        )


class _ProbeAll(_Probe):
    tokens = None


def _run(probe: type[_Probe]) -> tuple[_Probe, str]:
    ctx = FileContext("m.py", "m", load_plan(), "probe")
    seen: list[_Probe] = []

    class Recorded(probe):  # type: ignore[misc, valid-type]
        def __init__(self, ctx: FileContext) -> None:
            super().__init__(ctx)
            seen.append(self)

    out = run_codemod(cst.parse_module(SOURCE), Recorded, ctx)
    return seen[0], out.code


def test_lines_without_a_token_are_neither_visited_nor_left() -> None:
    probe, code = _run(_Probe)
    # `a = 1`, `e = 3` are passed over; the comment above `c = 2` holds the token.
    assert probe.names == ["b", "legacy", "a", "c", "f", "d", "legacy", "e"]
    assert probe.left == 3 and probe.depth == 0
    assert "a = 1\n" in code and "    e = 3\n" in code  # untouched
    assert "b = legacy(a)# seen\n" in code and "c = 2# seen\n" in code
    assert "    return legacy(e)# seen\n" in code


def test_without_tokens_every_line_is_visited() -> None:
    probe, code = _run(_ProbeAll)
    assert probe.names == ["a", "b", "legacy", "a", "c", "f", "d", "e", "legacy", "e"]
    assert probe.left == 5
    assert code.count("# seen") == 5
