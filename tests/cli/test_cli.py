"""The CLI contract (shared/spec/cli.md): commands, exit codes, JSON keys, messages."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemods import cli, engine
from tests.cli.fakes import USER, fake_codemods, small_project, snapshot, write_tree

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(cli.app, list(args))


# ------------------------------------------------------------------- scan ----
def test_scan_json_has_the_contract_keys(project):
    result = invoke("scan", "--format", "json", "--no-cache")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    summary = doc["summary"]
    assert summary["files_scanned"] == 4 and summary["files_failed"] == 0
    assert summary["kind"] == {"definition": 1, "import": 4, "string": 1}
    assert summary["status"] == {"auto": 4, "manual": 2}
    for site in doc["sites"]:
        assert {"path", "line", "col", "kind", "symbol", "status", "reason"} <= set(site)
        if site["status"] == "manual":
            assert site["reason"]
    string = next(s for s in doc["sites"] if s["kind"] == "string")
    assert (string["path"], string["line"], string["col"]) == ("app/two.py", 4, 8)


def test_scan_text_lists_sites_and_a_summary(project):
    result = invoke("scan", "--no-cache")
    assert result.exit_code == 0
    assert "app/one.py:3:10: auto import AgentWebSocketBridge [compat-imports]" in result.stdout
    assert result.stdout.endswith("4 files scanned, 4 auto sites, 2 manual sites, 0 files failed\n")


def test_scan_github_format_annotates_manual_sites(project):
    result = invoke("scan", "--format", "github", "--no-cache")
    assert result.exit_code == 0
    lines = [x for x in result.stdout.splitlines() if x.startswith("::")]
    assert (
        "::warning file=app/two.py,line=4,col=8,"
        "title=emitter-migrate%3A manual string 'notify_agent_started'"
        "::method-name string on an unknown receiver"
    ) in lines
    assert all(x.startswith("::warning ") for x in lines) and len(lines) == 2


# -------------------------------------------------------------------- run ----
def test_run_diff_prints_only_the_patch_and_exits_1(project):
    before = snapshot(project)
    result = invoke("run", "--diff", "--stage", "compat-imports", "--no-cache")
    assert result.exit_code == 1
    assert result.stdout.startswith("--- a/app/one.py\n+++ b/app/one.py\n@@ ")
    assert "+bridge = ShimBridge()\n" in result.stdout
    assert "files would be rewritten" not in result.stdout
    assert "2 files would be rewritten" in result.stderr
    assert snapshot(project) == before


def test_run_check_exits_1_and_writes_nothing_then_0_when_done(project):
    before = snapshot(project)
    assert invoke("run", "--check", "--no-cache").exit_code == 1
    assert snapshot(project) == before
    assert invoke("run", "--no-cache").exit_code == 0
    assert snapshot(project) != before
    again = invoke("run", "--check", "--no-cache")
    assert again.exit_code == 0, again.output
    assert invoke("run", "--diff", "--no-cache").stdout == ""


def test_run_writes_in_place_and_reports_json(project):
    result = invoke("run", "--format", "json", "--no-cache")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {k: doc[k] for k in ("files_changed", "files_failed", "sites_rewritten")} == {
        "files_changed": 2,
        "files_failed": 0,
        "sites_rewritten": 8,
    }
    assert doc["sites_manual"] == 2 and doc["errors"] == []
    assert "UnifiedWebSocketEmitter()" in (project / "app/one.py").read_text()


def test_run_refuses_a_later_stage_with_the_command_to_run_first(project):
    before = snapshot(project)
    result = invoke("run", "--stage", "call-sites", "--no-cache")
    assert result.exit_code == 2
    assert "error: refusing to run stage 'call-sites'" in result.stderr
    assert "run `emitter-migrate run --stage compat-imports .` first" in result.stderr
    assert snapshot(project) == before
    assert invoke("run", "--stage", "call-sites", "--force", "--no-cache").exit_code == 0


def test_unknown_stage_is_an_error(project):
    result = invoke("run", "--stage", "compat", "--no-cache")
    assert result.exit_code == 2
    assert "no stage named 'compat'" in result.stderr


def test_exclude_and_wave_narrow_the_files(project):
    write_tree(project, {"tests/test_a.py": USER})
    result = invoke("run", "--check", "--format", "json", "--exclude", "app/two.py", "--no-cache")
    assert json.loads(result.stdout)["changed"] == ["app/one.py", "tests/test_a.py"]
    result = invoke("run", "--check", "--format", "json", "--wave", "tests", "--no-cache")
    assert json.loads(result.stdout)["changed"] == ["tests/test_a.py"]


def test_interrupt_exits_130_with_a_reassuring_message(project, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "run_stages", interrupted)
    result = invoke("run", "--no-cache")
    assert result.exit_code == 130
    assert "either as it was or fully rewritten" in result.stderr


# ----------------------------------------------------------------- status ----
def test_status_shows_stages_waves_and_legacy_modules(project):
    result = invoke("status", "--no-cache")
    assert result.exit_code == 0
    out = result.stdout
    assert "compat-imports   4 auto sites pending" in out
    assert "call-sites       done" in out
    assert "netra_backend/app/services/agent_websocket_bridge.py" in out
    doc = json.loads(invoke("status", "--format", "json", "--no-cache").stdout)
    # done: nothing at all left; rewrites_done: nothing left for the tool to rewrite.
    assert [(s["stage"], s["rewrites_done"], s["done"], s["manual"]) for s in doc["stages"]] == [
        ("compat-imports", False, False, 0),
        ("call-sites", True, True, 0),
        ("strings", True, False, 1),
        ("cleanup", True, True, 0),
    ]
    assert {w["wave"]: w["files"] for w in doc["waves"]} == {
        "tests": 0,
        "agents": 0,
        "services": 1,
        "rest": 3,
    }


# ------------------------------------------------------------------- plan ----
BAD_PLAN = """\
schema_version = 1
name = "bad"
legacy_modules = []
colour = "blue"

