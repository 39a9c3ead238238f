"""The synthetic benchmark repo: deterministic, parseable where meant, honest about legacy use."""

from __future__ import annotations

import ast
import codecs
import hashlib
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

import libcst
import pathspec
import pytest

from benchmarks import make_repo
from benchmarks._patterns import layout
from benchmarks._patterns.legacy import LEGACY_NAMES

LEGACY_BYTES = [name.encode() for name in LEGACY_NAMES]
IGNORED_ROOTS = ("venv/", "frontend/node_modules/", "build/")


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _visible_sources(root: Path) -> dict[str, bytes]:
    """Every .py file a correct tool would visit, by relative POSIX path."""
    out = {}
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if not rel.startswith(IGNORED_ROOTS):
            out[rel] = path.read_bytes()
    return out


def _legacy_identifiers(tree: ast.AST) -> set[str]:
    """Legacy names used as code (not in comments or strings)."""
    found = set()
    for node in ast.walk(tree):
        words: list[str] = []
        if isinstance(node, ast.Name):
            words = [node.id]
        elif isinstance(node, ast.Attribute):
            words = [node.attr]
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            words = [node.name]
        elif isinstance(node, ast.alias):
            words = [*node.name.split("."), node.asname or ""]
        elif isinstance(node, ast.ImportFrom) and node.module:
            words = node.module.split(".")
        found.update(word for word in words if word in LEGACY_NAMES)
    return found


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, make_repo.RepoStats]:
    root = tmp_path_factory.mktemp("repo")
    return root, make_repo.generate(root, files=300, seed=7, legacy_fraction=0.08, scale=0.25)


@pytest.fixture(scope="module")
def legacy_rich(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, make_repo.RepoStats]:
    root = tmp_path_factory.mktemp("rich")
    return root, make_repo.generate(root, files=300, seed=11, legacy_fraction=0.5, scale=0.05)


def test_same_arguments_give_identical_trees(tmp_path: Path) -> None:
    args = {"files": 120, "seed": 5, "legacy_fraction": 0.1, "scale": 0.05}
    first = make_repo.generate(tmp_path / "a", **args)
    second = make_repo.generate(tmp_path / "b", **args)
    assert _tree_digest(tmp_path / "a") == _tree_digest(tmp_path / "b")
    assert first == second


def test_another_seed_gives_a_different_tree(tmp_path: Path) -> None:
    make_repo.generate(tmp_path / "a", files=120, seed=5, scale=0.05)
    make_repo.generate(tmp_path / "b", files=120, seed=6, scale=0.05)
    assert _tree_digest(tmp_path / "a") != _tree_digest(tmp_path / "b")


def test_file_count_and_totals_match_the_stats(repo: tuple[Path, make_repo.RepoStats]) -> None:
    root, stats = repo
    sources = _visible_sources(root)
    assert stats.files == len(sources) == 300
    assert stats.bytes == sum(map(len, sources.values()))
    assert stats.max_file_bytes == max(map(len, sources.values()))
    assert stats.mean_file_bytes == pytest.approx(stats.bytes / 300)
    assert stats.max_file_lines == max(data.count(b"\n") for data in sources.values())


def test_every_file_not_meant_to_be_broken_parses(repo: tuple[Path, make_repo.RepoStats]) -> None:
    root, stats = repo
    broken = set(stats.broken_paths)
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if rel not in broken:
            ast.parse(path.read_bytes(), filename=rel)


def test_legacy_files_also_parse_with_libcst(repo: tuple[Path, make_repo.RepoStats]) -> None:
    root, stats = repo
    for rel in set(stats.legacy_paths) - set(stats.broken_paths):
        libcst.parse_module((root / rel).read_bytes())


