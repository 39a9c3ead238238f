"""Tiny stand-in codemods, so engine and CLI tests do not depend on the real transforms.

They rename names the way stages chain: `AgentWebSocketBridge` → `ShimBridge` (imports),
`ShimBridge` → `UnifiedWebSocketEmitter` (calls). A name `boom` makes a stage raise, a name
`badout` makes it emit code that does not parse.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import libcst as cst
from typer.testing import CliRunner, Result

from codemods import cli
from codemods.stages import override
from codemods.stages.base import StageCodemod

# Files a fake was run on (in-process runs only): (stage, path).
SEEN: list[tuple[str, str]] = []


class _Renamer(StageCodemod):
    old = ""
    new = ""
    kind = "reference"

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if original.value == "boom":
            raise RuntimeError("the fake codemod exploded")
        if original.value == self.old:
            self.auto(original, self.kind, self.old, f"renamed to {self.new}")
            return updated.with_changes(value=self.new)
        return updated

    def visit_Module(self, node: cst.Module) -> None:
        SEEN.append((self.ctx.stage, self.ctx.path))


class FakeImports(_Renamer):
    name = "imports"
    old, new, kind = "AgentWebSocketBridge", "ShimBridge", "import"


class FakeCalls(_Renamer):
    name = "calls"
    old, new, kind = "ShimBridge", "UnifiedWebSocketEmitter", "call"

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        value = original.value
        if isinstance(value, cst.Name) and value.value == "badout":
            return updated.with_changes(targets=[cst.AssignTarget(cst.Integer("1"))])
        return updated


class FakeStrings(StageCodemod):
    """Reports every string mentioning `notify_` as manual; rewrites nothing."""

    name = "strings"

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if "notify_" in node.value:
            self.manual(node, "string", node.value, "method-name string on an unknown receiver")


class FakeCleanup(StageCodemod):
    name = "cleanup"


FAKES: dict[str, type[StageCodemod]] = {
    "imports": FakeImports,
    "calls": FakeCalls,
    "strings": FakeStrings,
    "cleanup": FakeCleanup,
}


@contextlib.contextmanager
def fake_codemods() -> Iterator[list[tuple[str, str]]]:
    """Swap the four real codemods for the fakes; yields the SEEN log (cleared)."""
    SEEN.clear()
    with contextlib.ExitStack() as stack:
        for name, cls in FAKES.items():
            stack.enter_context(override(name, cls))
        yield SEEN


LEGACY_DEF = "class AgentWebSocketBridge:\n    pass\n"
USER = (
    "from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge\n"
    "\n"
    "bridge = AgentWebSocketBridge()\n"
)


def write_tree(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def small_project(root: Path) -> None:
    """A legacy module, two users of it, and a file with nothing legacy."""
    write_tree(
        root,
        {
            "netra_backend/app/services/agent_websocket_bridge.py": LEGACY_DEF,
            "app/one.py": USER,
            "app/two.py": USER + "name = 'notify_agent_started'\n",
            "app/plain.py": "x = 1\n",
        },
    )


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".emitter-migrate-cache" not in p.parts
    }


def chdir(path: Path) -> contextlib.AbstractContextManager[None]:
    return contextlib.chdir(os.fspath(path))


def invoke(*args: str) -> Result:
    """The CLI in-process, as a user would type it."""
    return CliRunner().invoke(cli.app, list(args))
