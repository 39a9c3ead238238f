"""Legacy calls warn at the caller's line, once per call site, naming the replacement and the
command; the warn/error/silent switch; the usage counter and its JSON dump."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

import compat
from compat import EmitterMigrationWarning, _warnings
from compat._messages import shown_path
from compat.agent_instance_factory import AgentInstanceFactory, UserWebSocketEmitter
from compat.agent_websocket_bridge import AgentWebSocketBridge, create_agent_websocket_bridge
from compat.base_agent import BaseAgent
from compat.transparent_websocket_events import TransparentWebSocketEmitter
from compat.unified_emitter import UnifiedWebSocketEmitter as OldEmitter
from compat.unified_emitter import WebSocketEmitterFactory, set_websocket_manager
from target_emitter import RecordingManager

HERE = __file__


def line_after() -> int:
    """The line after the caller's: put the legacy call there."""
    return sys._getframe(1).f_lineno + 1


@pytest.fixture
def recorded() -> Iterator[list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        yield seen


def ours(seen: list[warnings.WarningMessage]) -> list[warnings.WarningMessage]:
    return [w for w in seen if issubclass(w.category, EmitterMigrationWarning)]


@pytest.fixture
def bridge(manager: RecordingManager, context: SimpleNamespace) -> AgentWebSocketBridge:
    return AgentWebSocketBridge._build(context)


def test_the_warning_is_a_deprecation_warning_of_our_own() -> None:
    assert issubclass(EmitterMigrationWarning, DeprecationWarning)
    assert EmitterMigrationWarning is not DeprecationWarning


def test_the_message_names_the_legacy_method_the_replacement_and_the_command(
    bridge: AgentWebSocketBridge, recorded: list[warnings.WarningMessage]
) -> None:
    asyncio.run(bridge.notify_tool_executing("r1", "a", "search", {"q": 1}))

    (warning,) = ours(recorded)
    text = str(warning.message)
    assert text.startswith("AgentWebSocketBridge.notify_tool_executing() is deprecated")
    assert (
        "UnifiedWebSocketEmitter.emit_tool_executing(run_id=..., agent_name=..., "
        "tool_name=..., parameters=...)" in text
    )
    assert f"emitter-migrate run --stage call-sites {shown_path(HERE)}" in text


def test_a_method_left_to_a_person_says_so_with_the_plans_reason(
    bridge: AgentWebSocketBridge, recorded: list[warnings.WarningMessage]
) -> None:
    bridge.create_user_emitter_from_ids("u1", "t1", "r1")

    text = str(ours(recorded)[0].message)
    assert "create_user_emitter_from_ids() is deprecated" in text
    assert "by hand" in text and f"emitter-migrate scan {shown_path(HERE)}" in text


async def _triage(agent: BaseAgent) -> list[int]:
    lines = [line_after()]
    await agent.emit_agent_started()
    lines.append(line_after())
    await asyncio.gather(agent.emit_thinking("a"), agent.emit_progress("b"))
    return [lines[0], lines[1], lines[1]]


def _calls(manager: RecordingManager, ctx: SimpleNamespace) -> dict[str, Callable[[], list[int]]]:
    """Each entry makes legacy calls and returns the lines they were made on."""

    def bridge_method() -> list[int]:
        b = AgentWebSocketBridge._build(ctx)
        line = line_after()
        asyncio.run(b.notify_agent_started("r1", "a"))
        return [line]

    def dual_methods() -> list[int]:
        old = OldEmitter._build(manager, "u1", ctx)
        lines = [line_after()]
        t = TransparentWebSocketEmitter(ctx)
        lines.append(line_after())
        asyncio.run(old.emit_agent_started({"agent_name": "a"}))
        lines.append(line_after())
        asyncio.run(t.emit_tool_completed("search", 1))
        return lines

    def constructors() -> list[int]:
        lines = [line_after()]
        AgentWebSocketBridge(ctx)
        lines.append(line_after())
        create_agent_websocket_bridge(ctx)
        lines.append(line_after())
        WebSocketEmitterFactory.create_emitter(manager, "u1", ctx)
        lines.append(line_after())
        set_websocket_manager(manager)
        lines.append(line_after())
        UserWebSocketEmitter("u1", "t1", "r1", object())
        lines.append(line_after())
        AgentInstanceFactory(object())._create_emitter("u1", "t1", "r1")
        return lines

    def agent_methods() -> list[int]:
        agent = BaseAgent(name="triage")
        agent.set_websocket_bridge(AgentWebSocketBridge._build(ctx), "r1")
        return asyncio.run(_triage(agent))

    def factory_error_method() -> list[int]:
        e = UserWebSocketEmitter._build("u1", "t1", "r1", object())
        line = line_after()
        asyncio.run(e.notify_agent_error("a", "boom"))
        return [line]

    return {
        "bridge method": bridge_method,
        "dual-shape methods": dual_methods,
        "constructors and functions": constructors,
        "agent methods, awaited and gathered": agent_methods,
        "factory emitter's error method": factory_error_method,
    }


@pytest.mark.parametrize(
    "name",
    [
        "bridge method",
        "dual-shape methods",
        "constructors and functions",
        "agent methods, awaited and gathered",
        "factory emitter's error method",
    ],
)
def test_the_warning_points_at_the_callers_line(
    name: str,
    manager: RecordingManager,
    context: SimpleNamespace,
    recorded: list[warnings.WarningMessage],
) -> None:
    lines = _calls(manager, context)[name]()

    found = ours(recorded)
    assert [(w.filename, w.lineno) for w in found] == [(HERE, line) for line in lines]


def test_an_agent_wired_to_a_legacy_bridge_warns_at_the_callers_line(
    monkeypatch: pytest.MonkeyPatch, recorded: list[warnings.WarningMessage]
) -> None:
    from tests.compat.test_legacy_behaviour import LegacyBaseAgent, _fake_module

    _fake_module(monkeypatch, "netra_backend.app.agents.base_agent", BaseAgent=LegacyBaseAgent)
    monkeypatch.delitem(vars(compat.base_agent), "BaseAgent", raising=False)
    agent = compat.base_agent.BaseAgent(name="kb")

    line = line_after()
    asyncio.run(agent.emit_tool_started("grep"))

    assert [(w.filename, w.lineno) for w in ours(recorded)] == [(HERE, line)]


def test_by_default_each_call_site_warns_once(bridge: AgentWebSocketBridge) -> None:
    with warnings.catch_warnings(record=True) as seen:
        warnings.resetwarnings()
        warnings.simplefilter("ignore")
        _warnings.install_filter()

        async def calls() -> None:
            for _ in range(3):
                await bridge.notify_agent_started("r1", "a")
            await bridge.notify_agent_started("r1", "a")

        asyncio.run(calls())

    assert len(ours(seen)) == 2
    assert compat.usage_snapshot()["apis"]["bridge.notify_agent_started"]["count"] == 4


def test_a_filter_that_shows_every_warning_is_honoured(bridge: AgentWebSocketBridge) -> None:
    with warnings.catch_warnings(record=True) as seen:
        warnings.resetwarnings()
        _warnings.install_filter()

        async def calls() -> None:
            for _ in range(2):
                await bridge.notify_agent_started("r1", "a")
            warnings.simplefilter("always", EmitterMigrationWarning)  # the filters changed
            for _ in range(2):
                await bridge.notify_agent_started("r1", "a")

        asyncio.run(calls())

    assert len(ours(seen)) == 1 + 2


def test_a_warnings_error_filter_raises_at_every_call(bridge: AgentWebSocketBridge) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", EmitterMigrationWarning)
        for _ in range(2):
            with pytest.raises(EmitterMigrationWarning):
                bridge.notify_agent_started("r1", "a")


def _run_script(
    tmp_path: Path, body: str, env: dict[str, str], options: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "legacy_user.py").write_text(textwrap.dedent(body), encoding="utf-8")
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("EMITTER_MIGRATE", "PYTHONWARNINGS"))
    }
    full_env.update(env, PYTHONPATH=str(tmp_path))
    return subprocess.run(
        [sys.executable, *options, "-c", "import legacy_user"],
        cwd=tmp_path,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


LEGACY_USER = """\
    import asyncio
    from types import SimpleNamespace
    from compat.agent_websocket_bridge import AgentWebSocketBridge
    from target_emitter import RecordingManager, set_default_manager

    set_default_manager(RecordingManager())
    bridge = AgentWebSocketBridge(SimpleNamespace(user_id="u", thread_id="t", run_id="r"))

    async def main():
        for _ in range(3):
            await bridge.notify_agent_started("r", "a")
        await bridge.notify_agent_completed("r", "a")

    asyncio.run(main())
    print("done")
"""


def test_a_plain_python_process_shows_each_call_site_once(tmp_path: Path) -> None:
    proc = _run_script(tmp_path, LEGACY_USER, {})

    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if "EmitterMigrationWarning" in line]
    assert [line.split(": ")[0] for line in lines] == [
        f"{tmp_path / 'legacy_user.py'}:7",
        f"{tmp_path / 'legacy_user.py'}:11",
        f"{tmp_path / 'legacy_user.py'}:12",
    ]