def test_three_syntax_errors_and_one_non_utf8_file_do_not_parse(
    repo: tuple[Path, make_repo.RepoStats],
) -> None:
    root, stats = repo
    assert stats.broken_files == len(stats.broken_paths) == 4
    undecodable = 0
    for rel in stats.broken_paths:
        data = (root / rel).read_bytes()
        with pytest.raises(SyntaxError):
            ast.parse(data)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            undecodable += 1
    assert undecodable == 1


def test_one_file_has_crlf_newlines_and_one_a_bom(repo: tuple[Path, make_repo.RepoStats]) -> None:
    root, stats = repo
    kinds = {kind: rel for rel, kind in stats.special_paths.items()}
    crlf = (root / kinds["crlf"]).read_bytes()
    assert crlf.count(b"\r\n") == crlf.count(b"\n") > 10
    bom = (root / kinds["bom"]).read_bytes()
    assert bom.startswith(codecs.BOM_UTF8)
    assert not bom[3:].startswith(codecs.BOM_UTF8)
    others = set(_visible_sources(root)) - {kinds["crlf"], kinds["bom"]}
    assert not any(b"\r\n" in (root / rel).read_bytes() for rel in others)


def test_legacy_share_matches_the_request(repo: tuple[Path, make_repo.RepoStats]) -> None:
    _, stats = repo
    assert stats.legacy_files == len(stats.legacy_paths) == round(300 * 0.08)


def test_exactly_the_legacy_files_use_legacy_names_in_code(
    repo: tuple[Path, make_repo.RepoStats],
) -> None:
    root, stats = repo
    broken = set(stats.broken_paths)
    # A file whose bytes hold no legacy name cannot use one, so only those are walked.
    using = {
        rel
        for rel, data in _visible_sources(root).items()
        if rel not in broken
        and any(name in data for name in LEGACY_BYTES)
        and _legacy_identifiers(ast.parse(data))
    }
    assert using == set(stats.legacy_paths) - broken


def test_unrelated_files_never_mention_legacy_names(repo: tuple[Path, make_repo.RepoStats]) -> None:
    root, stats = repo
    mentioning = {
        rel
        for rel, data in _visible_sources(root).items()
        if any(name in data for name in LEGACY_BYTES)
    }
    assert mentioning == set(stats.legacy_paths) | set(stats.decoy_paths)


def test_decoys_mention_a_name_only_in_comments_or_strings(
    repo: tuple[Path, make_repo.RepoStats],
) -> None:
    root, stats = repo
    plain_modules = (
        stats.files
        - stats.legacy_files
        - sum(1 for rel in _visible_sources(root) if rel.endswith("__init__.py"))
    )
    assert stats.decoy_files == len(stats.decoy_paths) >= 1
    assert stats.decoy_files <= max(1, round(plain_modules * 0.02))
    for rel in stats.decoy_paths:
        data = (root / rel).read_bytes()
        assert any(name in data for name in LEGACY_BYTES)
        assert not _legacy_identifiers(ast.parse(data))


def test_ignored_folders_exist_and_gitignore_covers_them(
    repo: tuple[Path, make_repo.RepoStats],
) -> None:
    root, stats = repo
    assert (root / "venv" / "pyvenv.cfg").is_file()
    assert any((root / "frontend" / "node_modules").rglob("*.py"))
    spec = pathspec.GitIgnoreSpec.from_lines((root / ".gitignore").read_text().splitlines())
    assert stats.ignored_files == len(stats.ignored_paths) >= 4
    for rel in stats.ignored_paths:
        assert (root / rel).is_file()
        assert spec.match_file(rel), rel
    assert not any(spec.match_file(rel) for rel in _visible_sources(root))
    # A tool that wrongly walks ignored folders would find legacy code there.
    assert any(
        any(name in (root / rel).read_bytes() for name in LEGACY_BYTES)
        for rel in stats.ignored_paths
    )


