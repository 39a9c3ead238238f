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
from typing import Any

import pytest

import compat
from compat import EmitterMigrationWarning, _warnings
from compat._messages import shown_path
from target_emitter import RecordingManager
from tests.compat.legacy_api import (
    AgentWebSocketBridge,
    BaseAgent,
    TransparentWebSocketEmitter,
    UserWebSocketEmitter,
    create_agent_websocket_bridge,
    set_websocket_manager,
)
from tests.compat.legacy_api import UnifiedWebSocketEmitter as OldEmitter

ROOT = Path(__file__).resolve().parents[2]
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
def bridge(context: SimpleNamespace) -> AgentWebSocketBridge:
    return AgentWebSocketBridge(context)


def awaited(coro: Any) -> Any:
    """Await ``coro`` from a coroutine, as application code does: the decorated method
    reports when its coroutine starts, and then its caller is that coroutine."""

    async def caller() -> Any:
        return await coro

    return asyncio.run(caller())


def test_the_warning_is_a_deprecation_warning_of_our_own() -> None:
    assert issubclass(EmitterMigrationWarning, DeprecationWarning)
    assert EmitterMigrationWarning is not DeprecationWarning


def test_the_message_names_the_legacy_method_the_replacement_and_the_command(
    bridge: AgentWebSocketBridge, recorded: list[warnings.WarningMessage]
) -> None:
    awaited(bridge.notify_tool_executing("r1", "a", "search", {"q": 1}))

    (warning,) = ours(recorded)
    text = str(warning.message)
    assert text.startswith("AgentWebSocketBridge.notify_tool_executing() is deprecated")
    assert (
        "UnifiedWebSocketEmitter.emit_tool_executing(run_id=..., agent_name=..., "
        "tool_name=..., parameters=...)" in text
    )
    assert f"emitter-migrate run --stage call-sites {shown_path(HERE)}" in text


def test_a_method_the_plan_leaves_to_a_person_is_not_wrapped(
    bridge: AgentWebSocketBridge, recorded: list[warnings.WarningMessage]
) -> None:
    bridge.create_user_emitter_from_ids("u1", "t1", "r1")  # manual in the plan: not wrapped

    assert ours(recorded) == []
    asyncio.run(bridge.notify_tool_executing("r1", "a", "search"))
    text = str(ours(recorded)[0].message)
    assert "notify_tool_executing() is deprecated" in text


def _calls(ctx: SimpleNamespace) -> dict[str, Callable[[], list[int]]]:
    """Each entry makes legacy calls (awaited from a coroutine) and returns their lines."""

    def bridge_method() -> list[int]:
        b = AgentWebSocketBridge(ctx)

        async def calls() -> list[int]:
            line = line_after()
            await b.notify_agent_started("r1", "a")
            return [line]

        return asyncio.run(calls())

    def same_named_methods() -> list[int]:
        old = OldEmitter(RecordingManager(), "u1", ctx)
        t = TransparentWebSocketEmitter(ctx)

        async def calls() -> list[int]:
            lines = [line_after()]
            await old.emit_agent_started({"agent_name": "a"})
            lines.append(line_after())
            await t.emit_tool_completed("search", 1)
            return lines

        return asyncio.run(calls())

    def factories_and_functions() -> list[int]:
        lines = [line_after()]
        create_agent_websocket_bridge(ctx)
        lines.append(line_after())
        set_websocket_manager(RecordingManager())
        return lines

    def agent_methods_awaited_one_calling_another() -> list[int]:
        agent = BaseAgent(name="triage")

        async def calls() -> list[int]:
            lines = [line_after()]
            await agent.emit_agent_started()
            lines.append(line_after())
            await agent.emit_tool_started("grep")  # its call of emit_tool_executing: not again
            return lines

        return asyncio.run(calls())

    def factory_error_method() -> list[int]:
        e = UserWebSocketEmitter("u1", "t1", "r1", object())

        async def calls() -> list[int]:
            line = line_after()
            await e.notify_agent_error("a", "boom")
            return [line]

        return asyncio.run(calls())

    return {
        "bridge method": bridge_method,
        "same-named methods": same_named_methods,
        "factories and functions": factories_and_functions,
        "agent methods, one calling another": agent_methods_awaited_one_calling_another,
        "factory emitter's error method": factory_error_method,
    }


