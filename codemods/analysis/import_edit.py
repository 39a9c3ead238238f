"""Format-preserving edits to a module's imports, shared by the stages.

Removing a name keeps the rest of the statement as written (parentheses, trailing
commas, per-name comments); a statement left empty is dropped and the comment
lines above it move to the next statement, and a block left empty gets `pass`.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TypeVar

import libcst as cst

from codemods.analysis.cst_text import dotted_expr, dotted_name
from codemods.fastcst.dispatch import FastTransformer, FastVisitor

# What a line edit returns: the statements that replace the line (empty: drop it).
LineEdit = Callable[[cst.SimpleStatementLine], Sequence[cst.BaseStatement] | None]


def alias_local_name(alias: cst.ImportAlias) -> str:
    """The name an import alias binds (`import a.b` binds `a`)."""
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    full = dotted_name(alias.name) or ""
    return full.split(".", 1)[0]


# ------------------------------------------------------------- names used ----
class _NameUses(FastVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.uses: dict[str, list[cst.CSTNode]] = {}
        self._annotation_depth = 0
        self._string: cst.SimpleString | None = None  # string annotation being read

    def _use(self, name: str, node: cst.CSTNode) -> None:
        self.uses.setdefault(name, []).append(node)

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self.walk(node.value)  # `.attr` names a member, not a local
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        self.walk(node.value)  # `keyword=` is not a reference
        return False

    def visit_Param(self, node: cst.Param) -> bool:
        for child in (node.annotation, node.default):
            if child is not None:
                self.walk(child)
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        for part in (*node.decorators, node.params, node.returns, node.body):
            if part is not None:
                self.walk(part)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        for part in (*node.decorators, *node.bases, *node.keywords, node.body):
            self.walk(part)
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self._use(node.value, self._string or node)

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._annotation_depth += 1

    def leave_Annotation(self, original_node: cst.Annotation) -> None:
        self._annotation_depth -= 1

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        # A string annotation (`x: "Bridge"`) still needs the name imported.
        if self._annotation_depth and self._string is None:
            text = node.evaluated_value
            if not isinstance(text, str):
                return
            try:
                expr = cst.parse_expression(text.strip())
            except cst.ParserSyntaxError:
                return
            self._string = node
            self.walk(expr)
            self._string = None

    def visit_Assign(self, node: cst.Assign) -> None:
        # `__all__ = ["Name"]` re-exports the name: it is used.
        if any(dotted_name(t.target) == "__all__" for t in node.targets):
            self._use_all(node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if dotted_name(node.target) == "__all__":
            self._use_all(node.value)

    def _use_all(self, value: cst.BaseExpression) -> None:
        if isinstance(value, cst.List | cst.Tuple):
            for el in value.elements:
                if isinstance(el.value, cst.SimpleString):
                    text = el.value.evaluated_value
                    if isinstance(text, str) and text.isidentifier():
                        self._use(text, el.value)


def name_uses(node: cst.CSTNode) -> dict[str, list[cst.CSTNode]]:
    """Each local name referenced in `node` outside imports -> the nodes that use it.

    Plain Name references (not `.attr`, not `keyword=`, not def/class/param names);
    a name inside a string annotation is used by that string; a string entry of
    `__all__` uses (re-exports) its name.
    """
    finder = _NameUses()
    finder.walk(node)
    return finder.uses


def names_used(module: cst.CSTNode) -> Counter[str]:
    """How often each local name is referenced outside import statements (see name_uses)."""
    return Counter({name: len(nodes) for name, nodes in name_uses(module).items()})


# ----------------------------------------------------------- line editing ----
def edit_lines(module: cst.Module, edit: LineEdit) -> cst.Module:
    """Apply `edit` to every simple statement line, in every block of the module.

    `edit` returns None to keep the line, or the statements replacing it (none to
    drop it). Comment lines above a dropped line move to the next statement;
    a block left empty gets `pass`.
    """
    return module.visit(_LineEditor(edit))


# What can hold a statement line. Nothing else is visited: an expression or a line's own
# parts cannot, and LibCST would rebuild every node it visits (and all of a module's
# imports are edited with one pass per module path).
_HOLDS_LINES = (
    cst.Module,
    cst.BaseCompoundStatement,
    cst.BaseSuite,
    cst.Else,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.Finally,
    cst.MatchCase,
)


class _LineEditor(FastTransformer):
    def __init__(self, edit: LineEdit) -> None:
        super().__init__()
        self.edit = edit

    def on_visit(self, node: cst.CSTNode) -> bool:
        return isinstance(node, _HOLDS_LINES) and super().on_visit(node)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return with_block_body(updated_node, *self._edit_body(updated_node.body))

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        return with_block_body(updated_node, *self._edit_body(updated_node.body))

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        # `if x: import a` -- edit it as a line, keep it a one-line suite.
        line = cst.SimpleStatementLine(body=updated_node.body)
        replaced = self.edit(line)
        if replaced is None:
            return updated_node
        small: list[cst.BaseSmallStatement] = []
        for stmt in replaced:
            if isinstance(stmt, cst.SimpleStatementLine):
                small.extend(stmt.body)
        if not small:
            small = [cst.Pass()]
        small = [s.with_changes(semicolon=cst.MaybeSentinel.DEFAULT) for s in small]
        return updated_node.with_changes(body=small)

    def _edit_body(
        self, body: Sequence[cst.BaseStatement]
    ) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
        out: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []
        for stmt in body:
            replaced: Sequence[cst.BaseStatement] | None = None
            if isinstance(stmt, cst.SimpleStatementLine):
                replaced = self.edit(stmt)
            new = [stmt] if replaced is None else list(replaced)
            if not new:
                carried.extend(stmt.leading_lines)
                continue
            new[0] = carry_leading_lines(carried, new[0])
            carried = []
            out.extend(new)
        return out, spilled_lines(carried)


_Block = TypeVar("_Block", cst.Module, cst.IndentedBlock)


def with_block_body(
    node: _Block, body: Sequence[cst.BaseStatement], spill: Sequence[cst.EmptyLine]
) -> _Block:
    """`node` with its statements replaced by `body`. `spill`, comment lines that had no
    statement left below them, goes to the footer; an indented block left empty gets
    `pass`, which carries them."""
    if isinstance(node, cst.IndentedBlock) and not body:
        body, spill = [cst.SimpleStatementLine(body=[cst.Pass()], leading_lines=spill)], []
    return node.with_changes(body=body, footer=[*spill, *node.footer])


def _longest_blank_run(lines: Sequence[cst.EmptyLine]) -> int:
    longest = run = 0
    for line in lines:
        run = run + 1 if line.comment is None else 0
        longest = max(longest, run)
    return longest


def carry_leading_lines(
    carried: Sequence[cst.EmptyLine], stmt: cst.BaseStatement
) -> cst.BaseStatement:
    """`stmt` with the blank/comment lines of removed statements above it put before its own.

    Blank runs are capped at the longest run either side had, so removing a
    statement between two blank lines does not leave a double gap.
    """
    if not carried:
        return stmt
    cap = max(_longest_blank_run(carried), _longest_blank_run(stmt.leading_lines))
    merged: list[cst.EmptyLine] = []
    run = 0
    for line in [*carried, *stmt.leading_lines]:
        run = run + 1 if line.comment is None else 0
        if run <= cap:
            merged.append(line)
    return stmt.with_changes(leading_lines=merged)


def spilled_lines(carried: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """What a block's footer keeps of the lines above removed trailing statements."""
    return [line for line in carried if line.comment is not None]


