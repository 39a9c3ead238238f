"""One generated repository and its fully migrated form, shared by the safety tests."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.safety.repo import copy_tree, generate_repo, leftovers, run_cli, snapshot


@dataclass(frozen=True)
class Migration:
    original: Path  # the generated tree; never run on
    before: dict[str, bytes]
    after: dict[str, bytes]  # what one uninterrupted `run --stage all` makes of it
    seconds: float  # how long that run took, end to end
    exit_code: int

    @property
    def changed(self) -> list[str]:
        return sorted(p for p in self.before if self.after.get(p) != self.before[p])


@pytest.fixture(scope="session")
def migration(tmp_path_factory: pytest.TempPathFactory) -> Migration:
    base = tmp_path_factory.mktemp("safety")
    original = base / "original"
    generate_repo(original)
    reference = copy_tree(original, base / "reference")
    started = time.monotonic()
    done = run_cli(["run", str(reference), "--stage", "all"])
    seconds = time.monotonic() - started
    # The generated repo holds a few broken files on purpose: they fail (exit 2), the rest is rewritten.
    assert done.returncode in (0, 2), done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert leftovers(reference) == []
    before, after = snapshot(original), snapshot(reference)
    assert set(after) == set(before), "a run must not add or remove source files"
    m = Migration(original, before, after, seconds, done.returncode)
    assert m.changed, "the generated repository should need rewriting"
    return m