@pytest.mark.parametrize(
    "name",
    [
        "bridge method",
        "same-named methods",
        "factories and functions",
        "agent methods, one calling another",
        "factory emitter's error method",
    ],
)
def test_the_warning_points_at_the_callers_line(
    name: str,
    context: SimpleNamespace,
    recorded: list[warnings.WarningMessage],
) -> None:
    lines = _calls(context)[name]()

    found = ours(recorded)
    assert [(w.filename, w.lineno) for w in found] == [(HERE, line) for line in lines]


def test_a_gathered_call_is_reported_where_asyncio_started_it(
    recorded: list[warnings.WarningMessage],
) -> None:
    # The decorated methods stay coroutine functions, so they report when the coroutine
    # starts; under gather that is inside asyncio (README, "The transition at runtime").
    agent = BaseAgent(name="triage")

    async def calls() -> None:
        await asyncio.gather(agent.emit_thinking("a"), agent.emit_progress("b"))

    asyncio.run(calls())

    found = ours(recorded)
    assert len(found) == 2
    assert all(Path(w.filename).parent.name == "asyncio" for w in found)


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
                awaited(bridge.notify_agent_started("r1", "a"))


def _run_script(
    tmp_path: Path, body: str, env: dict[str, str], options: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "legacy_user.py").write_text(textwrap.dedent(body), encoding="utf-8")
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("EMITTER_MIGRATE", "PYTHONWARNINGS"))
    }
    full_env.update(env, PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]))
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
    from tests.compat.legacy_api import create_agent_websocket_bridge
    from target_emitter import RecordingManager, set_default_manager

    set_default_manager(RecordingManager())
    bridge = create_agent_websocket_bridge(SimpleNamespace(user_id="u", run_id="r"))

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
    assert "EmitterMigrationWarning: create_agent_websocket_bridge() is deprecated" in fatal.stderr


def test_error_mode_from_the_environment_raises_at_the_first_legacy_use(tmp_path: Path) -> None:
    proc = _run_script(tmp_path, LEGACY_USER, {"EMITTER_MIGRATE_COMPAT": "error"})

    assert proc.returncode != 0
    assert (
        "compat._warnings.EmitterMigrationWarning: create_agent_websocket_bridge() is deprecated"
        in proc.stderr
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
    # A legacy module imports compat.deprecation; the plan is read when it decorates.
    code = (
        "import sys, compat, compat.deprecation; print(sorted(m for m in ('codemods.plan', "
        "'tomllib', 'pathspec') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


# -------------------------------------------------------------------- modes ----
def test_error_mode_raises_at_the_call_and_still_counts(bridge: AgentWebSocketBridge) -> None:
    compat.set_mode("error")

    lines: list[int] = []

    async def call() -> None:
        lines.append(line_after())
        await bridge.notify_agent_started("r1", "a")

    with pytest.raises(EmitterMigrationWarning) as raised:
        asyncio.run(call())

    assert str(raised.value).startswith("AgentWebSocketBridge.notify_agent_started()")
    assert str(raised.value).endswith(f"[called from {HERE}:{lines[0]}]")
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
            awaited(bridge.notify_agent_started("r1", "a"))
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
        awaited(bridge.notify_agent_started("r1", "a"))
    awaited(TransparentWebSocketEmitter(context).emit_tool_completed("t", 1))
    awaited(OldEmitter(RecordingManager(), "u1").notify_custom("x", {}))

    assert [str(w.message).split("(")[0] for w in ours(recorded)] == [
        "UnifiedWebSocketEmitter.notify_custom"
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
    # A bad value in the environment is the deployment's typo, not the program's: it is
    # said once and the default applies, so the application keeps running.
    monkeypatch.setenv(compat.ENV_MODE, "eror")
    monkeypatch.setattr(_warnings, "_process_mode", None)
    with pytest.warns(_warnings.CompatSettingWarning, match="EMITTER_MIGRATE_COMPAT='eror'"):
        assert compat.get_mode() == "warn"
    assert compat.get_mode() == "warn"  # read once


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
