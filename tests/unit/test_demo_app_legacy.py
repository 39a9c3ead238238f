"""The bundled demo application works, and its own tests pass, on the legacy code."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import codemods
from target_emitter import UnifiedWebSocketEmitter

DEMO_APP = Path(codemods.__file__).parent / "demo_app"

LEGACY_MODULES = [
    "netra_backend/app/websocket_core/__init__.py",
    "netra_backend/app/websocket_core/unified_emitter.py",
    "netra_backend/app/services/agent_websocket_bridge.py",
    "netra_backend/app/services/websocket/transparent_websocket_events.py",
    "netra_backend/app/agents/base_agent.py",
    "netra_backend/app/agents/supervisor/agent_instance_factory.py",
]


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "demo"
    shutil.copytree(DEMO_APP, copy, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    return copy


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # Keep the outer pytest's options and paths out of the child run.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHONPATH"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_demo_app_is_package_data_not_a_package() -> None:
    assert not (DEMO_APP / "__init__.py").exists()
    assert (DEMO_APP / "README.md").is_file()


def test_demo_app_ships_every_legacy_api_at_its_original_path() -> None:
    missing = [path for path in LEGACY_MODULES if not (DEMO_APP / path).is_file()]
    assert missing == []


def test_demo_app_suite_passes_on_the_legacy_code(demo_copy: Path) -> None:
    proc = _run(["-m", "pytest", "-q", "-p", "no:cacheprovider"], demo_copy)

    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    summary = output.strip().splitlines()[-1]
    passed = re.search(r"(\d+) passed", summary)
    assert passed is not None, summary
    assert int(passed.group(1)) >= 20, summary
    assert not re.search(r"failed|error|skipped", summary), summary


def test_demo_app_wiring_runs_a_support_request(demo_copy: Path) -> None:
    proc = _run(["-m", "support_desk.app"], demo_copy)

    assert proc.returncode == 0, proc.stderr
    events = [line.split(": ", 1)[1].split(" ")[0] for line in proc.stdout.splitlines()[:5]]
    assert events == [
        "agent_started",
        "agent_thinking",
        "tool_executing",
        "tool_completed",
        "agent_completed",
    ]


def test_demo_recording_manager_reads_the_unified_wire_format(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # After migration the demo's assertions see target_emitter messages through this class.
    path = DEMO_APP / "support_desk" / "recording_manager.py"
    spec = importlib.util.spec_from_file_location("demo_recording_manager", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # keep package data free of caches
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    manager = module.RecordingManager()

    async def emit_for_two_users() -> None:
        alice = UnifiedWebSocketEmitter(manager, "alice", thread_id="t-a", run_id="run-a")
        bob = UnifiedWebSocketEmitter(manager, "bob", thread_id="t-b", run_id="run-b")
        await asyncio.gather(
            alice.emit_tool_executing(tool_name="search", agent_name="triage"),
            bob.emit_agent_started(agent_name="billing"),
            alice.emit_custom("service_ready", {"service_name": "knowledge_base"}),
        )

    asyncio.run(emit_for_two_users())

    record = module.EventRecord
    assert manager.events_for("alice") == [
        record("alice", "tool_executing", agent_name="triage", tool_name="search", run_id="run-a"),
        record("alice", "service_ready", run_id="run-a"),
    ]
    assert manager.events_for("bob") == [
        record("bob", "agent_started", agent_name="billing", run_id="run-b")
    ]
    assert manager.misrouted == []
