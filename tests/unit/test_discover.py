"""Which files a run looks at."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pytest

from codemods.run.discover import SKIPPED_DIR_NAMES, Discovery, common_root, discover

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _tree(root: Path, files: Iterable[str], content: str = "x = 1\n") -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def _rel(found: Discovery, root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in found.files]


def _reasons(found: Discovery, root: Path) -> dict[str, str]:
    return {Path(e.path).relative_to(root).as_posix(): e.reason for e in found.errors}


def test_walk_finds_python_files_in_tree_order(tmp_path: Path) -> None:
    _tree(tmp_path, ["b.py", "a/z.py", "a/b/c.py", "a.py", "notes.txt", "data.json", "x.pyc"])
    found = discover([tmp_path])
    assert _rel(found, tmp_path) == ["a/b/c.py", "a/z.py", "a.py", "b.py"]
    assert found.errors == []
    assert found.root == tmp_path


def test_order_does_not_depend_on_creation_order(tmp_path: Path) -> None:
    _tree(tmp_path / "one", ["m/q.py", "c.py", "a.py"])
    _tree(tmp_path / "two", ["a.py", "c.py", "m/q.py"])
    one = _rel(discover([tmp_path / "one"]), tmp_path / "one")
    two = _rel(discover([tmp_path / "two"]), tmp_path / "two")
    assert one == two == ["a.py", "c.py", "m/q.py"]


def test_missing_path_is_an_error_and_others_still_walked(tmp_path: Path) -> None:
    _tree(tmp_path, ["ok.py"])
    found = discover([tmp_path / "nope", tmp_path / "ok.py"], root=tmp_path)
    assert _rel(found, tmp_path) == ["ok.py"]
    assert _reasons(found, tmp_path) == {"nope": "does not exist"}


def test_named_file_is_included_even_if_not_python_or_ignored(tmp_path: Path) -> None:
    _tree(tmp_path, ["script", "gen.py", ".gitignore"])
    (tmp_path / ".gitignore").write_text("gen.py\n")
    found = discover([tmp_path / "script", tmp_path / "gen.py"])
    assert _rel(found, tmp_path) == ["gen.py", "script"]
    assert _rel(discover([tmp_path]), tmp_path) == []


def test_relative_paths_stay_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, ["src/pkg/a.py", "src/b.py"])
    monkeypatch.chdir(tmp_path)
    found = discover([Path("src")])
    assert found.files == [Path("src/b.py"), Path("src/pkg/a.py")]
    assert found.root == tmp_path / "src"


def test_same_file_named_twice_is_listed_once(tmp_path: Path) -> None:
    _tree(tmp_path, ["pkg/a.py"])
    found = discover([tmp_path / "pkg", tmp_path / "pkg/a.py", tmp_path / "pkg" / ".." / "pkg"])
    assert _rel(found, tmp_path) == ["pkg/a.py"]


def test_path_outside_an_explicit_root_is_refused(tmp_path: Path) -> None:
    _tree(tmp_path, ["root/a.py", "elsewhere/b.py"])
    found = discover([tmp_path / "elsewhere"], root=tmp_path / "root")
    assert found.files == []
    [error] = found.errors
    assert error.reason == f"outside the root {tmp_path / 'root'}; not used"


# --- skipped folders -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SKIPPED_DIR_NAMES))
def test_tool_and_vendor_folders_are_skipped(tmp_path: Path, name: str) -> None:
    _tree(tmp_path, [f"{name}/inner.py", f"pkg/{name}/deep.py", "keep.py"])
    assert _rel(discover([tmp_path]), tmp_path) == ["keep.py"]


def test_virtualenv_is_recognised_by_pyvenv_cfg(tmp_path: Path) -> None:
    _tree(tmp_path, ["env/lib/site.py", "env/pyvenv.cfg", "app/main.py"])
    assert _rel(discover([tmp_path]), tmp_path) == ["app/main.py"]


def test_named_folder_is_walked_even_if_it_would_be_skipped(tmp_path: Path) -> None:
    _tree(tmp_path, ["env/pyvenv.cfg", "env/lib/site.py", "env/__pycache__/x.py"])
    assert _rel(discover([tmp_path / "env"]), tmp_path) == ["env/lib/site.py"]


# --- .gitignore and exclude ----------------------------------------------------------


def test_root_gitignore_patterns_apply(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        [
            "build/out.py",
            "src/build/also.py",
            "a.gen.py",
            "keep.gen.py",
            "dist/d.py",
            "src/dist/d.py",
            "src/main.py",
        ],
    )
    (tmp_path / ".gitignore").write_text("# generated\nbuild/\n*.gen.py\n!keep.gen.py\n/dist\n\n")
    found = discover([tmp_path])
    assert _rel(found, tmp_path) == ["keep.gen.py", "src/dist/d.py", "src/main.py"]


def test_nested_gitignore_is_relative_to_its_folder_and_wins(tmp_path: Path) -> None:
    _tree(tmp_path, ["x_test.py", "sub/x_test.py", "sub/local.py", "sub/deep/local.py", "local.py"])
    (tmp_path / ".gitignore").write_text("*_test.py\n")
    (tmp_path / "sub" / ".gitignore").write_text("!x_test.py\n/local.py\n")
    found = discover([tmp_path])
    assert _rel(found, tmp_path) == ["local.py", "sub/deep/local.py", "sub/x_test.py"]


def test_file_inside_an_ignored_folder_cannot_be_re_included(tmp_path: Path) -> None:
    _tree(tmp_path, ["build/keep.py", "main.py"])
    (tmp_path / ".gitignore").write_text("build/\n!build/keep.py\n")
    assert _rel(discover([tmp_path]), tmp_path) == ["main.py"]


def test_pattern_without_slash_matches_folders_at_any_depth(tmp_path: Path) -> None:
    _tree(tmp_path, ["a/generated/x.py", "generated/y.py", "a/generated.py", "a/z.py"])
    (tmp_path / ".gitignore").write_text("generated/\n")
    assert _rel(discover([tmp_path]), tmp_path) == ["a/generated.py", "a/z.py"]


def test_gitignore_above_the_root_applies_inside_a_git_work_tree(tmp_path: Path) -> None:
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("private.py\n")
    _tree(
        tmp_path,
        [
            "app/skip.py",
            "app/anchored.py",
            "app/private.py",
            "app/keep.py",
            "app/inner/anchored.py",
        ],
    )
    (tmp_path / ".gitignore").write_text("skip.py\n/app/anchored.py\n")
    found = discover([tmp_path / "app"])
    assert found.root == tmp_path / "app"
    assert _rel(found, tmp_path) == ["app/inner/anchored.py", "app/keep.py"]


def test_gitignore_above_the_root_is_ignored_outside_a_work_tree(tmp_path: Path) -> None:
    _tree(tmp_path, ["app/skip.py"])
    (tmp_path / ".gitignore").write_text("skip.py\n")
    assert _rel(discover([tmp_path / "app"]), tmp_path) == ["app/skip.py"]


def test_named_folder_inside_an_ignored_folder_is_walked_with_its_own_rules(
    tmp_path: Path,
) -> None:
    _tree(tmp_path, ["build/gen/a.py", "build/gen/b.tmp.py", "build/other.py"])
    (tmp_path / ".gitignore").write_text("build/\n*.tmp.py\n")
    found = discover([tmp_path / "build" / "gen"], root=tmp_path)
    assert _rel(found, tmp_path) == ["build/gen/a.py"]


def test_exclude_globs_use_gitignore_syntax_relative_to_the_root(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        [
            "tests/t.py",
            "src/tests/t.py",
            "src/api_pb2.py",
            "scripts/s.py",
            "src/scripts/s.py",
            "src/main.py",
        ],
    )
    found = discover([tmp_path], exclude=["tests/", "*_pb2.py", "/scripts"])
    assert _rel(found, tmp_path) == ["src/main.py", "src/scripts/s.py"]


def test_exclude_beats_a_gitignore_negation(tmp_path: Path) -> None:
    _tree(tmp_path, ["keep.py", "other.py"])
    (tmp_path / ".gitignore").write_text("*.py\n!keep.py\n")
    assert _rel(discover([tmp_path]), tmp_path) == ["keep.py"]
    assert _rel(discover([tmp_path], exclude=["keep.py"]), tmp_path) == []


def test_unreadable_gitignore_is_reported_and_walk_continues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, ["a.py", "sub/b.py", "sub/.gitignore"])
    bad = tmp_path / "sub" / ".gitignore"
    real_open = open

    def guarded_open(file: object, *args: object, **kwargs: object) -> object:
        if os.fspath(file) == os.fspath(bad):  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", guarded_open)
    found = discover([tmp_path])
    assert _rel(found, tmp_path) == ["a.py", "sub/b.py"]
    assert _reasons(found, tmp_path) == {
        "sub/.gitignore": "cannot read ignore file: permission denied"
    }


# --- symlinks ------------------------------------------------------------------------


def test_file_symlink_out_of_the_root_is_not_followed(tmp_path: Path) -> None:
    _tree(tmp_path, ["outside/secret.py", "root/a.py"])
    (tmp_path / "root" / "link.py").symlink_to(tmp_path / "outside" / "secret.py")
    found = discover([tmp_path / "root"])
    assert _rel(found, tmp_path) == ["root/a.py"]
    assert _reasons(found, tmp_path) == {
        "root/link.py": f"symlink to {tmp_path / 'outside' / 'secret.py'}, "
        f"outside {tmp_path / 'root'}; not followed"
    }


def test_folder_symlink_out_of_the_root_is_not_followed(tmp_path: Path) -> None:
    _tree(tmp_path, ["outside/secret.py", "root/a.py"])
    (tmp_path / "root" / "vendor").symlink_to("../outside")
    found = discover([tmp_path / "root"])
    assert _rel(found, tmp_path) == ["root/a.py"]
    assert _reasons(found, tmp_path) == {
        "root/vendor": f"symlink to ../outside, outside {tmp_path / 'root'}; not followed"
    }


def test_named_symlink_out_of_the_root_is_refused(tmp_path: Path) -> None:
    _tree(tmp_path, ["outside/secret.py", "root/a.py"])
    (tmp_path / "root" / "link.py").symlink_to(tmp_path / "outside" / "secret.py")
    found = discover([tmp_path / "root" / "link.py"], root=tmp_path / "root")
    assert found.files == []
    assert "outside" in found.errors[0].reason


def test_file_reached_through_a_link_is_listed_once_by_its_own_name(tmp_path: Path) -> None:
    _tree(tmp_path, ["z_real.py"])
    (tmp_path / "a_alias.py").symlink_to("z_real.py")
    found = discover([tmp_path])
    assert _rel(found, tmp_path) == ["z_real.py"]
    assert found.errors == []


def test_link_inside_the_root_is_followed_when_it_is_the_only_way(tmp_path: Path) -> None:
    _tree(tmp_path, ["root/hidden/.keep"])
    _tree(tmp_path, ["root/hidden/mod.py"])
    (tmp_path / "root" / ".gitignore").write_text("hidden/\n")
    (tmp_path / "root" / "shown").symlink_to("hidden")
    found = discover([tmp_path / "root"])
    assert _rel(found, tmp_path) == ["root/shown/mod.py"]


def test_folder_reached_twice_lists_each_file_once(tmp_path: Path) -> None:
    _tree(tmp_path, ["pkg/a.py", "pkg/sub/b.py"])
    (tmp_path / "aaa_alias").symlink_to("pkg")
    found = discover([tmp_path])
    assert _rel(found, tmp_path) == ["pkg/a.py", "pkg/sub/b.py"]
    assert found.errors == []


def test_symlink_loop_is_reported_and_walk_ends(tmp_path: Path) -> None:
    _tree(tmp_path, ["pkg/a.py"])
    (tmp_path / "pkg" / "back").symlink_to("..")
    found = discover([tmp_path])
    assert _rel(found, tmp_path) == ["pkg/a.py"]
    assert _reasons(found, tmp_path) == {"pkg/back": "symlink loop: points back to .."}


def test_mutual_symlink_loop_is_reported(tmp_path: Path) -> None:
    _tree(tmp_path, ["a/x.py", "b/y.py"])
    (tmp_path / "a" / "to_b").symlink_to("../b")
    (tmp_path / "b" / "to_a").symlink_to("../a")
    found = discover([tmp_path])
    assert _rel(found, tmp_path) == ["a/x.py", "b/y.py"]
    reasons = _reasons(found, tmp_path)
    assert reasons == {
        "a/to_b/to_a": "symlink loop: points back to ../a",
        "b/to_a/to_b": "symlink loop: points back to ../b",
    }


def test_dangling_symlink_is_reported(tmp_path: Path) -> None:
    _tree(tmp_path, ["a.py"])
    (tmp_path / "gone.py").symlink_to("missing.py")
    found = discover([tmp_path])
    assert _rel(found, tmp_path) == ["a.py"]
    assert _reasons(found, tmp_path) == {"gone.py": "dangling symlink to missing.py"}


def test_named_dangling_symlink_is_reported(tmp_path: Path) -> None:
    (tmp_path / "gone.py").symlink_to("missing.py")
    found = discover([tmp_path / "gone.py"])
    assert _reasons(found, tmp_path) == {"gone.py": "dangling symlink to missing.py"}


def test_self_referencing_symlink_is_reported(tmp_path: Path) -> None:
    (tmp_path / "self.py").symlink_to("self.py")
    found = discover([tmp_path])
    assert _reasons(found, tmp_path) == {"self.py": "symlink loop"}


# --- odd entries and permissions -----------------------------------------------------


def test_fifo_named_like_python_is_reported(tmp_path: Path) -> None:
    _tree(tmp_path, ["a.py"])
    os.mkfifo(tmp_path / "pipe.py")
    found = discover([tmp_path])
    assert _rel(found, tmp_path) == ["a.py"]
    assert _reasons(found, tmp_path) == {"pipe.py": "not a regular file"}


def test_unlistable_folder_is_reported_and_walk_continues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, ["a/x.py", "locked/y.py", "z/w.py"])
    locked = tmp_path / "locked"
    if IS_ROOT:  # root lists mode-0 folders, so simulate the kernel's refusal
        real_scandir = os.scandir

        def guarded(path: str = ".") -> object:
            if os.fspath(path) == os.fspath(locked):
                raise PermissionError(13, "Permission denied")
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", guarded)
    else:
        locked.chmod(0)
    try:
        found = discover([tmp_path])
    finally:
        locked.chmod(0o755)
    assert _rel(found, tmp_path) == ["a/x.py", "z/w.py"]
    assert _reasons(found, tmp_path) == {"locked": "cannot list folder: permission denied"}


# --- common_root ---------------------------------------------------------------------


def test_common_root_is_the_deepest_shared_folder(tmp_path: Path) -> None:
    _tree(tmp_path, ["a/b/c.py", "a/d/e.py"])
    assert common_root([tmp_path / "a/b/c.py", tmp_path / "a/d"]) == tmp_path / "a"


def test_common_root_of_one_file_is_its_folder(tmp_path: Path) -> None:
    _tree(tmp_path, ["a/b/c.py"])
    assert common_root([tmp_path / "a/b/c.py"]) == tmp_path / "a/b"


def test_common_root_of_nothing_is_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert common_root([]) == tmp_path


def test_named_fifo_is_reported(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    found = discover([tmp_path / "pipe"])
    assert found.files == []
    assert _reasons(found, tmp_path) == {"pipe": "not a regular file"}


def test_symlink_to_a_fifo_is_reported(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "link.py").symlink_to("pipe")
    assert _reasons(discover([tmp_path]), tmp_path) == {"link.py": "not a regular file"}
