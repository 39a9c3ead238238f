"""Engine behaviour with stand-in codemods (tests/cli/fakes.py): data path, modes, safety."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from codemods import engine
from codemods.engine import EngineError, StageOrderError, module_name_for, run_stages
from codemods.plan import Plan, load_plan
from codemods.report import AUTO, MANUAL
from codemods.run.lock import run_lock
from codemods.stages import CODEMODS, CodemodUnavailable, get_codemod, override
from codemods.stages.base import StageCodemod
from tests.cli.fakes import (
    USER,
    FakeCalls,
    FakeImports,
    FakeStrings,
    fake_codemods,
    small_project,
    snapshot,
    write_tree,
)

PLAN: Plan = load_plan()


@pytest.fixture
def fakes():
    with fake_codemods() as seen:
        yield seen


def _run(root: Path, stages: list[str], **kw):
    kw.setdefault("mode", "write")
    return run_stages([root], PLAN, stages, root=root, **kw)


# ------------------------------------------------------------------ modes ----
def test_write_chains_stages_and_rewrites_in_place(tmp_path, fakes):
    small_project(tmp_path)
    report = _run(tmp_path, ["all"])
    assert report.errors == []
    assert report.files_changed == ["app/one.py", "app/two.py"]
    text = (tmp_path / "app/one.py").read_text()
    # imports renamed to ShimBridge, then calls renamed that to the unified name
    assert "UnifiedWebSocketEmitter()" in text and "AgentWebSocketBridge" not in text
    stages = {s.stage for s in report.sites if s.status == AUTO}
    assert stages == {"compat-imports", "call-sites"}


def test_scan_runs_each_stage_on_the_original_file(tmp_path, fakes):
    small_project(tmp_path)
    before = snapshot(tmp_path)
    report = _run(tmp_path, ["all"], mode="scan")
    assert snapshot(tmp_path) == before
    auto = [s for s in report.sites if s.status == AUTO]
    # the calls fake only sees ShimBridge, which the original does not contain yet
    assert {s.stage for s in auto} == {"compat-imports"}
    assert {(s.path, s.line, s.col) for s in auto} == {
        ("app/one.py", 1, 63),
        ("app/one.py", 3, 10),
        ("app/two.py", 1, 63),
        ("app/two.py", 3, 10),
    }
    assert report.files_changed == [] and report.diffs == {}


def test_diff_mode_writes_nothing_and_returns_a_prefixed_diff(tmp_path, fakes):
    small_project(tmp_path)
    before = snapshot(tmp_path)
    report = _run(tmp_path, ["compat-imports"], mode="diff")
    assert snapshot(tmp_path) == before
    diff = report.diffs["app/one.py"]
    assert diff.startswith("--- a/app/one.py\n+++ b/app/one.py\n")
    assert "-bridge = AgentWebSocketBridge()\n+bridge = ShimBridge()\n" in diff


def test_check_mode_lists_changes_and_writes_nothing(tmp_path, fakes):
    small_project(tmp_path)
    before = snapshot(tmp_path)
    report = _run(tmp_path, ["compat-imports"], mode="check")
    assert report.files_changed == ["app/one.py", "app/two.py"]
    assert snapshot(tmp_path) == before


def test_unknown_mode_stage_and_wave_are_refused(tmp_path, fakes):
    small_project(tmp_path)
    with pytest.raises(EngineError, match="unknown mode"):
        _run(tmp_path, ["all"], mode="dry")
    with pytest.raises(EngineError, match=r"no stage named 'nope'.*compat-imports"):
        _run(tmp_path, ["nope"])
    with pytest.raises(EngineError, match=r"no wave named 'w9'.*tests"):
        _run(tmp_path, ["all"], wave="w9")


# ---------------------------------------------------- legacy and prefilter ----
def test_legacy_module_is_untouched_and_reported_once_as_definition(tmp_path, fakes):
    small_project(tmp_path)
    legacy = "netra_backend/app/services/agent_websocket_bridge.py"
    before = (tmp_path / legacy).read_bytes()
    report = _run(tmp_path, ["all"])
    assert (tmp_path / legacy).read_bytes() == before
    defs = [s for s in report.sites if s.path == legacy]
    assert len(defs) == 1
    assert defs[0].kind == "definition" and defs[0].status == MANUAL
    assert "AgentWebSocketBridge" in defs[0].reason and "delete it" in defs[0].reason
    assert ("compat-imports", legacy) not in fakes


def test_prefilter_never_parses_files_without_legacy_names(tmp_path, fakes):
    small_project(tmp_path)
    (tmp_path / "app/broken_but_unrelated.py").write_text("def (:\n")
    report = _run(tmp_path, ["compat-imports"], mode="scan")
    assert report.errors == []
    assert report.files_scanned == 5
    assert {p for _, p in fakes} == {"app/one.py", "app/two.py"}


def test_prefilter_follows_subclasses_across_files_to_a_fixed_point(tmp_path, fakes):
    write_tree(
        tmp_path,
        {
            "netra_backend/app/agents/base_agent.py": "class BaseAgent:\n    pass\n",
            "app/mid.py": (
                "from netra_backend.app.agents.base_agent import BaseAgent\n"
                "class MidAgent(BaseAgent):\n    pass\n"
            ),
            "app/leaf.py": "from app.mid import MidAgent\nclass LeafThing(MidAgent):\n    pass\n",
            "app/deep.py": "from app.leaf import LeafThing\nclass Deeper(LeafThing):\n    pass\n",
            "app/other.py": "class Unrelated:\n    pass\n",
        },
    )
    _run(tmp_path, ["compat-imports"], mode="scan")
    assert {p for _, p in fakes} == {"app/mid.py", "app/leaf.py", "app/deep.py"}


def test_module_names_come_from_root_relative_paths():
    assert module_name_for("a/b/c.py") == "a.b.c"
    assert module_name_for("a/b/__init__.py") == "a.b"
    assert module_name_for("README.md") is None


# ------------------------------------------------------ jobs and the cache ----
def _many_files(root: Path, n: int = 24) -> None:
    small_project(root)
    for i in range(n):
        write_tree(root, {f"pkg{i % 3}/mod{i}.py": USER + f"value_{i} = {i}\n" * (i + 1)})


def _fingerprint(report):
    return (report.sites, report.errors, report.diffs, report.files_changed, report.files_scanned)


def test_output_is_identical_for_any_jobs_and_with_or_without_cache(tmp_path, fakes):
    _many_files(tmp_path)
    cache = tmp_path / ".emitter-migrate-cache"
    results = []
    for jobs, use_cache in ((1, False), (2, False), (2, True), (1, True)):
        for mode in ("scan", "diff"):
            report = _run(
                tmp_path, ["all"], mode=mode, jobs=jobs, use_cache=use_cache, cache_dir=cache
            )
            results.append((mode, _fingerprint(report)))
    scans = [r for m, r in results if m == "scan"]
    diffs = [r for m, r in results if m == "diff"]
    assert all(r == scans[0] for r in scans) and all(r == diffs[0] for r in diffs)
    assert len(diffs[0][2]) == 26


def test_warm_cache_skips_parsing_unchanged_files(tmp_path, fakes):
    small_project(tmp_path)
    cache = tmp_path / "cache"
    _run(tmp_path, ["all"], mode="diff", use_cache=True, cache_dir=cache)
    assert fakes, "cold run parsed nothing"
    fakes.clear()
    warm = _run(tmp_path, ["all"], mode="diff", use_cache=True, cache_dir=cache)
    assert fakes == []
    assert sorted(warm.diffs) == ["app/one.py", "app/two.py"]
    (tmp_path / "app/one.py").write_text(USER + "extra = 1\n")
    _run(tmp_path, ["all"], mode="diff", use_cache=True, cache_dir=cache)
    assert {p for _, p in fakes} == {"app/one.py"}


# ------------------------------------------------------- per-file failures ----
def test_stage_exception_fails_only_that_file(tmp_path, fakes):
    small_project(tmp_path)
    write_tree(tmp_path, {"app/bad.py": USER + "boom\n"})
    before = (tmp_path / "app/bad.py").read_bytes()
    report = _run(tmp_path, ["all"])
    assert [(e.path, e.reason.split(":")[0]) for e in report.errors] == [
        ("app/bad.py", "internal error in stage compat-imports")
    ]
    assert "please report" in report.errors[0].reason
    assert (tmp_path / "app/bad.py").read_bytes() == before
    assert report.files_changed == ["app/one.py", "app/two.py"]


def test_output_that_does_not_parse_is_never_written(tmp_path, fakes):
    small_project(tmp_path)
    write_tree(tmp_path, {"app/bad.py": USER + "x = badout\n"})
    before = (tmp_path / "app/bad.py").read_bytes()
    report = _run(tmp_path, ["all"])
    assert [str(e) for e in report.errors] == [
        "app/bad.py: stage call-sites produced code that does not parse; "
        "file left unchanged; please report"
    ]
    assert (tmp_path / "app/bad.py").read_bytes() == before


def test_syntax_newer_than_this_python_is_still_rewritten(tmp_path, fakes):
    # The output check is Python's parser, which (below 3.12) rejects `type` aliases that
    # LibCST accepts: such a file must be judged by LibCST, not reported as our bug.
    small_project(tmp_path)
    write_tree(tmp_path, {"app/newer.py": USER + "type Alias = int\n"})
    report = _run(tmp_path, ["all"])
    assert report.errors == []
    assert "app/newer.py" in report.files_changed
    text = (tmp_path / "app/newer.py").read_text()
    assert "UnifiedWebSocketEmitter" in text and text.endswith("type Alias = int\n")


def test_syntax_error_names_line_and_column(tmp_path, fakes):
    write_tree(tmp_path, {"app/bad.py": USER + "def broken(:\n"})
    report = _run(tmp_path, ["all"], mode="scan")
    (error,) = report.errors
    assert error.path == "app/bad.py"
    assert error.reason.startswith("syntax error at line 4, col ")
    assert error.reason.endswith("fix it and re-run")


class _EditsFileOnDisk(FakeImports):
    """Simulates an editor saving the file while the run is between read and write."""

    root: Path = Path()

    def leave_Module(self, original, updated):
        target = self.root / self.ctx.path
        target.write_text(target.read_text() + "# saved by the editor\n")
        return updated


def test_file_changed_between_read_and_write_is_not_overwritten(tmp_path, fakes):
    small_project(tmp_path)
    _EditsFileOnDisk.root = tmp_path
    with override("imports", _EditsFileOnDisk):
        report = _run(tmp_path, ["compat-imports"])
    assert {e.path for e in report.errors} == {"app/one.py", "app/two.py"}
    assert all("changed on disk" in e.reason for e in report.errors)
    text = (tmp_path / "app/one.py").read_text()
    assert text == USER + "# saved by the editor\n"
    assert report.files_changed == []


# ---------------------------------------------------------- stage order ----
def test_later_stage_is_refused_while_an_earlier_one_has_work(tmp_path, fakes):
    small_project(tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(StageOrderError) as info:
        _run(tmp_path, ["call-sites"])
    message = str(info.value)
    assert "'compat-imports' comes first" in message
    assert "4 sites to rewrite in 2 files" in message
    assert f"emitter-migrate run --stage compat-imports {tmp_path}" in message
    assert snapshot(tmp_path) == before


def test_force_runs_a_later_stage_anyway(tmp_path, fakes):
    small_project(tmp_path)
    report = _run(tmp_path, ["call-sites"], force=True)
    assert report.errors == []
    assert report.files_changed == []  # nothing named ShimBridge yet: the fake has no work


def test_later_stage_runs_once_earlier_stage_is_done(tmp_path, fakes):
    small_project(tmp_path)
    _run(tmp_path, ["compat-imports"])
    report = _run(tmp_path, ["call-sites"])
    assert report.files_changed == ["app/one.py", "app/two.py"]


def test_scan_is_never_refused(tmp_path, fakes):
    small_project(tmp_path)
    report = _run(tmp_path, ["cleanup"], mode="scan")
    assert report.errors == []


# ------------------------------------------------------------ waves, lock ----
def test_wave_limits_the_run_to_its_files(tmp_path, fakes):
    small_project(tmp_path)
    write_tree(tmp_path, {"tests/test_x.py": USER})
    report = _run(tmp_path, ["compat-imports"], wave="tests")
    assert report.files_changed == ["tests/test_x.py"]
    assert "AgentWebSocketBridge" in (tmp_path / "app/one.py").read_text()


def test_write_is_refused_while_another_run_holds_the_lock(tmp_path, fakes):
    small_project(tmp_path)
    before = snapshot(tmp_path)
    with run_lock(tmp_path), pytest.raises(EngineError, match="another emitter-migrate run"):
        _run(tmp_path, ["compat-imports"])
    assert snapshot(tmp_path) == before


# ----------------------------------------------------------------- status ----
def test_status_counts_pending_and_manual_work_per_stage_and_wave(tmp_path, fakes):
    small_project(tmp_path)
    write_tree(tmp_path, {"tests/test_x.py": USER})
    result = engine.status([tmp_path], PLAN, root=tmp_path)
    rows = {r.stage: r for r in result.stages}
    assert (rows["compat-imports"].pending, rows["compat-imports"].files_pending) == (6, 3)
    assert rows["strings"].manual == 1 and rows["strings"].pending == 0
    assert result.done("strings") and not result.done("compat-imports")
    waves = {w.wave: w for w in result.waves}
    assert waves["tests"].files == 1
    cells = {c.stage: c for c in waves["tests"].cells}
    assert cells["compat-imports"].pending == 2
    assert [s.path for s in result.legacy] == [
        "netra_backend/app/services/agent_websocket_bridge.py"
    ]
    _run(tmp_path, ["compat-imports"])
    after = engine.status([tmp_path], PLAN, root=tmp_path)
    assert after.done("compat-imports") and not after.done("call-sites")


# --------------------------------------------------------------- registry ----
def test_registry_imports_a_missing_transform_with_a_clear_error(monkeypatch):
    monkeypatch.setitem(CODEMODS, "imports", "codemods.stages.not_written_yet:Nope")
    with pytest.raises(CodemodUnavailable, match=r"importing codemods\.stages\.not_written_yet"):
        get_codemod("imports")


def test_registry_rejects_a_module_without_the_class(monkeypatch):
    monkeypatch.setitem(CODEMODS, "imports", "codemods.stages.base:Missing")
    with pytest.raises(CodemodUnavailable, match="no StageCodemod subclass named Missing"):
        get_codemod("imports")


def test_missing_transform_stops_the_run_before_touching_files(tmp_path, monkeypatch):
    small_project(tmp_path)
    before = snapshot(tmp_path)
    monkeypatch.setitem(CODEMODS, "cleanup", "codemods.stages.not_written_yet:Nope")
    with (
        override("imports", FakeImports),
        override("calls", FakeCalls),
        override("strings", FakeStrings),
        pytest.raises(EngineError, match="codemod 'cleanup' cannot be loaded"),
    ):
        _run(tmp_path, ["all"])
    assert snapshot(tmp_path) == before


def test_override_restores_the_previous_class():
    class Other(StageCodemod):
        name = "imports"

    with override("imports", FakeImports):
        with override("imports", Other):
            assert get_codemod("imports") is Other
        assert get_codemod("imports") is FakeImports


def test_real_codemods_give_identical_output_for_any_jobs_and_cache(tmp_path):
    """The same property with the real stages, on the small app of a golden case."""
    source = Path(__file__).parents[1] / "golden" / "plan_full_small_app" / "input"
    shutil.copytree(source, tmp_path / "tree")
    tree = tmp_path / "tree"
    cache = tmp_path / "cache"
    seen = []
    for jobs, use_cache in ((1, False), (2, False), (2, True), (2, True)):
        for mode in ("scan", "diff"):
            report = run_stages(
                [tree], PLAN, ["all"], mode=mode, root=tree, jobs=jobs,
                use_cache=use_cache, cache_dir=cache,
            )  # fmt: skip
            seen.append((mode, _fingerprint(report)))
    for mode in ("scan", "diff"):
        results = [r for m, r in seen if m == mode]
        assert all(r == results[0] for r in results), mode
    assert len(next(r for m, r in seen if m == "diff")[2]) == 3


# ------------------------------------------------------------ prefilter memo ----
@pytest.fixture
def reads(monkeypatch):
    """Paths the engine reads for the prefilter; files count as settled at once."""
    from codemods.fastcst import prefilter

    monkeypatch.setattr(prefilter, "RACY_NS", 0)
    seen: list[str] = []
    real = engine._read_raw

    def recording(path: str) -> bytes:
        seen.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(engine, "_read_raw", recording)
    return seen


def test_warm_run_does_not_read_unchanged_files_that_did_not_match(tmp_path, fakes, reads):
    small_project(tmp_path)
    cache = tmp_path / ".emitter-migrate-cache"
    cold = _run(tmp_path, ["all"], mode="scan", use_cache=True, cache_dir=cache)
    assert sorted(reads) == ["agent_websocket_bridge.py", "one.py", "plain.py", "two.py"]
    reads.clear()
    warm = _run(tmp_path, ["all"], mode="scan", use_cache=True, cache_dir=cache)
    assert "plain.py" not in reads
    assert _fingerprint(warm) == _fingerprint(cold)  # files_scanned still counts it
    (tmp_path / "app/plain.py").write_text("x = 1\nb = AgentWebSocketBridge\n")
    reads.clear()
    fakes.clear()
    _run(tmp_path, ["all"], mode="scan", use_cache=True, cache_dir=cache)
    assert "plain.py" in reads
    assert ("compat-imports", "app/plain.py") in fakes


def test_warm_run_rereads_skipped_files_when_a_new_legacy_subclass_appears(tmp_path, fakes, reads):
    write_tree(
        tmp_path,
        {
            "netra_backend/app/agents/base_agent.py": "class BaseAgent:\n    pass\n",
            "app/mid.py": "class MidAgent:\n    pass\n",
            "app/user.py": "from app.mid import MidAgent\n\nagent = MidAgent()\n",
        },
    )
    cache = tmp_path / ".emitter-migrate-cache"
    _run(tmp_path, ["compat-imports"], mode="scan", use_cache=True, cache_dir=cache)
    assert "app/user.py" not in {p for _, p in fakes}
    (tmp_path / "app/mid.py").write_text(
        "from netra_backend.app.agents.base_agent import BaseAgent\n\n"
        "class MidAgent(BaseAgent):\n    pass\n"
    )
    fakes.clear()
    _run(tmp_path, ["compat-imports"], mode="scan", use_cache=True, cache_dir=cache)
    assert {p for _, p in fakes} == {"app/mid.py", "app/user.py"}


class _KillsItsWorker(FakeImports):
    parent = 0

    def visit_Module(self, node):
        if os.getpid() != self.parent and self.ctx.path.endswith("mod5.py"):
            os._exit(9)  # as if the OOM killer struck
        return super().visit_Module(node)


def test_a_worker_that_dies_stops_the_run_with_a_clear_error_and_no_writes(tmp_path, fakes):
    _many_files(tmp_path)
    before = snapshot(tmp_path)
    _KillsItsWorker.parent = os.getpid()
    with (
        override("imports", _KillsItsWorker),
        pytest.raises(EngineError, match=r"a worker process died .* nothing was written"),
    ):
        _run(tmp_path, ["all"], jobs=2)
    assert snapshot(tmp_path) == before