def test_warning_options_on_the_command_line_still_decide(tmp_path: Path) -> None:
    hidden = _run_script(tmp_path, LEGACY_USER, {}, ("-W", "ignore::DeprecationWarning"))
    fatal = _run_script(tmp_path, LEGACY_USER, {}, ("-W", "error::DeprecationWarning"))
    unrelated = _run_script(tmp_path, LEGACY_USER, {}, ("-W", "error::ResourceWarning"))

    assert unrelated.returncode == 0, unrelated.stderr
    assert unrelated.stderr.count("EmitterMigrationWarning") == 3  # once per call site
    assert hidden.returncode == 0, hidden.stderr
    assert "EmitterMigrationWarning" not in hidden.stderr
    assert fatal.returncode != 0
    assert "EmitterMigrationWarning: AgentWebSocketBridge() is deprecated" in fatal.stderr


def test_error_mode_from_the_environment_raises_at_the_first_legacy_use(tmp_path: Path) -> None:
    proc = _run_script(tmp_path, LEGACY_USER, {"EMITTER_MIGRATE_COMPAT": "error"})

    assert proc.returncode != 0
    assert "compat._warnings.EmitterMigrationWarning: AgentWebSocketBridge() is deprecated" in (
        proc.stderr
    )
    assert "done" not in proc.stdout


