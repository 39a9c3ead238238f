"""Small generated projects through the engine's full chain, as bytes on disk.

Adds what the in-memory tests cannot see: encodings (BOM, a latin-1 coding cookie),
line endings as written, cross-file subclasses found by the project index, and the
legacy module files the engine must never rewrite.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import hypothesmith
import libcst as cst
from hypothesis import assume, given
from hypothesis import strategies as st

from codemods.engine import run_stages
from codemods.fastcst.sparse import FULL_PARSE_ENV
from codemods.report import AUTO, Report
from tests.fuzz.fragments import (
    BASE,
    PLAN,
    GenModule,
    any_module,
    legacy_modules,
    long_module,
    plain_modules,
)
from tests.fuzz.harness import check_valid, compiles, diff, fuzz_settings


@contextlib.contextmanager
def _full_parse(on: bool) -> Iterator[None]:
    """The engine's switch for parsing every file whole (codemods.fastcst.sparse.FULL_PARSE_ENV)."""
    before = os.environ.get(FULL_PARSE_ENV)
    os.environ[FULL_PARSE_ENV] = "1" if on else "0"
    try:
        yield
    finally:
        if before is None:
            del os.environ[FULL_PARSE_ENV]
        else:
            os.environ[FULL_PARSE_ENV] = before


@dataclass(frozen=True)
class DiskFile:
    path: str
    data: bytes
    legacy: bool


def _encode(text: str, how: str) -> bytes:
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode()
    if how == "latin-1":
        cookie = "# -*- coding: latin-1 -*-\n"
        return (cookie + text).encode("latin-1", "replace")
    return text.encode()


@st.composite
def disk_file(draw: st.DrawFn, modules: st.SearchStrategy[GenModule]) -> DiskFile:
    module = draw(modules)
    how = draw(st.sampled_from(("utf-8", "utf-8", "bom", "latin-1")))
    return DiskFile(module.path, _encode(module.code, how), module.legacy)


_LEAF = "netra_backend/app/agents/reporting_agent.py"


def _cross_file_agents() -> list[DiskFile]:
    """An intermediate agent class in one file, its subclass (no legacy name) in another."""
    base = (
        f"from {BASE} import BaseAgent\n\n\n"
        "class ToolAgent(BaseAgent):\n"
        "    async def use(self, tool: str) -> None:\n"
        "        await self.emit_tool_executing(tool, {'q': 1})\n"
    )
    leaf = (
        "from netra_backend.app.agents.tool_agent import ToolAgent\n\n\n"
        "class ReportingAgent(ToolAgent):\n"
        "    async def run(self) -> None:\n"
        '        await self.emit_thinking("Größe prüfen 🔍", step_number=2)\n'
    )
    return [
        DiskFile("netra_backend/app/agents/tool_agent.py", base.encode(), True),
        DiskFile(_LEAF, leaf.encode(), True),
    ]


def _legacy_definition(module: GenModule) -> DiskFile:
    """Legacy-looking code at a legacy module's own path: the engine must leave it alone."""
    return DiskFile(
        "netra_backend/app/services/agent_websocket_bridge.py", module.code.encode(), False
    )


@st.composite
def projects(draw: st.DrawFn) -> list[DiskFile]:
    files = draw(st.lists(disk_file(st.one_of(any_module, long_module)), min_size=1, max_size=3))
    if draw(st.booleans()):
        files += _cross_file_agents()
    if draw(st.integers(0, 3)) == 0:
        files.append(_legacy_definition(draw(legacy_modules())))
    if draw(st.integers(0, 3)) == 0:
        files.append(draw(disk_file(plain_modules())))
    unique: dict[str, DiskFile] = {}
    for f in files:
        unique.setdefault(f.path, f)  # one file per path; the first drawn wins
    return list(unique.values())


def _run(root: Path, jobs: int = 1) -> Report:
    return run_stages([root], PLAN, ["all"], mode="write", jobs=jobs, root=root)


def _write(root: Path, files: list[DiskFile]) -> None:
    for f in files:
        (root / f.path).parent.mkdir(parents=True, exist_ok=True)
        (root / f.path).write_bytes(f.data)


def _decoded(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode()
    if data.startswith(b"# -*- coding: latin-1"):
        return data.decode("latin-1")
    return data.decode()


@fuzz_settings(0.3)
@given(files=projects())
def test_engine_run_over_generated_projects_is_valid_unchanging_on_rerun_and_spares_plain_files(
    files: list[DiskFile],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root, files)

        first = _run(root)
        assert not first.errors, [str(e) for e in first.errors]
        after = {f.path: (root / f.path).read_bytes() for f in files}
        for f in files:
            if not f.legacy:
                assert after[f.path] == f.data, f"{f.path} has no legacy use but changed"
                continue
            before_text, after_text = _decoded(f.data), _decoded(after[f.path])
            check_valid(before_text, after_text, f"engine, all stages, {f.path}")
            cst.parse_module(after[f.path])  # LibCST decodes the bytes itself too
        if _LEAF in after:  # found through the project index alone: it names no legacy symbol
            assert b"self.emit_thinking(" not in after[_LEAF], _decoded(after[_LEAF])

        second = _run(root)
        assert not second.errors, [str(e) for e in second.errors]
        assert second.files_changed == [], "a second run changed: " + ", ".join(
            f"{p}\n{diff(_decoded(after[p]), _decoded((root / p).read_bytes()))}"
            for p in second.files_changed
        )
        assert [s for s in second.sites if s.status == AUTO] == []
        assert {f.path: (root / f.path).read_bytes() for f in files} == after


# Names a byte prefilter matches but no stage may act on: the receiver's type is unknown.
_LOOKALIKE = (
    "async def relay(context, run_id):\n"
    '    await context.websocket_bridge.notify_tool_executing(run_id, "agent", "tool")\n'
)


@fuzz_settings(0.5)
@given(code=hypothesmith.from_grammar())
def test_engine_leaves_arbitrary_python_that_only_looks_legacy_byte_identical(code: str) -> None:
    text = _LOOKALIKE + code  # the generated text last, exactly as generated
    assume(compiles(text))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = root / "netra_backend" / "app" / "relay.py"
        path.parent.mkdir(parents=True)
        path.write_bytes(text.encode())
        report = _run(root)
        assert path.read_bytes() == text.encode(), diff(text, path.read_text())
        assert report.files_changed == []
        try:
            cst.parse_module(text)
        except cst.ParserSyntaxError:  # valid Python LibCST refuses: listed, never touched
            assert [e.path for e in report.errors] == ["netra_backend/app/relay.py"]
        else:
            assert not report.errors, [str(e) for e in report.errors]


@fuzz_settings(0.2)
@given(files=projects())
def test_engine_output_is_the_same_with_sparse_or_full_parse_and_with_a_pool(
    files: list[DiskFile],
) -> None:
    outputs = []
    for full, jobs in ((False, 1), (True, 1), (False, 2)):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            _write(root, files)
            with _full_parse(full):
                report = _run(root, jobs)
            outputs.append(
                (
                    {f.path: (root / f.path).read_bytes() for f in files},
                    sorted(report.sites),
                    [str(e) for e in report.errors],
                )
            )
    sparse, full, pooled = outputs
    assert sparse[0] == full[0], "sparse and full parse wrote different bytes"
    assert sparse[1:] == full[1:], "sparse and full parse reported different sites or errors"
    assert pooled == sparse, "a pool of 2 workers gave a different result than one process"
