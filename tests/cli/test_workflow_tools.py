"""The shipped pre-commit hooks and example GitHub workflow, run for real on the demo app."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sarif_pydantic import Sarif

from tests.conftest import FLAGSHIP

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "codemods" / "demo_app"
HOOKS = REPO / ".pre-commit-hooks.yaml"
WORKFLOW = REPO / "examples" / "github" / "emitter-migrate.yml"
BIN = Path(sys.executable).parent


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env['PATH']}"
    env["EMITTER_MIGRATE_PLAN"] = str(FLAGSHIP)
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(key, None)
    return env


def _demo(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    shutil.copytree(DEMO, app, ignore=shutil.ignore_patterns("__pycache__"))
    return app


def _sh(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


# ------------------------------------------------------------- pre-commit ----
def test_the_hook_manifest_is_valid_for_pre_commit(tmp_path):
    done = _sh([str(BIN / "pre-commit"), "validate-manifest", str(HOOKS)], REPO, _env(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_hooks_stop_a_commit_until_the_migration_is_applied(tmp_path):
    """The manifest's hooks, as a `repo: local` config (the same entries, run from this
    environment instead of one pre-commit would build), on a real git repository."""
    env = _env(tmp_path)
    app = _demo(tmp_path)
    hooks = yaml.safe_load(HOOKS.read_text())
    local = [
        {**hook, "language": "system"} for hook in hooks if hook["id"] != "emitter-migrate-manual"
    ]
    (app / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]})
    )
    for args in (
        ["git", "init", "-q"],
        ["git", "config", "user.email", "dev@example.com"],
        ["git", "config", "user.name", "Dev"],
        ["git", "add", "-A"],
        ["git", "commit", "-qm", "legacy app", "--no-verify"],
    ):
        assert _sh(args, app, env).returncode == 0
    assert _sh([str(BIN / "pre-commit"), "install"], app, env).returncode == 0
    before = (app / "netra_backend/app/services/agent_websocket_bridge.py").read_text()

    (app / "support_desk/touched.py").write_text("x = 1\n")
    _sh(["git", "add", "-A"], app, env)
    stopped = _sh(["git", "commit", "-m", "touch"], app, env)
    said = stopped.stdout + stopped.stderr  # git shows the hook's output on stderr
    assert stopped.returncode != 0
    assert "emitter-migrate (rewrite)" in said and "Failed" in said
    assert "files were modified by this hook" in said
    after = (app / "netra_backend/app/services/agent_websocket_bridge.py").read_text()
    assert "@legacy_api(" in after and after != before

    _sh(["git", "add", "-A"], app, env)
    done = _sh(["git", "commit", "-m", "migrate"], app, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (done.stdout + done.stderr).count("Passed") == 2


def test_the_manual_sites_hook_fails_while_sites_are_left(tmp_path):
    env = _env(tmp_path)
    app = _demo(tmp_path)
    (hook,) = [h for h in yaml.safe_load(HOOKS.read_text()) if h["id"] == "emitter-migrate-manual"]
    done = _sh(hook["entry"].split(), app, env)
    assert done.returncode == 1
    assert "manual call" in done.stdout


# --------------------------------------------------------------- workflow ----
def test_the_example_workflow_is_valid_for_github(tmp_path):
    done = _sh(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            str(WORKFLOW),
        ],
        REPO,
        _env(tmp_path),
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_example_workflows_commands_produce_the_comment_and_the_sarif(tmp_path):
    """Every `run` step that is not the install, in order, in bash as the runner runs it,
    with `gh` standing in as a script that keeps the comment it was given."""
    env = _env(tmp_path)
    app = _demo(tmp_path)
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    gh = fake_bin / "gh"
    gh.write_text('#!/bin/sh\necho "$@" > "$COMMENT_ARGS"\ncp "$5" "$COMMENT_BODY"\n')
    gh.chmod(0o755)
    output = tmp_path / "github-output"
    env.update(
        PATH=f"{fake_bin}{os.pathsep}{env['PATH']}",
        GITHUB_OUTPUT=str(output),
        PR="7",
        COMMENT_ARGS=str(tmp_path / "comment-args"),
        COMMENT_BODY=str(tmp_path / "comment.md"),
    )
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["dry-run"]["steps"]
    ran = []
    for step in steps:
        script = step.get("run")
        if script is None or step.get("if") or script.startswith("pip install"):
            continue
        done = _sh(["bash", "-e", "-c", script], app, env)
        assert done.returncode == 0, (step["name"], done.stdout, done.stderr)
        ran.append(step["name"])
    assert ran == ["Dry run", "Sites for code scanning", "Comment on the pull request"]
    assert output.read_text() == "exit=1\n"  # changes to make, no file failed
    comment = (tmp_path / "comment.md").read_text()
    assert comment.startswith("## emitter-migrate\n\n")
    assert "<details><summary>Diff</summary>" in comment and "@legacy_api(" in comment
    assert (tmp_path / "comment-args").read_text().split()[:3] == ["pr", "comment", "7"]
    Sarif.model_validate(json.loads((app / "emitter-migrate.sarif").read_text()))


@pytest.mark.parametrize("step", ["Fail when a file could not be processed"])
def test_the_workflow_fails_only_when_the_dry_run_exits_2(step):
    steps = {
        s.get("name"): s for s in yaml.safe_load(WORKFLOW.read_text())["jobs"]["dry-run"]["steps"]
    }
    assert steps[step]["if"] == "steps.dry-run.outputs.exit == '2'"