def test_layout_is_a_backend_monorepo(repo: tuple[Path, make_repo.RepoStats]) -> None:
    root, _ = repo
    sources = _visible_sources(root)
    for prefix in ("netra_backend/app/", "tests/", "scripts/"):
        assert any(rel.startswith(prefix) for rel in sources), prefix
    app_dirs = {rel.rsplit("/", 1)[0] for rel in sources if rel.startswith("netra_backend/app/")}
    for directory in app_dirs:  # every folder of the app is a package
        assert f"{directory}/__init__.py" in sources, directory
    assert max(rel.count("/") for rel in sources) >= 4


def test_sizes_are_long_tailed_around_the_real_mean(tmp_path: Path) -> None:
    scale = 0.25
    make_repo.generate(tmp_path, files=600, seed=2, scale=scale)
    sizes = [len(data) for data in _visible_sources(tmp_path).values()]
    mean = statistics.mean(sizes)
    assert mean == pytest.approx(layout.MEAN_FILE_BYTES * scale, rel=0.15)
    assert max(sizes) == pytest.approx(layout.MAX_FILE_BYTES * scale, rel=0.05)
    assert statistics.median(sizes) < 0.8 * mean  # skewed right, like real code


def test_every_spec_pattern_appears(legacy_rich: tuple[Path, make_repo.RepoStats]) -> None:
    root, stats = legacy_rich
    text = "\n".join(
        (root / rel).read_bytes().decode("utf-8", "replace") for rel in stats.legacy_paths
    )
    markers = [
        "(BaseAgent):",
        "await self.emit_thinking(",
        "self.emit_tool_executing(",
        "self.bridge = create_agent_websocket_bridge(",
        "bridge: AgentWebSocketBridge",
        "await self.bridge.notify_tool_executing(run_id, agent_name, tool_name, params)",
        "UnifiedWebSocketEmitter(manager, user_id, context)",
        "await emitter.emit_agent_started({",
        "emitter.notify_tool_executing(",
        "TransparentWebSocketEmitter(context)",
        "emit_service_initializing(",
        "UserWebSocketEmitter(user_id, thread_id, run_id,",
        "WebSocketEmitterFactory.create_scoped_emitter(",
        "if TYPE_CHECKING:",
        "except ImportError:",
        "except Exception as exc:",
        "    import netra_backend.app.services.agent_websocket_bridge as awb",
        "    from netra_backend.app.services.agent_websocket_bridge import create_agent_websocket_bridge",
        'patch("netra_backend.app.services.agent_websocket_bridge.create_agent_websocket_bridge")',
        'patch.object(bridge, "emit_agent_event"',
        'hasattr(bridge, "notify_agent_started")',
        "Mock(spec=AgentWebSocketBridge)",
        "bridge.notify_agent_started = AsyncMock(",
        "bridge.notify_agent_started.assert_called_once_with(",
        "context.websocket_bridge.notify_",
        "emitters[context.user_id].",
        "super().emit_thinking(",
        "asyncio.gather(",
        "asyncio.create_task(self.emit_",
        "lambda text: self.emit_thinking(",
        'emit_agent_event(\n            "agent_started", {',
        "emit_agent_event(event_type, payload",
        "# from netra_backend.app.",
        'logging.getLogger("netra_backend.app.services.agent_websocket_bridge")',
    ]
    missing = [marker for marker in markers if marker not in text]
    assert not missing
    # Import shapes: aliases, parenthesised multi-line, a relative import, __init__ re-exports.
    assert re.search(r"^from netra_backend\.app\.\S+ import .*\b\w+ as \w+", text, re.M)
    assert re.search(r"^from netra_backend\.app\.\S+ import \(\n    \w+,\n", text, re.M)
    assert re.search(r"^from \.\.+\w", text, re.M)
    assert re.search(r"^import netra_backend\.app\.\S+ as \w+$", text, re.M)
    for init in (
        "netra_backend/app/services/__init__.py",
        "netra_backend/app/websocket_core/__init__.py",
    ):
        assert init in stats.legacy_paths