[target]
module = "target_emitter"
class = "UnifiedWebSocketEmitter"

[[stages]]
name = "one"
codemod = "importz"
"""


def test_plan_validate_lists_every_problem_with_line_and_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_PLAN)
    result = invoke("plan", "validate", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:4: colour: unknown key" in result.stderr
    assert f"{bad}:10: stages.one.codemod: unknown codemod 'importz'" in result.stderr


def test_plan_validate_and_show_accept_the_bundled_plan():
    result = invoke("plan", "validate")
    assert result.exit_code == 0
    assert result.stdout.startswith("ok: ") and "4 stages" in result.stdout
    shown = invoke("plan", "show")
    assert shown.exit_code == 0
    for stage in ("compat-imports", "call-sites", "strings", "cleanup"):
        assert stage in shown.stdout


def test_bad_plan_is_refused_before_any_file_is_touched(project):
    (project / "bad.toml").write_text(BAD_PLAN)
    before = snapshot(project)
    result = invoke("run", "--plan", "bad.toml", "--no-cache")
    assert result.exit_code == 2
    assert "colour: unknown key" in result.stderr
    assert snapshot(project) == before


# -------------------------------------------------------------- bad input ----
def _bad_inputs(root: Path) -> dict[str, str]:
    """Files with a legacy name (so the prefilter lets them in) that cannot be used."""
    legacy = b"from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge\n"
    write_tree(
        root,
        {
            "app/syntax.py": USER + "def broken(:\n",
            "app/latin.py": legacy + b"name = '\xe9t\xe9'\n",
            "app/nul.py": legacy + b"x = 1\x00\n",
        },
    )
    outside = root.parent / f"{root.name}-outside.py"
    outside.write_text(USER)
    os.symlink(outside, root / "app" / "escape.py")
    return {
        "app/syntax.py": "syntax error at line 4, col 12: invalid syntax",
        "app/latin.py": "not valid utf-8: byte 0xe9",
        "app/nul.py": "contains a NUL byte",
        "app/escape.py": "outside",
        "does/not/exist.py": "does not exist",
    }


def test_each_bad_input_is_one_line_naming_file_and_cause_and_others_go_on(project):
    expected = _bad_inputs(project)
    before = snapshot(project)
    result = invoke("run", ".", "does/not/exist.py", "--no-cache")
    assert result.exit_code == 2
    error_lines = [x for x in result.stderr.splitlines() if x.startswith("error: ")]
    assert len(error_lines) == len(expected), result.stderr
    for path, cause in expected.items():
        assert any(line.startswith(f"error: {path}: ") and cause in line for line in error_lines), (
            path,
            error_lines,
        )
    for path in ("app/syntax.py", "app/latin.py", "app/nul.py"):
        assert (project / path).read_bytes() == before[path]
    assert "UnifiedWebSocketEmitter()" in (project / "app/one.py").read_text()


def _without_root_read_override() -> list[str] | None:
    """Command prefix under which a permission bit is enforced, even for root."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]