def test_usage_is_dumped_at_exit_and_merged_across_processes(tmp_path: Path) -> None:
    usage = tmp_path / "usage.json"
    env = {"EMITTER_MIGRATE_COMPAT_USAGE": str(usage), "EMITTER_MIGRATE_COMPAT": "silent"}

    for _ in range(2):
        proc = _run_script(tmp_path, LEGACY_USER, env)
        assert proc.returncode == 0, proc.stderr
        assert "EmitterMigrationWarning" not in proc.stderr

    data = json.loads(usage.read_text(encoding="utf-8"))
    assert data["total"] == 2 * (1 + 3 + 1)
    entry = data["apis"]["bridge.notify_agent_started"]
    assert entry["count"] == 6
    assert entry["first_caller"] == f"{tmp_path / 'legacy_user.py'}:11"
    assert entry["callers"] == {f"{tmp_path / 'legacy_user.py'}:11": 6}


def test_importing_compat_reads_no_plan() -> None:
    code = (
        "import sys, compat, compat.agent_websocket_bridge, compat.base_agent, "
        "compat.transparent_websocket_events, compat.agent_instance_factory, "
        "compat.unified_emitter; print(sorted(m for m in ('codemods.plan', 'tomllib', "
        "'pathspec') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


# -------------------------------------------------------------------- modes ----
def test_error_mode_raises_at_the_call_and_still_counts(bridge: AgentWebSocketBridge) -> None:
    compat.set_mode("error")
    with pytest.raises(EmitterMigrationWarning) as raised:
        line = line_after()
        bridge.notify_agent_started("r1", "a")

    assert str(raised.value).startswith("AgentWebSocketBridge.notify_agent_started()")
    assert str(raised.value).endswith(f"[called from {HERE}:{line}]")
    assert compat.usage_snapshot()["apis"]["bridge.notify_agent_started"]["count"] == 1


def test_silent_mode_is_silent_and_still_counts(
    bridge: AgentWebSocketBridge, recorded: list[warnings.WarningMessage]
) -> None:
    compat.set_mode("silent")

    asyncio.run(bridge.notify_agent_started("r1", "a"))

    assert ours(recorded) == []
    assert compat.usage_snapshot()["total"] == 1


def test_the_mode_context_manager_applies_inside_only(
    bridge: AgentWebSocketBridge, recorded: list[warnings.WarningMessage]
) -> None:
    with compat.mode("error"):
        assert compat.get_mode() == "error"
        with pytest.raises(EmitterMigrationWarning):
            bridge.notify_agent_started("r1", "a")
        with compat.mode("silent", api="bridge"):
            asyncio.run(bridge.notify_agent_started("r1", "a"))
    asyncio.run(bridge.notify_agent_started("r1", "a"))

    assert compat.get_mode() == "warn"
    assert len(ours(recorded)) == 1


def test_a_mode_can_be_set_for_one_api(
    bridge: AgentWebSocketBridge, context: SimpleNamespace, recorded: list[warnings.WarningMessage]
) -> None:
    compat.set_mode("error", api="bridge")
    compat.set_mode("silent", api="transparent")

    with pytest.raises(EmitterMigrationWarning):
        bridge.notify_agent_started("r1", "a")
    TransparentWebSocketEmitter(context)
    asyncio.run(OldEmitter._build(RecordingManager(), "u1").notify_custom("x", {}))

    assert [str(w.message).split("(")[0] for w in ours(recorded)] == [
        "websocket_core.UnifiedWebSocketEmitter.notify_custom"
    ]


@pytest.mark.parametrize(
    ("value", "default", "bridge_mode"),
    [
        ("", "warn", "warn"),
        ("error", "error", "error"),
        (" warn , bridge=silent", "warn", "silent"),
    ],
)
def test_the_environment_sets_the_mode(
    monkeypatch: pytest.MonkeyPatch, value: str, default: str, bridge_mode: str
) -> None:
    monkeypatch.setenv(compat.ENV_MODE, value)
    monkeypatch.setattr(_warnings, "_process_mode", None)

    assert (compat.get_mode(), compat.get_mode("bridge")) == (default, bridge_mode)


def test_a_bad_mode_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="warn, error, silent"):
        compat.set_mode("loud")
    monkeypatch.setenv(compat.ENV_MODE, "eror")
    monkeypatch.setattr(_warnings, "_process_mode", None)
    with pytest.raises(ValueError, match="EMITTER_MIGRATE_COMPAT='eror'"):
        compat.get_mode()


