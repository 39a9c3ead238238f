"""Hypothesis profiles for the fuzz tests, chosen by EMITTER_MIGRATE_FUZZ (ci | long).

The chosen profile is registered again as "emitter-fuzz"; the tests apply it per test
(tests/fuzz/harness.py: fuzz_settings), so nothing outside tests/fuzz is affected.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, settings

PROFILE_ENV = "EMITTER_MIGRATE_FUZZ"
# Generated programs are slow to build and sometimes large: neither is a bug in the tool.
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

# CI: the same examples every run (no flakes, no example database written into the repo), and
# no shrinking: a failure is reported at once, reproducible as is; shrink it with the long profile
# or by hand. (Shrinking a generated module can take minutes.)
settings.register_profile(
    "emitter-fuzz-ci",
    max_examples=40,
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
    database=None,
    deadline=None,
    suppress_health_check=_QUIET,
    print_blob=True,
)
# By hand: fresh random examples; with the tests' weights, 11,040 in all (benchmarks/fuzz_long.py).
settings.register_profile(
    "emitter-fuzz-long",
    max_examples=1_600,
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