def test_unreadable_file_is_reported_and_others_go_on(tmp_path):
    prefix = _without_root_read_override()
    if prefix is None:
        pytest.skip("running as root without setpriv: every file is readable")
    small_project(tmp_path)
    locked = tmp_path / "app/locked.py"
    locked.write_text(USER)
    locked.chmod(0)
    exe = Path(sys.executable).parent / "emitter-migrate"
    try:
        proc = subprocess.run(
            [*prefix, str(exe), "run", "--stage", "compat-imports", "--no-cache", "-j", "1"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        locked.chmod(0o644)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "error: app/locked.py: cannot open: permission denied\n" in proc.stderr
    assert locked.read_text() == USER
    assert "from compat.agent_websocket_bridge import" in (tmp_path / "app/one.py").read_text()


# --------------------------------------------------------------- progress ----
class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_and_not_when_quiet(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    piped = cli._Progress(quiet=False)
    piped(50, 100)
    assert piped.bar is None and sys.stderr.getvalue() == ""
    tty = _Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    quiet = cli._Progress(quiet=True)
    quiet(50, 100)
    assert tty.getvalue() == ""
    show = cli._Progress(quiet=False)
    show(3, 10)  # short runs get no bar
    assert tty.getvalue() == ""
    show(50, 100)
    show.bar.refresh()
    shown = tty.getvalue()
    assert "50%" in shown and "50/100" in shown and "left" in shown
    show(100, 100)
    show.close()
    assert show.bar is None


# ------------------------------------------- real processes, real codemods ----
def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_installed_command_diff_applies_with_git(tmp_path):
    """The console script, the real imports codemod, and `git apply --check` on its diff."""
    small_project(tmp_path)
    (tmp_path / "app/crlf.py").write_bytes(USER.replace("\n", "\r\n").encode())
    (tmp_path / "app/no_eol.py").write_text(USER.rstrip("\n"))
    latin1 = (
        "# -*- coding: latin-1 -*-\n# caf\u00e9 cr\u00e8me\n" + USER + "label = 'd\u00e9j\u00e0'\n"
    )
    (tmp_path / "app/latin1.py").write_bytes(latin1.encode("latin-1"))
    for args in (("init", "-q"), ("add", "-A")):
        _git(tmp_path, *args)
    commit = _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x")
    assert commit.returncode == 0, commit.stderr
    exe = Path(sys.executable).parent / "emitter-migrate"
    proc = subprocess.run(
        [str(exe), "run", "--diff", "--stage", "compat-imports", "--no-cache", "-j", "2"],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert b"[#" not in proc.stderr  # no progress bar when stderr is not a terminal
    for name in ("one", "two", "crlf", "no_eol", "latin1"):
        assert f"--- a/app/{name}.py\n+++ b/app/{name}.py\n".encode() in proc.stdout
    assert b"\r\n" in proc.stdout and b"\\ No newline at end of file\n" in proc.stdout
    assert " caf\u00e9 cr\u00e8me\n".encode("latin-1") in proc.stdout  # the file's own bytes
    patch = tmp_path / "change.patch"
    patch.write_bytes(proc.stdout)
    check = _git(tmp_path, "apply", "--check", str(patch))
    assert check.returncode == 0, check.stderr
    assert _git(tmp_path, "apply", str(patch)).returncode == 0
    after = subprocess.run(
        [str(exe), "run", "--check", "--stage", "compat-imports", "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert after.returncode == 0, after.stdout + after.stderr


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(x) for x in handle.read().split()]
    except OSError:
        return []


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="needs Linux /proc")
@pytest.mark.parametrize(
    "sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["INT", "TERM", "KILL"]
)
def test_a_stopped_run_leaves_no_worker_processes(tmp_path, sig):
    filler = "".join(f"def helper_{i}(x):\n    return x + {i}\n\n" for i in range(150))
    for i in range(60):
        write_tree(
            tmp_path, {f"app/m{i}.py": USER + filler + "bridge.notify_custom('r', 'a', 't', {})\n"}
        )
    exe = Path(sys.executable).parent / "emitter-migrate"
    proc = subprocess.Popen(
        [str(exe), "scan", "--no-cache", "-j", "2"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        # A shell may start background jobs with SIGINT ignored; a terminal would not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while not workers and proc.poll() is None and time.monotonic() < deadline:
        workers = _children(proc.pid)
        time.sleep(0.05)
    assert workers, "the run ended before its workers could be seen"
    proc.send_signal(sig)
    code = proc.wait(timeout=30)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if sig == signal.SIGKILL:
        assert code == -signal.SIGKILL
    else:
        assert code == 130, stderr
        assert "interrupted: every file is either as it was or fully rewritten" in stderr
    deadline = time.monotonic() + 10
    while any(_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if _running(w)], "worker processes outlived the run"


def test_paths_are_reported_relative_to_the_root(tmp_path, monkeypatch):
    small_project(tmp_path / "repo")
    monkeypatch.chdir(tmp_path)
    with fake_codemods():
        plain = json.loads(invoke("scan", "repo", "--format", "json", "--no-cache").stdout)
        rooted = json.loads(
            invoke("scan", "repo", "--root", "repo", "--format", "json", "--no-cache").stdout
        )
    assert {s["path"] for s in plain["sites"]} == {
        "repo/app/one.py",
        "repo/app/two.py",
        "repo/netra_backend/app/services/agent_websocket_bridge.py",
    }
    assert {s["path"] for s in rooted["sites"]} == {
        "app/one.py",
        "app/two.py",
        "netra_backend/app/services/agent_websocket_bridge.py",
    }


# ------------------------------------------------------------ small things ----
def test_version_prints_the_installed_version():
    from codemods.run.version import __version__

    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"emitter-migrate {__version__}\n"


def test_status_on_a_missing_path_judges_no_stage(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("status", "nope", "--no-cache")
    assert result.exit_code == 2
    assert "done" not in result.stdout
    assert "nothing could be read, so no stage can be judged" in result.stdout
    doc = json.loads(invoke("status", "nope", "--format", "json", "--no-cache").stdout)
    assert all(not s["done"] and not s["rewrites_done"] for s in doc["stages"])


def test_status_says_done_only_when_no_manual_site_is_left(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(
        "from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge\n"
        "\n"
        "async def run(context):\n"
        "    await context.websocket_bridge.notify_agent_started('r', 'a')\n"
    )
    out = invoke("status", "--no-cache").stdout
    row = next(line for line in out.splitlines() if line.strip().startswith("call-sites"))
    assert "rewrites done, manual left" in row and " 1 manual" in row


def test_python_dash_m_runs_the_same_command():
    import subprocess
    import sys

    from codemods.run.version import __version__

    proc = subprocess.run(
        [sys.executable, "-m", "emitter_migrate", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (proc.returncode, proc.stdout) == (0, f"emitter-migrate {__version__}\n")


def test_help_shows_flags_without_a_type_and_values_by_what_they_name():
    out = invoke("run", "--help").stdout
    lines = {line.split()[1]: line for line in out.splitlines() if line.startswith("│ --")}
    for flag in ("--diff", "--check", "--force", "--no-cache"):
        assert "<bool>" not in lines[flag], lines[flag]
    assert " FILE " in lines["--plan"] and " NAME " in lines["--stage"]
    assert " GLOB " in lines["--exclude"] and " DIR " in lines["--root"]


def test_scan_can_fail_ci_while_manual_sites_remain(project):
    assert invoke("scan", "--no-cache").exit_code == 0
    failing = invoke("scan", "--no-cache", "--fail-on-manual")
    assert failing.exit_code == 1
    assert "2 manual sites" in failing.stdout


def test_run_and_status_write_a_markdown_summary_for_a_pull_request(project):
    md = invoke("run", "--diff", "--format", "markdown", "--no-cache").stdout
    assert md.startswith("## emitter-migrate\n\n")
    assert "| where | what | why it is left to you |" in md
    assert "`app/one.py`" in md  # listed among the files to rewrite
    status = invoke("status", "--format", "markdown", "--no-cache").stdout
    assert "| stage | state | auto sites pending | manual sites |" in status
    assert "| compat-imports | pending | 4 | 0 |" in status
