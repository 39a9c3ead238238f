"""Stage `deprecate` acts on the legacy modules alone, so other files are not even read."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemods.engine import EngineError, run_stages
from codemods.plan import load_plan
from tests.conftest import FLAGSHIP

LEGACY = "netra_backend/app/services/agent_websocket_bridge.py"


def _tree(root: Path) -> Path:
    files = {
        LEGACY: "class AgentWebSocketBridge:\n    async def notify_agent_started(self, run_id, agent_name):\n        return True\n",
        # Names a legacy method, so the prefilter picks it; it does not parse.
        "app/broken.py": "await bridge.notify_agent_started(\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_deprecate_reads_only_the_legacy_modules_and_call_sites_reads_the_rest(tmp_path):
    root = _tree(tmp_path)
    plan = load_plan(FLAGSHIP)

    first = run_stages([root], plan, ["deprecate"], mode="write", jobs=1, root=root)
    assert first.errors == []  # app/broken.py was not opened: no stage of this run acts on it
    assert first.files_changed == [LEGACY]
    assert '@legacy_api("bridge")' in (root / LEGACY).read_text()

    second = run_stages([root], plan, ["call-sites"], mode="write", jobs=1, root=root)
    assert [e.path for e in second.errors] == ["app/broken.py"]


def test_a_project_with_its_own_top_level_compat_is_refused_before_anything_is_written(tmp_path):
    root = _tree(tmp_path)
    (root / "compat").mkdir()
    (root / "compat" / "__init__.py").write_text("VERSION = 1\n")
    before = (root / LEGACY).read_bytes()
    with pytest.raises(
        EngineError, match=r"compat/__init__.py: this project has its own top-level `compat`"
    ):
        run_stages([root], load_plan(FLAGSHIP), ["deprecate"], mode="write", jobs=1, root=root)
    assert (root / LEGACY).read_bytes() == before
    # Reading is harmless: scan still works there.
    assert run_stages([root], load_plan(FLAGSHIP), ["deprecate"], mode="scan", jobs=1, root=root)


def test_a_read_only_file_is_reported_and_left_byte_identical(tmp_path):
    root = _tree(tmp_path)
    (root / "app" / "broken.py").unlink()
    legacy = root / LEGACY
    before = legacy.read_bytes()
    legacy.chmod(0o444)
    report = run_stages([root], load_plan(FLAGSHIP), ["deprecate"], mode="write", jobs=1, root=root)
    [error] = report.errors
    assert error.path == LEGACY
    assert error.reason.startswith("is read-only (mode 0444); make it writable")
    assert legacy.read_bytes() == before
    assert legacy.stat().st_mode & 0o777 == 0o444


def test_status_counts_stage_deprecate_as_pending_until_it_has_run(tmp_path):
    from codemods.engine import status

    root = _tree(tmp_path)
    (root / "app" / "broken.py").unlink()
    plan = load_plan(FLAGSHIP)
    before = {row.stage: row.pending for row in status([root], plan, root=root).stages}
    run_stages([root], plan, ["deprecate"], mode="write", jobs=1, root=root)
    after = status([root], plan, root=root)
    assert before["deprecate"] == 1
    assert {row.stage: row.pending for row in after.stages}["deprecate"] == 0
    assert [site.path for site in after.legacy] == [LEGACY]  # still listed for deletion


def test_a_top_level_compat_module_file_is_a_clash_too(tmp_path):
    root = _tree(tmp_path)
    (root / "compat.py").write_text("VERSION = 1\n")
    (root / "deprecation.py").write_text("")  # beside it: still not ours
    with pytest.raises(EngineError, match=r"^compat.py: this project has its own top-level"):
        run_stages([root], load_plan(FLAGSHIP), ["deprecate"], mode="write", jobs=1, root=root)


def test_the_migrated_demo_app_stays_clean_for_ruffs_import_order_and_line_length(tmp_path):
    """The demo app passes ruff's isort rules before; the added import must keep it so."""
    import shutil
    import subprocess
    import sys

    demo = Path(__file__).resolve().parents[2] / "codemods" / "demo_app"
    root = tmp_path / "demo"
    shutil.copytree(demo, root, ignore=shutil.ignore_patterns("__pycache__"))
    lint = [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "I,E501"]
    lint += ["--line-length", "100", "."]
    assert subprocess.run(lint, cwd=root, capture_output=True).returncode == 0
    report = run_stages([root], load_plan(FLAGSHIP), ["all"], mode="write", jobs=1, root=root)
    assert len(report.files_changed) >= 5 and report.errors == []
    after = subprocess.run(lint, cwd=root, capture_output=True, text=True)
    assert after.returncode == 0, after.stdout
