"""[tool.emitter-migrate] in pyproject.toml: defaults for the flags, errors with the line."""

from __future__ import annotations

import json
import textwrap

import pytest

from codemods.config import ConfigError, load_config
from tests.cli.fakes import invoke, snapshot


def configure(root, body: str) -> None:
    (root / "pyproject.toml").write_text(
        '[project]\nname = "app"\n\n[tool.emitter-migrate]\n' + textwrap.dedent(body)
    )


def test_configured_paths_and_format_are_used_when_no_flag_is_given(project):
    configure(project, 'paths = ["app/one.py"]\nformat = "json"\ncache = false\n')
    result = invoke("scan")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["summary"]["files_scanned"] == 1
    assert {s["path"] for s in doc["sites"]} == {"app/one.py"}


def test_a_flag_wins_over_the_file(project):
    configure(project, 'format = "json"\n')
    result = invoke("scan", "--format", "text", "--no-cache")
    assert result.exit_code == 0
    assert result.stdout.endswith("0 files failed\n")


def test_configured_excludes_apply_and_a_flag_adds_to_them(project):
    configure(project, 'exclude = ["app/two.py"]\n')
    sites = json.loads(invoke("scan", "--format", "json", "--no-cache").stdout)["sites"]
    assert "app/two.py" not in {s["path"] for s in sites}
    assert "app/one.py" in {s["path"] for s in sites}
    both = invoke("scan", "--format", "json", "--no-cache", "--exclude", "app/one.py")
    assert {s["path"] for s in json.loads(both.stdout)["sites"]} & {
        "app/one.py",
        "app/two.py",
    } == set()


def test_the_configured_plan_is_relative_to_the_pyproject(project, monkeypatch):
    configure(project, 'plan = "plans/missing.toml"\n')
    monkeypatch.chdir(project / "app")  # a run from a subfolder finds the same file
    result = invoke("plan", "validate")
    assert result.exit_code == 2
    assert f"error: the plan {project / 'plans/missing.toml'} is not valid:" in result.stderr


def test_a_format_another_command_lacks_leaves_that_command_at_text(project):
    configure(project, 'format = "sarif"\n')
    result = invoke("status", "--no-cache")
    assert result.exit_code == 0, result.output
    assert not result.stdout.startswith("{")


def test_an_unknown_key_is_an_error_with_its_line_and_a_suggestion(project):
    configure(project, 'jobs = 1\nexlude = ["app/two.py"]\n')
    before = snapshot(project)
    result = invoke("run", "--no-cache")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {project / 'pyproject.toml'}:6: [tool.emitter-migrate] unknown key 'exlude' "
        "(did you mean 'exclude'?); known keys: cache, exclude, format, jobs, paths, plan, "
        "root\n"
    )
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("jobs = 0\n", "jobs must be a positive integer, not 0"),
        ("jobs = true\n", "jobs must be a positive integer, not True"),
        ('format = "html"\n', "format must be one of text, json, markdown, github, sarif"),
        ('paths = "app"\n', "paths must be a list of paths, not 'app'"),
        ("exclude = [1]\n", "exclude must be a list of gitignore-style globs, not [1]"),
    ],
)
def test_a_value_of_the_wrong_type_is_an_error_with_its_line(tmp_path, body, message):
    configure(tmp_path, body)
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    assert str(raised.value).startswith(f"{tmp_path / 'pyproject.toml'}:5: [tool.emitter-migrate] ")
    assert message in str(raised.value)


def test_the_nearest_pyproject_is_the_project_even_without_the_table(tmp_path):
    configure(tmp_path, "jobs = 3\n")
    inner = tmp_path / "pkg"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "pkg"\n')
    assert load_config(inner).jobs is None
    assert load_config(tmp_path / "pkg" / "..").jobs == 3


def test_invalid_toml_is_one_line(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.emitter-migrate\n")
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    assert "\n" not in str(raised.value)
    assert str(raised.value).startswith(f"{tmp_path / 'pyproject.toml'}: not valid TOML:")
