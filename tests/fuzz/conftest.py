"""Hypothesis profiles for the fuzz tests, chosen by EMITTER_MIGRATE_FUZZ (ci | long).

The chosen profile is registered again as "emitter-fuzz"; the tests apply it per test
(tests/fuzz/harness.py: fuzz_settings), so nothing outside tests/fuzz is affected.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

PROFILE_ENV = "EMITTER_MIGRATE_FUZZ"
# Generated programs are slow to build and sometimes large: neither is a bug in the tool.
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

# CI: the same examples every run (no flakes, no example database written into the repo).
settings.register_profile(
    "emitter-fuzz-ci",
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=_QUIET,
    print_blob=True,
)
# By hand: fresh random examples, 10,000 per test before weighting.
settings.register_profile(
    "emitter-fuzz-long",
    max_examples=10_000,
    derandomize=False,
    database=None,
    deadline=None,
    suppress_health_check=_QUIET,
    print_blob=True,
)

_choice = os.environ.get(PROFILE_ENV, "ci").strip().lower() or "ci"
if _choice not in ("ci", "long"):
    raise pytest.UsageError(f"{PROFILE_ENV}={_choice!r}: use 'ci' (the default) or 'long'")
settings.register_profile("emitter-fuzz", parent=settings.get_profile(f"emitter-fuzz-{_choice}"))


def pytest_report_header() -> str:
    active = settings.get_profile("emitter-fuzz")
    return f"emitter fuzz profile: {_choice} (max_examples={active.max_examples} per test, before weights)"
