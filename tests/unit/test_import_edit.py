"""Import editing helpers: layout and comments survive, nothing is duplicated."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from codemods.analysis.cst_text import dotted_name
from codemods.analysis.import_edit import (
    add_from_import,
    add_import,
    drop_aliases,
    edit_lines,
    insertion_index,
    name_uses,
    names_used,
    remove_import_names,
)


def parse(src: str) -> cst.Module:
    return cst.parse_module(textwrap.dedent(src))


def code(src: str) -> str:
    return textwrap.dedent(src)


def reparses(module: cst.Module) -> str:
    text = module.code
    assert cst.parse_module(text).code == text
    return text


# ------------------------------------------------------------- names_used ----
def test_names_used_skips_imports_attributes_and_keywords() -> None:
    m = parse(
        """
        from a import Bridge, Other
        import b as Alias
        x = obj.Bridge
        f(Bridge=1)
        y = Other.method()
        """
    )
    used = names_used(m)
    assert used["Bridge"] == 0
    assert used["Other"] == 1
    assert used["Alias"] == 0
    assert used["obj"] == 1


def test_names_used_counts_string_annotations_and_dunder_all() -> None:
    m = parse(
        """
        from a import Bridge, Emitter, Gone
        __all__ = ["Emitter"]
        def f(b: "Bridge") -> "Optional[Bridge]": ...
        """
    )
    used = names_used(m)
    assert used["Bridge"] == 2
    assert used["Optional"] == 1
    assert used["Emitter"] == 1
    assert used["Gone"] == 0


def test_names_used_ignores_definition_and_parameter_names() -> None:
    m = parse(
        """
        def Bridge(Emitter: int = Default) -> None: ...
        class Thing(Base): ...
        """
    )
    used = names_used(m)
    assert used["Bridge"] == 0 and used["Emitter"] == 0 and used["Thing"] == 0
    assert used["Default"] == 1 and used["Base"] == 1 and used["int"] == 1


# ---------------------------------------------------- remove_import_names ----
def test_removing_one_of_several_names_keeps_the_others() -> None:
    m = parse("from m import A, B, C\nprint(B)\n")
    assert reparses(remove_import_names(m, "m", {"A", "C"})) == "from m import B\nprint(B)\n"


def test_removing_last_name_of_parenthesised_import_keeps_comments_and_layout() -> None:
    m = parse(
        """
        from m import (
            A,  # first
            B,  # second
            C,
        )
        """
    )
    out = reparses(remove_import_names(m, "m", {"C"}))
    assert out == code(
        """
        from m import (
            A,  # first
            B,  # second
        )
        """
    )


def test_removing_last_name_without_trailing_comma_closes_cleanly() -> None:
    m = parse(
        """
        from m import (
            A,  # keep me
            B
        )
        """
    )
    out = reparses(remove_import_names(m, "m", {"B"}))
    assert out == code(
        """
        from m import (
            A,  # keep me
        )
        """
    )


def test_removing_aliased_name_matches_the_local_name() -> None:
    m = parse("from m import A as X, B\n")
    assert reparses(remove_import_names(m, "m", {"A"})) == "from m import A as X, B\n"
    assert reparses(remove_import_names(m, "m", {"X"})) == "from m import B\n"


def test_emptied_statement_is_dropped_and_its_comment_moves_down() -> None:
    m = parse(
        """
        import os
        # the legacy bridge
        from m import A
        x = 1
        """
    )
    out = reparses(remove_import_names(m, "m", {"A"}))
    assert out == code(
        """
        import os
        # the legacy bridge
        x = 1
        """
    )


def test_emptied_block_gets_pass() -> None:
    m = parse(
        """
        if TYPE_CHECKING:
            from m import A
        def f():
            from m import A
        """
    )
    out = reparses(remove_import_names(m, "m", {"A"}))
    assert out == code(
        """
        if TYPE_CHECKING:
            pass
        def f():
            pass
        """
    )


def test_removal_reaches_try_bodies_and_one_line_suites() -> None:
    m = parse(
        """
        try:
            from m import A, B
        except ImportError:
            A = None
        if True: from m import A
        """
    )
    out = reparses(remove_import_names(m, "m", {"A"}))
    assert out == code(
        """
        try:
            from m import B
        except ImportError:
            A = None
        if True: pass
        """
    )


def test_removal_reaches_every_kind_of_block() -> None:
    m = parse(
        """
        if a:
            from m import A
        elif b:
            from m import A
        else:
            from m import A
        for x in y:
            from m import A
        else:
            from m import A
        while c:
            from m import A
        with d:
            from m import A
        try:
            from m import A
        except* E:
            from m import A
        try:
            from m import A
        except E:
            from m import A
        else:
            from m import A
        finally:
            from m import A
        match v:
            case 1:
                from m import A
        class K:
            async def f(self):
                def g():
                    from m import A, B
        """
    )
    out = reparses(remove_import_names(m, "m", {"A"}))
    assert "import A" not in out
    assert out.count("from m import B") == 1
    assert out.count("pass") == 14  # one per emptied block


def test_removal_rebuilds_only_what_holds_an_edited_line() -> None:
    m = parse(
        """
        from m import A
        total = compute(1, 2)
        if ready(total):
            from m import A, B
            start(total)
        """
    )
    out = remove_import_names(m, "m", {"A"})
    assert out.code == code(
        """
        total = compute(1, 2)
        if ready(total):
            from m import B
            start(total)
        """
    )
    # Lines and expressions are handed back as they were, not copied.
    line, branch = out.body
    assert line is m.body[1]
    assert isinstance(branch, cst.If) and isinstance(m.body[2], cst.If)
    assert branch.test is m.body[2].test
    assert branch.body.body[1] is m.body[2].body.body[1]


def test_removal_of_aliased_module_import() -> None:
    m = parse("import m as X, os\nimport m\n")
    assert reparses(remove_import_names(m, "m", {"X"})) == "import os\nimport m\n"


def test_other_modules_and_relative_imports_are_untouched() -> None:
    src = "from mm import A\nfrom .m import A\nfrom m.sub import A\n"
    m = parse(src)
    assert remove_import_names(m, "m", {"A"}).code == src


def test_semicolon_line_keeps_the_other_statement() -> None:
    m = parse("import os; from m import A\n")
    assert reparses(remove_import_names(m, "m", {"A"})) == "import os\n"


# -------------------------------------------------------- add_from_import ----
def test_add_goes_after_docstring_future_and_imports() -> None:
    m = parse(
        '''
        """Doc."""
        from __future__ import annotations
        import os

        x = 1
        '''
    )
    out = reparses(add_from_import(m, "target_emitter", "UnifiedWebSocketEmitter"))
    assert out == code(
        '''
        """Doc."""
        from __future__ import annotations
        import os
        from target_emitter import UnifiedWebSocketEmitter

        x = 1
        '''
    )


def test_add_after_docstring_only_separates_with_blank_lines() -> None:
    m = parse('"""Doc."""\nx = 1\n')
    out = reparses(add_from_import(m, "t", "U"))
    assert out == '"""Doc."""\n\nfrom t import U\n\nx = 1\n'


def test_add_to_empty_module() -> None:
    assert reparses(add_from_import(cst.parse_module(""), "t", "U")) == "from t import U\n"


def test_add_is_a_no_op_when_already_imported() -> None:
    m = parse("from t import U\n")
    assert add_from_import(m, "t", "U").code == "from t import U\n"
    m2 = parse("from t import U as V\n")
    assert add_from_import(m2, "t", "U", "V").code == "from t import U as V\n"


def test_add_merges_into_existing_import_from_same_module() -> None:
    m = parse("from t import A\n")
    assert reparses(add_from_import(m, "t", "U", "V")) == "from t import A, U as V\n"


def test_add_merges_into_parenthesised_import_in_its_layout() -> None:
    m = parse(
        """
        from t import (
            A,  # note
        )
        """
    )
    out = reparses(add_from_import(m, "t", "U"))
    assert out == code(
        """
        from t import (
            A,  # note
            U,
        )
        """
    )


def test_add_does_not_merge_into_relative_or_star_imports() -> None:
    m = parse("from .t import A\nfrom t import *\n")
    out = reparses(add_from_import(m, "t", "U"))
    assert out == "from .t import A\nfrom t import *\nfrom t import U\n"


def test_add_stops_at_first_code_statement() -> None:
    m = parse("import os\nsys.path.insert(0, 'x')\nimport late\n")
    assert insertion_index(m) == 1
    out = reparses(add_from_import(m, "t", "U"))
    assert out.splitlines()[1] == "from t import U"


def test_add_import_plain_module_once() -> None:
    m = parse("import os\n")
    once = add_import(m, "target_emitter")
    assert reparses(once) == "import os\nimport target_emitter\n"
    assert add_import(once, "target_emitter").code == once.code


# -------------------------------------------------------------- low level ----
def test_drop_aliases_returns_none_when_nothing_is_left() -> None:
    node = cst.parse_statement("from m import A, B\n").body[0]  # type: ignore[attr-defined]
    assert drop_aliases(node, [False, False]) is None
    assert drop_aliases(node, [True, True]) is node


@pytest.mark.parametrize("src", ["a.b.c", "a", "f().x"])
def test_dotted_name(src: str) -> None:
    expected = None if "(" in src else src
    assert dotted_name(cst.parse_expression(src)) == expected


def test_edit_lines_can_replace_one_line_with_several() -> None:
    m = parse("# head\nimport a\n")

    def split(line: cst.SimpleStatementLine) -> list[cst.BaseStatement] | None:
        if isinstance(line.body[0], cst.Import):
            return [line, cst.parse_statement("import b\n")]
        return None

    assert reparses(edit_lines(m, split)) == "# head\nimport a\nimport b\n"


def test_removed_statement_between_blank_lines_leaves_one_gap() -> None:
    m = parse("import os\n\nfrom m import A\n\nx = 1\n")
    assert reparses(remove_import_names(m, "m", {"A"})) == "import os\n\nx = 1\n"


def test_removed_statement_keeps_the_blank_line_above_its_comment() -> None:
    m = parse("import os\n\n# about A\nfrom m import A\nx = 1\n")
    assert reparses(remove_import_names(m, "m", {"A"})) == "import os\n\n# about A\nx = 1\n"


def test_name_uses_points_at_the_using_nodes() -> None:
    m = parse(
        """
        from a import Bridge
        def f(b: "Bridge") -> None:
            Bridge()
        """
    )
    uses = name_uses(m)["Bridge"]
    assert [type(u).__name__ for u in uses] == ["SimpleString", "Name"]


# ------------------------------------------------------ isort-like placing ----
def _placed(source: str, module: str = "compat.deprecation", own: str = "app") -> str:
    tree = cst.parse_module(textwrap.dedent(source).lstrip("\n"))
    return add_from_import(tree, module, "legacy_api", own_package=own).code


def test_a_third_party_import_gets_its_own_group_after_the_standard_library() -> None:
    assert _placed(
        '''
        """Doc."""

        from __future__ import annotations

        import logging
        from typing import Any

        from app.core import thing


        class C:
            pass
        '''
    ) == textwrap.dedent(
        '''\
        """Doc."""

        from __future__ import annotations

        import logging
        from typing import Any

        from compat.deprecation import legacy_api

        from app.core import thing


        class C:
            pass
        '''
    )


def test_a_third_party_import_joins_the_third_party_group_in_order() -> None:
    assert _placed(
        """
        import os

        import attr
        from pydantic import BaseModel
        from zope import interface

        from app import x
        """
    ) == textwrap.dedent(
        """\
        import os

        import attr
        from compat.deprecation import legacy_api
        from pydantic import BaseModel
        from zope import interface

        from app import x
        """
    )


def test_first_of_a_group_takes_the_blank_line_and_leaves_the_comment_to_its_line() -> None:
    assert _placed(
        """
        import os

        # pinned below 2: see the changelog
        from pydantic import BaseModel
        """
    ) == textwrap.dedent(
        """\
        import os

        from compat.deprecation import legacy_api
        # pinned below 2: see the changelog
        from pydantic import BaseModel
        """
    )


def test_a_new_group_above_the_first_one_leaves_its_comment_where_it_was() -> None:
    # Seen in the real backend: a package __init__ whose first import carries a comment.
    assert _placed(
        '''
        """Doc."""

        # Unified implementations (SSOT)
        from app.core import thing
        '''
    ) == textwrap.dedent(
        '''\
        """Doc."""

        from compat.deprecation import legacy_api

        # Unified implementations (SSOT)
        from app.core import thing
        '''
    )


def test_a_project_package_beside_the_own_one_counts_as_first_party_by_its_group() -> None:
    assert _placed(
        """
        import os

        from app.x import a
        from shared.y import b
        """
    ) == textwrap.dedent(
        """\
        import os

        from compat.deprecation import legacy_api

        from app.x import a
        from shared.y import b
        """
    )


def test_a_group_mixing_sections_falls_back_to_the_end_of_the_block() -> None:
    assert _placed(
        """
        import os
        from app import a
        x = 1
        """
    ) == textwrap.dedent(
        """\
        import os
        from app import a
        from compat.deprecation import legacy_api
        x = 1
        """
    )


def test_a_header_comment_above_the_first_import_stays_on_top() -> None:
    assert _placed(
        """
        # Copyright the authors.
        from app.core import thing
        """
    ) == textwrap.dedent(
        """\
        # Copyright the authors.
        from compat.deprecation import legacy_api

        from app.core import thing
        """
    )
