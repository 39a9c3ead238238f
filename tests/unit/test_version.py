"""The cache key's tool fingerprint covers all of the codemods package."""

from __future__ import annotations

from pathlib import Path

import codemods
from codemods.run.version import fingerprinted_sources

PACKAGE = Path(codemods.__file__).resolve().parent


def test_every_subpackage_is_fingerprinted_and_the_demo_app_is_not():
    shown = {p.relative_to(PACKAGE).as_posix() for p in fingerprinted_sources()}
    for module in ("engine.py", "plan/load.py", "run/process.py", "stages/calls/codemod.py",
                   "analysis/binding.py", "fastcst/sparse.py"):  # fmt: skip
        assert module in shown
    assert not any(p.startswith("demo_app/") for p in shown)
    on_disk = {
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*.py")
        if "demo_app" not in p.parts
    }
    assert shown == on_disk