# -------------------------------------------------------- alias surgery ----
def drop_aliases(
    node: cst.ImportFrom | cst.Import, keep: Sequence[bool]
) -> cst.ImportFrom | cst.Import | None:
    """The statement without the aliases whose `keep` is False; None if none remain.

    The comma after each kept name (and any comment on it) stays; when the last
    name goes, the new last name takes over the old one's closing layout.
    """
    aliases = list(node.names) if not isinstance(node.names, cst.ImportStar) else []
    if all(keep):
        return node
    kept = [a for a, k in zip(aliases, keep, strict=True) if k]
    if not kept:
        return None
    if keep[-1]:
        return node.with_changes(names=kept)
    old_last = aliases[-1]
    new_last = kept[-1]
    parenthesized = isinstance(node, cst.ImportFrom) and node.lpar is not None
    if not parenthesized:
        kept[-1] = new_last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return node.with_changes(names=kept)
    assert isinstance(node, cst.ImportFrom) and node.rpar is not None
    rpar = node.rpar
    mine = new_last.comma.whitespace_after if isinstance(new_last.comma, cst.Comma) else None
    if isinstance(old_last.comma, cst.Comma):
        closing = old_last.comma.whitespace_after
    else:
        closing = rpar.whitespace_before
        rpar = rpar.with_changes(whitespace_before=cst.SimpleWhitespace(""))
    if mine is None:
        kept[-1] = new_last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return node.with_changes(names=kept, rpar=node.rpar)
    kept[-1] = new_last.with_changes(
        comma=new_last.comma.with_changes(whitespace_after=_merge_ws(mine, closing))
    )
    return node.with_changes(names=kept, rpar=rpar)


