"""A pool worker that dies (OOM killer, a native crash) must cost a clear error, not the run.

Found by double Ctrl-C at random moments: a worker hit before its initializer ran dies of
KeyboardInterrupt and the pool breaks. These tests make the death deterministic: a driver
runs the real CLI with `--jobs 2` and one worker is SIGKILLed at a chosen moment. The run
must end (no hang), with a one-line error, exit 2, and every file old or fully new.
(It used to hang, then to end in a BrokenProcessPool traceback with exit 1.)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from codemods.engine import run_stages
from codemods.plan import load_plan
from tests.safety.repo import group_gone, leftovers, snapshot

# The busy worker kills its sibling once that one sits idle in the pool's call queue (holding
# the queue's read lock), or kills itself mid-job, then goes on with its own job.
_DRIVER = textwrap.dedent(
    """
    import os, signal, sys, time
    import codemods.engine as engine

    mode, marker = sys.argv[1], sys.argv[2]
    parent = os.getpid()
    real_process = engine._process

    def siblings():
        with open(f"/proc/{parent}/task/{parent}/children") as f:
            return [int(p) for p in f.read().split() if int(p) != os.getpid()]

    def idle(pid):
        with open(f"/proc/{pid}/wchan") as f:
            return f.read() == "anon_pipe_read"

    def process(work, job):
        if os.getpid() != parent:
            try:
                os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                return real_process(work, job)
            if mode == "self":
                os.kill(os.getpid(), signal.SIGKILL)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                victims = [p for p in siblings() if idle(p)]
                if victims:
                    os.kill(victims[0], signal.SIGKILL)
                    break
                time.sleep(0.01)
        return real_process(work, job)

    engine._process = process
    from codemods.cli import main
    sys.argv = ["emitter-migrate", *sys.argv[3:]]
    main()
    """
)
LEGACY = (
    "from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge\n\n\n"
    "async def announce(ctx, run_id):\n"
    "    bridge = AgentWebSocketBridge(ctx)\n"
    '    await bridge.notify_agent_started(run_id, "triage")\n'
)
GRACE = 20  # seconds; the tiny tree below takes about one to migrate


def _tree(root: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Write the tree; return its files as they are and as an in-process run migrates them."""
    for i in range(8):
        path = root / "app" / f"m{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(LEGACY)
    reference = root.with_name("reference")
    shutil.copytree(root, reference)
    report = run_stages([reference], load_plan(), ["all"], jobs=1, root=reference)
    assert not report.errors and report.files_changed
    return snapshot(root), snapshot(reference)


def _old_or_new(root: Path, before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    now = snapshot(root)
    return [p for p in now if now[p] not in (before[p], after[p])]


@dataclass(frozen=True)
class _Ended:
    returncode: int | None
    stderr: str
    hung: bool  # still running GRACE seconds on
    orphans: bool  # processes of its group outlived it


def _run_with_dying_worker(tmp_path: Path, mode: str) -> _Ended:
    tree = tmp_path / "tree"
    command = [sys.executable, "-c", _DRIVER, mode, str(tmp_path / "marker")]
    command += ["run", str(tree), "--stage", "all", "--jobs", "2", "--no-cache"]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    hung = False
    try:
        _, err = proc.communicate(timeout=GRACE)
    except subprocess.TimeoutExpired:
        hung = True
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
    orphans = not group_gone(proc.pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    return _Ended(proc.returncode, err, hung, orphans)


def _check_clean_failure(ended: _Ended) -> None:
    assert not ended.hung, f"the run was still going {GRACE} s after a worker died"
    assert not ended.orphans, "worker processes outlived the run"
    assert ended.returncode == 2, ended.stderr
    assert "Traceback" not in ended.stderr, ended.stderr
    assert "worker process died" in ended.stderr, ended.stderr


@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs Linux /proc")
def test_run_ends_when_an_idle_pool_worker_is_killed(tmp_path: Path) -> None:
    before, after = _tree(tmp_path / "tree")
    _check_clean_failure(_run_with_dying_worker(tmp_path, "sibling"))
    assert _old_or_new(tmp_path / "tree", before, after) == []
    assert leftovers(tmp_path / "tree") == []


@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs Linux /proc")
def test_worker_killed_mid_job_gives_a_one_line_error_and_exit_2(tmp_path: Path) -> None:
    before, after = _tree(tmp_path / "tree")
    _check_clean_failure(_run_with_dying_worker(tmp_path, "self"))
    assert _old_or_new(tmp_path / "tree", before, after) == []
    assert leftovers(tmp_path / "tree") == []
