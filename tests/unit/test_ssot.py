"""`emitter-migrate ssot`: duplicate class names and symbols reached by several import paths."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from codemods import cli
from codemods.ssot import build_report, is_test_path

TREE = {
    "pkg/__init__.py": "from pkg.core import Manager, get_manager\n",
    "pkg/core.py": (
        "class Manager:\n    pass\n\n\nConnectionManager = Manager\n\n\n"
        "def get_manager():\n    return Manager()\n"
    ),
    "pkg/compat_path.py": "from .core import ConnectionManager as Manager\n",
    "pkg/other_manager.py": "def get_manager():\n    raise RuntimeError('not this one')\n",
    "app.py": (
        "from pkg import Manager, get_manager\n"
        "from pkg.core import Manager as M2, ConnectionManager\n"
        "from pkg.compat_path import Manager as M3\n"
        "from pkg.other_manager import get_manager as other\n\n\n"
        "class Emitter:\n    pass\n"
    ),
    "other.py": "class Emitter:\n    class Inner:\n        pass\n",
    "tests/test_x.py": "from pkg.core import Manager\n\n\nclass Emitter:\n    pass\n",
    "broken.py": "class (:\n",
}


def _tree(root: Path) -> Path:
    for rel, text in TREE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_test_code_is_told_by_its_folder_or_name():
    assert is_test_path("tests/unit/x.py") and is_test_path("a/test_b.py")
    assert is_test_path("conftest.py") and is_test_path("a/b_test.py")
    assert not is_test_path("app/testing_helpers.py") and not is_test_path("latest.py")


def test_duplicate_classes_count_non_test_code_at_any_depth(tmp_path):
    report = build_report([_tree(tmp_path)])
    [dup] = report.duplicate_classes
    assert dup.name == "Emitter"
    assert [(p.path, p.line) for p in dup.places] == [("app.py", 7), ("other.py", 1)]


def test_imports_are_followed_through_reexports_and_aliases_to_one_definition(tmp_path):
    report = build_report([_tree(tmp_path)], jobs=2)
    manager = report.find("pkg.core.Manager")
    assert manager is not None
    assert manager.paths == {
        "pkg.core.Manager": 3,  # app.py, tests/test_x.py, pkg/__init__.py
        "pkg.core.ConnectionManager": 2,  # app.py, pkg/compat_path.py
        "pkg.Manager": 1,
        "pkg.compat_path.Manager": 1,
    }


def test_two_different_functions_under_one_name_stay_apart(tmp_path):
    report = build_report([_tree(tmp_path)])
    definitions = {i.definition for i in report.import_paths}
    assert "pkg.other_manager.get_manager" not in definitions  # one path only
    getter = report.find("pkg.core.get_manager")
    assert getter is not None and set(getter.paths) == {"pkg.core.get_manager", "pkg.get_manager"}


def test_a_file_that_does_not_parse_is_listed_and_the_rest_still_read(tmp_path):
    report = build_report([_tree(tmp_path)])
    assert [path for path, _ in report.errors] == ["broken.py"]
    assert report.files == len(TREE)


def test_cli_exits_1_on_findings_and_prints_json_and_markdown(tmp_path, monkeypatch):
    monkeypatch.chdir(_tree(tmp_path))
    runner = CliRunner()
    text = runner.invoke(cli.app, ["ssot", "--jobs", "1"])
    assert text.exit_code == 1
    assert text.stdout.startswith(
        "8 files read: 1 class name defined more than once in non-test code, "
        "2 symbols imported through more than one path\n"
    )
    doc = json.loads(runner.invoke(cli.app, ["ssot", "--format", "json", "--jobs", "1"]).stdout)
    assert [d["name"] for d in doc["duplicate_classes"]] == ["Emitter"]
    md = runner.invoke(cli.app, ["ssot", "--format", "markdown", "--jobs", "1"]).stdout
    assert "| `pkg.core.Manager` | 4 | `pkg.core.Manager` (3 imports) |" in md


def test_cli_exits_0_when_every_name_has_one_home(tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text("class A:\n    pass\n")
    (tmp_path / "b.py").write_text("from a import A\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli.app, ["ssot", "--jobs", "1"])
    assert result.exit_code == 0


def test_a_star_import_reexports_too(tmp_path):
    _tree(tmp_path)
    (tmp_path / "pkg" / "legacy_path.py").write_text("from pkg.core import *  # noqa\n")
    (tmp_path / "late.py").write_text("from pkg.legacy_path import Manager\n")
    manager = build_report([tmp_path]).find("pkg.core.Manager")
    assert manager is not None and manager.paths["pkg.legacy_path.Manager"] == 1


def test_an_alias_of_an_imported_name_follows_the_import(tmp_path):
    _tree(tmp_path)
    (tmp_path / "pkg" / "shim.py").write_text(
        "from pkg.core import Manager\n\nManager = Manager\nLegacyManager = Manager\n"
    )
    (tmp_path / "late.py").write_text("from pkg.shim import Manager, LegacyManager\n")
    manager = build_report([tmp_path]).find("pkg.core.Manager")
    assert manager is not None
    assert (manager.paths["pkg.shim.Manager"], manager.paths["pkg.shim.LegacyManager"]) == (1, 1)