def _merge_ws(
    mine: cst.BaseParenthesizableWhitespace, closing: cst.BaseParenthesizableWhitespace
) -> cst.BaseParenthesizableWhitespace:
    """Keep my end-of-line comment, take the closing line's indentation."""
    if isinstance(mine, cst.ParenthesizedWhitespace) and isinstance(
        closing, cst.ParenthesizedWhitespace
    ):
        return mine.with_changes(indent=closing.indent, last_line=closing.last_line)
    return closing


def append_alias(node: cst.ImportFrom, alias: cst.ImportAlias) -> cst.ImportFrom:
    """`node` with `alias` added last, in the statement's own layout."""
    assert not isinstance(node.names, cst.ImportStar)
    aliases = list(node.names)
    last = aliases[-1]
    opening = node.lpar.whitespace_after if node.lpar is not None else None
    if isinstance(opening, cst.ParenthesizedWhitespace):
        # One name a line: the separator is a bare newline at the first name's indent.
        sep: cst.BaseParenthesizableWhitespace = cst.ParenthesizedWhitespace(
            indent=opening.indent, last_line=opening.last_line
        )
        if isinstance(last.comma, cst.Comma):
            tail = last.comma
            ws = last.comma.whitespace_after
            if isinstance(ws, cst.ParenthesizedWhitespace):
                # The old last name keeps its comment; the new one gets the closing line.
                sep = ws.with_changes(indent=opening.indent, last_line=opening.last_line)
                tail = tail.with_changes(
                    whitespace_after=ws.with_changes(
                        first_line=cst.TrailingWhitespace(), empty_lines=()
                    )
                )
            aliases[-1] = last.with_changes(comma=last.comma.with_changes(whitespace_after=sep))
            aliases.append(alias.with_changes(comma=tail))
        else:
            aliases[-1] = last.with_changes(comma=cst.Comma(whitespace_after=sep))
            aliases.append(alias)
    else:
        trailing = isinstance(last.comma, cst.Comma)
        aliases[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        aliases.append(alias.with_changes(comma=cst.Comma()) if trailing else alias)
    return node.with_changes(names=aliases)


# --------------------------------------------------------- public edits ----
def _from_module(node: cst.ImportFrom) -> str | None:
    """The absolute module of a `from` import; None for relative ones."""
    if node.relative:
        return None
    return dotted_name(node.module)


def remove_import_names(module: cst.Module, module_path: str, names: set[str]) -> cst.Module:
    """Drop the local `names` imported from `module_path`, anywhere in the module.

    Covers `from module_path import A, B as C` and `import module_path as X`.
    """
    if not names:
        return module

    def edit_small(small: cst.BaseSmallStatement) -> cst.BaseSmallStatement | None:
        if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
            if _from_module(small) != module_path:
                return small
            keep = [alias_local_name(a) not in names for a in small.names]
        elif isinstance(small, cst.Import):
            keep = [
                not (
                    a.asname is not None
                    and dotted_name(a.name) == module_path
                    and alias_local_name(a) in names
                )
                for a in small.names
            ]
        else:
            return small
        return drop_aliases(small, keep)

    return edit_lines(module, lambda line: _edit_small_statements(line, edit_small))


def _edit_small_statements(
    line: cst.SimpleStatementLine,
    edit_small: Callable[[cst.BaseSmallStatement], cst.BaseSmallStatement | None],
) -> list[cst.BaseStatement] | None:
    new_body: list[cst.BaseSmallStatement] = []
    changed = False
    for small in line.body:
        new = edit_small(small)
        changed = changed or new is not small
        if new is not None:
            new_body.append(new)
    if not changed:
        return None
    if not new_body:
        return []
    # The last statement on a line carries no semicolon.
    new_body[-1] = new_body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
    return [line.with_changes(body=new_body)]


def _is_import_line(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, cst.Import | cst.ImportFrom) for s in stmt.body
    )


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )


def insertion_index(module: cst.Module) -> int:
    """Where a new top-level import goes: after the leading docstring/import block."""
    index = 0
    for i, stmt in enumerate(module.body):
        if _is_import_line(stmt) or (i == 0 and _is_docstring(stmt)):
            index = i + 1
        else:
            break
    return index


