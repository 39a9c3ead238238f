"""A project with its own top-level `compat`: the runtime under `emitter_migrate.compat`.

The plan's `deprecation_runtime` picks the module stage `deprecate` imports. With the
collision-safe name the project's own `compat` stays what it was, and the decorated
legacy classes still warn and count.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from codemods.engine import EngineError, run_stages
from codemods.plan import PlanError, load_plan
from tests.conftest import FLAGSHIP

REPO = Path(__file__).resolve().parents[2]
LEGACY = "netra_backend/app/services/agent_websocket_bridge.py"
SAFE = "emitter_migrate.compat.deprecation"


def _plan_with(tmp_path: Path, runtime: str) -> Path:
    text = FLAGSHIP.read_text()
    # A top-level key goes before the first table.
    head, tables = text.split("\n[", 1)
    path = tmp_path / "plan.toml"
    path.write_text(f'{head}\ndeprecation_runtime = "{runtime}"\n\n[{tables}')
    return path


def _project(root: Path) -> Path:
    files = {
        LEGACY: (
            "class AgentWebSocketBridge:\n"
            "    async def notify_agent_started(self, run_id, agent_name):\n"
            "        return 'sent'\n"
        ),
        "netra_backend/__init__.py": "",
        "netra_backend/app/__init__.py": "",
        "netra_backend/app/services/__init__.py": "",
        # The project's own compat, unrelated to emitter-migrate.
        "compat/__init__.py": "VERSION = 'the project'\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_the_default_runtime_is_refused_where_the_project_has_its_own_compat(tmp_path):
    root = _project(tmp_path / "app")
    with pytest.raises(EngineError, match=re.escape(f'deprecation_runtime = "{SAFE}"')):
        run_stages([root], load_plan(FLAGSHIP), ["deprecate"], mode="write", jobs=1, root=root)


def test_the_collision_safe_runtime_is_written_and_runs_beside_the_projects_compat(tmp_path):
    root = _project(tmp_path / "app")
    plan = load_plan(_plan_with(tmp_path, SAFE))
    report = run_stages([root], plan, ["deprecate"], mode="write", jobs=1, root=root)
    assert report.errors == [] and report.files_changed == [LEGACY]
    text = (root / LEGACY).read_text()
    assert text.startswith(f"from {SAFE} import legacy_api\n")
    again = run_stages([root], plan, ["deprecate"], mode="write", jobs=1, root=root)
    assert again.files_changed == []  # idempotent under this name too

    # The application: its own compat first on the path, as in its own test runs.
    script = (
        "import asyncio, warnings, compat\n"
        "from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge\n"
        "import emitter_migrate.compat as runtime\n"
        "with warnings.catch_warnings(record=True) as seen:\n"
        "    warnings.simplefilter('always')\n"
        "    sent = asyncio.run(AgentWebSocketBridge().notify_agent_started('r', 'a'))\n"
        "print(compat.VERSION, sent, [w.category.__name__ for w in seen])\n"
        "print(runtime.usage_snapshot()['total'], sorted(runtime.usage_snapshot()['apis']))\n"
    )
    env = dict(os.environ, EMITTER_MIGRATE_PLAN=str(_plan_with(tmp_path, SAFE)))
    env["PYTHONPATH"] = os.pathsep.join([str(root), str(REPO)])
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert first == "the project sent ['EmitterMigrationWarning']"
    assert second == "1 ['bridge.notify_agent_started']"  # counted by this runtime


def test_the_runtime_name_is_checked_with_its_line(tmp_path):
    with pytest.raises(PlanError) as raised:
        load_plan(_plan_with(tmp_path, "myproject.deprecation"))
    (problem,) = raised.value.problems
    assert problem.key == "deprecation_runtime"
    assert problem.line is not None
    assert "compat.deprecation" in problem.message and SAFE in problem.message


def test_both_names_load_the_same_source_files():
    import emitter_migrate.compat.deprecation as safe

    import compat.deprecation

    assert Path(safe.__file__).resolve() == Path(compat.deprecation.__file__).resolve()
    assert safe.legacy_api is not compat.deprecation.legacy_api  # two module objects


def test_a_project_with_its_own_codemods_package_is_refused_before_writing(tmp_path):
    root = _project(tmp_path / "app")
    (root / "compat" / "__init__.py").unlink()
    (root / "compat").rmdir()
    (root / "codemods").mkdir()
    (root / "codemods" / "__init__.py").write_text("")
    before = (root / LEGACY).read_bytes()
    plan = load_plan(_plan_with(tmp_path, SAFE))
    with pytest.raises(EngineError, match="this project has its own top-level `codemods`"):
        run_stages([root], plan, ["deprecate"], mode="write", jobs=1, root=root)
    assert (root / LEGACY).read_bytes() == before
