"""A file that changes (or goes) between read and write is never overwritten; failed writes leave no trace.

The engine checks twice: `_apply` re-reads before writing, and write_atomic compares the
digest again right before the rename. Each check is reached here through the public
engine API, by editing the file from a hook at the matching moment.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

import codemods.engine as engine
import codemods.run.source as source
from codemods.plan import load_plan
from codemods.report import Report
from codemods.run.source import SourceFile
from tests.safety.repo import leftovers

PLAN = load_plan()
LEGACY = (
    "from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge\n"
    "\n"
    "\n"
    "async def announce(ctx, run_id):\n"
    "    bridge = AgentWebSocketBridge(ctx)\n"
    '    await bridge.notify_agent_started(run_id, "triage")\n'
)
EDITED = "# edited by someone else while the run was going\n" + LEGACY


def _tree(root: Path) -> list[Path]:
    files = [root / "app" / f"m{i}.py" for i in range(3)]
    for f in files:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(LEGACY)
    return files


def _run(root: Path, **kwargs: object) -> Report:
    return engine.run_stages([root], PLAN, ["compat-imports"], mode="write", root=root, **kwargs)


def _reasons(report: Report) -> dict[str, str]:
    return {e.path: e.reason for e in report.errors}


def test_file_edited_after_it_was_processed_is_not_overwritten_and_others_are_written(
    tmp_path: Path,
) -> None:
    files = _tree(tmp_path)
    victim = files[1]

    def edit_once_processed(done: int, total: int) -> None:
        if done == 2:  # m0 and m1 processed (jobs=1 goes in path order); nothing written yet
            victim.write_text(EDITED)

    report = _run(tmp_path, jobs=1, progress=edit_once_processed)
    assert victim.read_text() == EDITED
    assert "changed on disk" in _reasons(report)["app/m1.py"]
    assert "not overwritten" in _reasons(report)["app/m1.py"]
    for other in (files[0], files[2]):
        assert "compat.agent_websocket_bridge" in other.read_text()
    assert report.files_changed == ["app/m0.py", "app/m2.py"]
    assert leftovers(tmp_path) == []


def _edit_inside_write_atomic(monkeypatch: pytest.MonkeyPatch, victim: Path, change: str) -> None:
    """Change `victim` after the engine's own re-read, right before write_atomic checks and renames."""
    real = source.write_atomic

    def racing_write(src: SourceFile, new_text: str) -> None:
        if src.real_path == victim.resolve():
            if change == "edit":
                victim.write_text(EDITED)
            elif change == "same-size":  # same length, same mtime: only the bytes tell
                stat = victim.stat()
                victim.write_text(LEGACY.replace("triage", "triagE"))
                os.utime(victim, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            else:
                victim.unlink()
        real(src, new_text)

    monkeypatch.setattr(engine, "write_atomic", racing_write)


@pytest.mark.parametrize("change", ["edit", "same-size", "delete"])
def test_file_changed_inside_the_write_step_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    files = _tree(tmp_path)
    victim = files[0]
    _edit_inside_write_atomic(monkeypatch, victim, change)
    report = _run(tmp_path, jobs=1)
    reason = _reasons(report)["app/m0.py"]
    if change == "delete":
        assert not victim.exists(), "a deleted file must not be recreated"
        assert "deleted or moved" in reason
    else:
        expected = EDITED if change == "edit" else LEGACY.replace("triage", "triagE")
        assert victim.read_text() == expected
        assert "changed on disk" in reason
    assert report.files_changed == ["app/m1.py", "app/m2.py"]
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_write_that_fails_midway_leaves_the_original_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    _tree(tmp_path)
    real = getattr(os, failing)
    calls = {"n": 0}

    def broken(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(source.os, failing, broken)
    report = _run(tmp_path, jobs=1)
    failed = [p for p, r in _reasons(report).items() if "No space left" in r]
    assert len(failed) == 1
    assert (tmp_path / failed[0]).read_text() == LEGACY
    assert len(report.files_changed) == 2
    assert leftovers(tmp_path) == []