def _top_level_from(module: cst.Module, module_path: str) -> list[tuple[int, int]]:
    """(statement index, small-statement index) of top-level `from module_path import`."""
    hits = []
    for i, stmt in enumerate(module.body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for j, small in enumerate(stmt.body):
            if (
                isinstance(small, cst.ImportFrom)
                and not isinstance(small.names, cst.ImportStar)
                and _from_module(small) == module_path
            ):
                hits.append((i, j))
    return hits


def _make_alias(name: str, asname: str | None) -> cst.ImportAlias:
    return cst.ImportAlias(
        name=cst.Name(name),
        asname=cst.AsName(name=cst.Name(asname)) if asname and asname != name else None,
    )


def _insert_statement(module: cst.Module, stmt: cst.SimpleStatementLine) -> cst.Module:
    index = insertion_index(module)
    body = list(module.body)
    if index == 0 and body:
        # Above the first statement: its comment header stays on top.
        first = body[0]
        body[0] = first.with_changes(leading_lines=[])
        stmt = stmt.with_changes(leading_lines=first.leading_lines)
    elif index == 1 and _is_docstring(body[0]) and not _is_import_line(body[0]):
        stmt = stmt.with_changes(leading_lines=[cst.EmptyLine()])
        if index < len(body) and not body[index].leading_lines:
            body[index] = body[index].with_changes(leading_lines=[cst.EmptyLine()])
    following = body[index] if index < len(body) else None
    if isinstance(following, cst.ClassDef | cst.FunctionDef) and not any(
        line.comment is None for line in following.leading_lines
    ):
        # An import right above a definition reads as part of it: PEP 8's two blank lines.
        body[index] = following.with_changes(
            leading_lines=[cst.EmptyLine(), cst.EmptyLine(), *following.leading_lines]
        )
    trailing = module.has_trailing_newline or not module.body  # an empty file has none
    body.insert(index, stmt)
    return module.with_changes(body=body, has_trailing_newline=trailing)


def add_from_import(
    module: cst.Module,
    module_path: str,
    name: str,
    asname: str | None = None,
    *,
    own_package: str | None = None,
) -> cst.Module:
    """Import `name` (as `asname`) from `module_path` at top level, once.

    Merges into an existing top-level `from module_path import ...`; otherwise adds
    a statement after the leading docstring/`__future__`/import block, or, given the
    file's own top-level package, where isort and ruff would put it (see
    `_sorted_place`).
    """
    asname = None if asname == name else asname
    hits = _top_level_from(module, module_path)
    for i, j in hits:
        small = module.body[i].body[j]  # type: ignore[attr-defined]
        for alias in small.names:
            same_asname = (alias.asname.name.value if alias.asname else None) == asname
            if dotted_name(alias.name) == name and same_asname:
                return module
    if hits:
        i, j = hits[0]
        line = module.body[i]
        assert isinstance(line, cst.SimpleStatementLine)
        small = line.body[j]
        assert isinstance(small, cst.ImportFrom)
        new_small = append_alias(small, _make_alias(name, asname))
        new_line = line.with_changes(
            body=[new_small if k == j else s for k, s in enumerate(line.body)]
        )
        return module.with_changes(
            body=[new_line if k == i else s for k, s in enumerate(module.body)]
        )
    stmt = cst.SimpleStatementLine(
        body=[cst.ImportFrom(module=dotted_expr(module_path), names=[_make_alias(name, asname)])]
    )
    if own_package is not None:
        placed = _sorted_place(module, stmt, module_path, own_package)
        if placed is not None:
            return placed
    return _insert_statement(module, stmt)


# ------------------------------------------------------ isort-like placing ----
_FUTURE, _STDLIB, _THIRD_PARTY, _FIRST_PARTY, _LOCAL = range(5)


def _section(module_path: str, relative: bool, own_package: str) -> int:
    """isort's section of an import: future, standard library, third party, first party
    (the file's own top-level package), local (relative)."""
    if relative:
        return _LOCAL
    top = module_path.split(".", 1)[0]
    if top == "__future__":
        return _FUTURE
    if top in sys.stdlib_module_names:
        return _STDLIB
    return _FIRST_PARTY if top == own_package else _THIRD_PARTY


def _import_key(small: cst.Import | cst.ImportFrom) -> tuple[bool, str, str]:
    """Order within a section, as isort's default profile has it: `import x` lines first,
    then `from x import` lines, each by module name without regard to case."""
    if isinstance(small, cst.ImportFrom):
        name = ("." * len(small.relative)) + (dotted_name(small.module) or "")
        return (True, name.lower(), name)
    name = dotted_name(small.names[0].name) or ""
    return (False, name.lower(), name)


def _sorted_place(
    module: cst.Module, stmt: cst.SimpleStatementLine, module_path: str, own_package: str
) -> cst.Module | None:
    """`module` with the import `stmt` placed as isort would, trusting the file's own
    grouping: its leading imports form groups separated by blank lines, and a group is
    of the section its lines name (first party when any line is of `own_package` or
    relative, since a project's other packages look third party from here). None when
    the leading imports are not plain groups this can read."""
    start = 1 if module.body and _is_docstring(module.body[0]) else 0
    end = insertion_index(module)
    lines = list(module.body[start:end])
    if not lines or not all(
        isinstance(ln, cst.SimpleStatementLine) and len(ln.body) == 1 for ln in lines
    ):
        return None
    groups: list[list[int]] = []
    for i, line in enumerate(lines):
        blank = any(e.comment is None for e in line.leading_lines) and i > 0
        if not groups or blank:
            groups.append([])
        groups[-1].append(start + i)

    def section_of(index: int) -> int:
        small = module.body[index].body[0]  # type: ignore[attr-defined]
        if isinstance(small, cst.ImportFrom):
            path = dotted_name(small.module) or ""
            return _section(path, bool(small.relative), own_package)
        return _section(dotted_name(small.names[0].name) or "", False, own_package)

    group_sections = []
    for group in groups:
        sections = {section_of(i) for i in group}
        if sections & {_FIRST_PARTY, _LOCAL} and sections <= {_THIRD_PARTY, _FIRST_PARTY, _LOCAL}:
            group_sections.append(max(sections))
        elif len(sections) == 1:
            group_sections.append(sections.pop())
        else:
            return None  # a group mixing sections: not sorted the way this reads it
    mine = _section(module_path, False, own_package)
    key = _import_key(stmt.body[0])  # type: ignore[arg-type]
    body = list(module.body)
    for group, section in zip(groups, group_sections, strict=True):
        if section != mine:
            continue
        at = next(
            (i for i in group if _import_key(module.body[i].body[0]) > key),  # type: ignore[attr-defined]
            group[-1] + 1,
        )
        if at == group[0]:
            # First of its group: it takes the blank lines above the group; the comment
            # lines right above the old first line stay with it (they may be about it).
            blanks, comments = _split_leading(body[at].leading_lines, at)
            stmt = stmt.with_changes(leading_lines=blanks)
            body[at] = body[at].with_changes(leading_lines=comments)
        body.insert(at, stmt)
        return module.with_changes(body=body)
    # No group of its section: a new group after the earlier sections' groups.
    before = [g for g, s in zip(groups, group_sections, strict=True) if s < mine]
    at = before[-1][-1] + 1 if before else groups[0][0]
    if at == groups[0][0]:
        blanks, comments = _split_leading(body[at].leading_lines, at)
        stmt = stmt.with_changes(leading_lines=blanks)
        body[at] = body[at].with_changes(leading_lines=[cst.EmptyLine(), *comments])
    else:
        stmt = stmt.with_changes(leading_lines=[cst.EmptyLine()])
    body.insert(at, stmt)
    return module.with_changes(body=body)


def _split_leading(
    lines: Sequence[cst.EmptyLine], index: int
) -> tuple[list[cst.EmptyLine], list[cst.EmptyLine]]:
    """A statement's leading lines as (what comes before its comment block, the comment
    lines right above it). Above the module's first statement they are a header (a
    licence), which stays on top. (LibCST usually keeps those in `Module.header`.)"""
    if index == 0:
        return list(lines), []
    cut = len(lines)
    while cut > 0 and lines[cut - 1].comment is not None:
        cut -= 1
    return list(lines[:cut]), list(lines[cut:])


def add_import(module: cst.Module, module_path: str) -> cst.Module:
    """`import module_path` at top level, unless it is already there."""
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Import) and any(
                    a.asname is None and dotted_name(a.name) == module_path for a in small.names
                ):
                    return module
    stmt = cst.SimpleStatementLine(
        body=[cst.Import(names=[cst.ImportAlias(name=dotted_expr(module_path))])]
    )
    return _insert_statement(module, stmt)