def test_unrelated_code_has_varied_shapes(repo: tuple[Path, make_repo.RepoStats]) -> None:
    root, stats = repo
    skip = set(stats.legacy_paths) | set(stats.decoy_paths) | set(stats.special_paths)
    data = b"\n".join(d for rel, d in _visible_sources(root).items() if rel not in skip)
    for marker in (
        b"async def ",
        b"@dataclass(",
        b"class ",
        b"    match event:",
        b" \\\n",  # backslash continuation
        b"f\"{row['name']!r",  # quotes nested the 3.11 way
        b"@functools.lru_cache",
        b'"""',
        b"\n# ",
        "🚀".encode(),
        "Größe".encode(),
    ):
        assert marker in data, marker


def test_fraction_zero_leaves_only_decoys_mentioning_names(tmp_path: Path) -> None:
    stats = make_repo.generate(tmp_path, files=150, seed=3, legacy_fraction=0.0, scale=0.05)
    assert stats.legacy_files == 0
    mentioning = {
        rel
        for rel, data in _visible_sources(tmp_path).items()
        if any(name in data for name in LEGACY_BYTES)
    }
    assert mentioning == set(stats.decoy_paths)
    assert stats.broken_files == 4


def test_generate_refuses_a_non_empty_folder_and_too_few_files(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        make_repo.generate(tmp_path, files=100, scale=0.05)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
    with pytest.raises(ValueError, match="at least"):
        make_repo.generate(tmp_path / "new", files=10)


def test_cli_prints_the_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli"
    argv = [
        str(out),
        "--files",
        "100",
        "--seed",
        "4",
        "--legacy-fraction",
        "0.1",
        "--scale",
        "0.05",
    ]
    assert make_repo.main(argv) == 0
    printed = capsys.readouterr().out
    assert "wrote 100 files" in printed
    assert "legacy files 10 (10.0%)" in printed
    assert "broken 4" in printed
    assert make_repo.main(argv) == 2  # the folder is no longer empty
    assert "not empty" in capsys.readouterr().err


def test_script_output_does_not_depend_on_hash_randomisation(tmp_path: Path) -> None:
    script = Path(make_repo.__file__)
    digests = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"script-{hash_seed}"
        argv = [sys.executable, str(script), str(out), "--files", "100", "--scale", "0.05"]
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "wrote 100 files" in done.stdout
        digests.append(_tree_digest(out))
    assert digests[0] == digests[1]


def test_the_real_shape_drops_final_newlines_and_adds_package_neighbour_imports(
    tmp_path: Path,
) -> None:
    plain_root = tmp_path / "generated"
    real_root = tmp_path / "real"
    plain = make_repo.generate(plain_root, files=300, seed=7, scale=0.25)
    real = make_repo.generate(real_root, files=300, seed=7, scale=0.25, shape="real")
    assert real.legacy_paths == plain.legacy_paths  # the same tree, reshaped
    ends, importers, parsed = 0, 0, 0
    broken = set(real.broken_paths)
    for path in sorted(real_root.rglob("*.py")):
        rel = path.relative_to(real_root).as_posix()
        if rel in real.ignored_paths or rel in broken or path.name == "__init__.py":
            continue
        data = path.read_bytes()
        ends += not data.endswith(b"\n")
        importers += b"from netra_backend.app.websocket_core." in data and rel not in (
            real.legacy_paths
        )
        if rel not in real.special_paths:
            ast.parse(data)  # still valid Python
            parsed += 1
    assert parsed > 200
    assert 0.85 < ends / parsed < 1.0
    assert 5 <= importers <= 40
    # The default shape is byte for byte what it was.
    again = tmp_path / "again"
    make_repo.generate(again, files=300, seed=7, scale=0.25)
    for path in sorted(plain_root.rglob("*.py"))[:50]:
        assert (again / path.relative_to(plain_root)).read_bytes() == path.read_bytes()
