"""A stage's statement_tokens: lines naming none of them are not visited at all."""

from __future__ import annotations

import libcst as cst

from codemods.plan import load_plan
from codemods.stages.base import FileContext, StageCodemod, run_codemod

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


def _run(probe: type[_Probe], source: str = SOURCE) -> tuple[_Probe, str]:
    ctx = FileContext("m.py", "m", load_plan(), "probe")
    seen: list[_Probe] = []

    class Recorded(probe):  # type: ignore[misc, valid-type]
        def __init__(self, ctx: FileContext) -> None:
            super().__init__(ctx)
            seen.append(self)

    out = run_codemod(cst.parse_module(source), Recorded, ctx)
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


COMPOUND = (
    "class Plain:\n    def m(self, x):\n        if x:\n            return x\n\n\n"
    "@legacy\ndef decorated(p):\n    return p\n\n\n"
    "for i in range(3):\n    print(i)\n# legacy: the comment above the `with`\n"
    "with open(f) as g:\n    pass\n"
)


class _CompoundProbe(_Probe):
    """Also counts the function and class definitions it visits and leaves."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.defs: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.defs.append(f"visit {node.name.value}")

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        self.defs.append(f"leave {original_node.name.value}")
        return updated_node

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.defs.append(f"visit {node.name.value}")


def test_compound_statements_without_a_token_are_neither_visited_nor_left() -> None:
    probe, code = _run(_CompoundProbe, COMPOUND)
    # `class Plain` and the `for` loop name no token; a decorator and a comment line do.
    assert probe.defs == ["visit decorated", "leave decorated"]
    assert "Plain" not in probe.names and "i" not in probe.names
    assert probe.names[:2] == ["legacy", "decorated"] and "g" in probe.names
    assert code == COMPOUND  # no statement line inside them names a token either
