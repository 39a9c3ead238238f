"""Every compat test starts from warn mode, no usage, no default manager and the bundled plan."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

import compat
from compat import _plan, _warnings
from target_emitter import RecordingManager, set_default_manager


@pytest.fixture(autouse=True)
def clean_compat_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(_warnings.ENV_MODE, raising=False)
    monkeypatch.setattr(_warnings, "_process_mode", "warn")
    monkeypatch.setattr(_warnings, "_process_api_modes", {})
    compat.reset_usage()
    set_default_manager(None)
    yield
    set_default_manager(None)
    compat.reset_usage()
    if _plan._plan is not None and _plan._plan.source != str(_default_plan_path()):
        compat.use_plan(None)


def _default_plan_path() -> object:
    from codemods.plan import default_plan_path

    return default_plan_path()


@pytest.fixture
def manager() -> RecordingManager:
    recording = RecordingManager()
    set_default_manager(recording)
    return recording


@pytest.fixture
def context() -> SimpleNamespace:
    """A user execution context as the legacy code passes around."""
    return SimpleNamespace(user_id="u1", thread_id="t1", run_id="r1", request_id="req-1")


@pytest.fixture
def quiet() -> Iterator[None]:
    """Legacy calls whose warnings a test does not look at."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", compat.EmitterMigrationWarning)
        yield
