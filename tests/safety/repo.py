"""A small generated repository, copies of it, snapshots, and the real CLI as a subprocess."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from codemods.run.cache import CACHE_DIR_NAME
from codemods.run.lock import LOCK_NAME
from codemods.run.source import TEMP_SUFFIX

REPO_ROOT = Path(__file__).resolve().parents[2]
# A few hundred small files, one in ten using a legacy API: big enough for several write
# batches, small enough for a dozen real runs in CI.
REPO_FILES = 200
REPO_SCALE = 0.05
REPO_LEGACY_FRACTION = 0.1


def generate_repo(out_dir: Path, *, seed: int = 7) -> None:
    """benchmarks/make_repo.py's generator (a script folder, not a package)."""
    bench = str(REPO_ROOT / "benchmarks")
    sys.path.insert(0, bench)
    try:
        make_repo = importlib.import_module("make_repo")
    finally:
        sys.path.remove(bench)
    make_repo.generate(
        out_dir,
        files=REPO_FILES,
        seed=seed,
        legacy_fraction=REPO_LEGACY_FRACTION,
        scale=REPO_SCALE,
    )


def cli() -> list[str]:
    """The installed `emitter-migrate` console script next to this interpreter."""
    script = Path(sys.executable).with_name("emitter-migrate")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from codemods.cli import main; main()"]


def run_cli(args: Sequence[str], *, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*cli(), *args], capture_output=True, text=True, timeout=timeout, env=_env()
    )


def start_cli(args: Sequence[str]) -> subprocess.Popen[str]:
    """A run in its own process group, so a test can signal it (and its workers) as a terminal would."""
    return subprocess.Popen(
        [*cli(), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        start_new_session=True,
    )


def group_gone(pgid: int, wait: float = 5.0) -> bool:
    """True once no process of group `pgid` is left (waiting up to `wait` seconds)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("EMITTER_MIGRATE_CACHE_DIR", None)  # keep the cache inside the tree under test
    return env


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file's bytes by root-relative path, leaving out the result cache."""
    out: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != CACHE_DIR_NAME]
        for name in filenames:
            path = Path(dirpath, name)
            out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def leftovers(root: Path) -> list[str]:
    """Files a finished or interrupted run must not leave: temp files and the lock file."""
    found: list[str] = []
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            rel = Path(dirpath, name).relative_to(root).as_posix()
            in_cache = rel.startswith(CACHE_DIR_NAME + "/")
            if name.endswith(TEMP_SUFFIX) or name == LOCK_NAME:
                found.append(rel)
            elif in_cache and name.startswith(".") and name.endswith(".tmp"):
                found.append(rel)  # a cache entry being written when the run stopped
    return sorted(found)