# -------------------------------------------------------------------- usage ----
def _two_sites(bridge: AgentWebSocketBridge) -> tuple[int, int]:
    async def calls() -> tuple[int, int]:
        first = line_after()
        await bridge.notify_agent_started("r1", "a")
        for _ in range(2):
            second = line_after()
            await bridge.notify_agent_started("r1", "a")
        return first, second

    return asyncio.run(calls())


def test_the_usage_counter_records_counts_and_callers(
    bridge: AgentWebSocketBridge, quiet: None
) -> None:
    first, second = _two_sites(bridge)

    snapshot = compat.usage_snapshot()
    assert snapshot["total"] == 3
    assert snapshot["apis"] == {
        "bridge.notify_agent_started": {
            "count": 3,
            "first_caller": f"{HERE}:{first}",
            "callers": {f"{HERE}:{first}": 1, f"{HERE}:{second}": 2},
        }
    }


def test_usage_dumps_to_json_and_merges_into_an_existing_dump(
    bridge: AgentWebSocketBridge, tmp_path: Path, quiet: None
) -> None:
    path = tmp_path / "usage.json"
    _two_sites(bridge)

    written = compat.dump_usage(path)
    merged = compat.dump_usage(path, merge=True)

    assert json.loads(path.read_text(encoding="utf-8")) == merged
    assert written["format"] == merged["format"] == _warnings.USAGE_FORMAT
    assert written["total"] == 3 and merged["total"] == 6
    assert merged["apis"]["bridge.notify_agent_started"]["count"] == 6
    assert sorted(merged["apis"]["bridge.notify_agent_started"]["callers"].values()) == [2, 4]
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == ["usage.json"]


def test_a_file_that_is_not_a_usage_dump_is_replaced_not_merged(
    bridge: AgentWebSocketBridge, tmp_path: Path, quiet: None
) -> None:
    path = tmp_path / "usage.json"
    path.write_text('{"something": "else"}', encoding="utf-8")
    _two_sites(bridge)

    assert compat.dump_usage(path, merge=True)["total"] == 3
