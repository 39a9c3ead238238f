"""What the CLI tests share: a small project under the fake codemods, as the cwd."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.fakes import fake_codemods, small_project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    small_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    with fake_codemods():
        yield tmp_path
