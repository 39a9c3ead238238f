"""The migration plan the shims follow: the codemods' table, loaded on first use, once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codemods.plan import Plan

_lock = threading.Lock()
_plan: Plan | None = None
_on_change: list[Callable[[], None]] = []


def current_plan() -> Plan:
    """The plan in use (the bundled flagship plan unless ``use_plan`` chose another)."""
    plan = _plan
    if plan is None:
        plan = _load(None)
    return plan


def _load(source: Path | str | None) -> Plan:
    global _plan
    with _lock:
        if _plan is None or source is not None:
            # Imported here so that importing compat never reads TOML or imports pathspec.
            from codemods.plan import load_plan

            _plan = load_plan(source)
        return _plan


def use_plan(plan: Plan | Path | str | None) -> None:
    """Follow another plan (a loaded Plan or a TOML path); None: the bundled one on next use."""
    global _plan
    if isinstance(plan, Path | str):
        _load(plan)
    else:
        with _lock:
            _plan = plan
    for callback in list(_on_change):
        callback()


def on_plan_change(callback: Callable[[], None]) -> None:
    """Register a cache to clear when ``use_plan`` switches plans."""
    _on_change.append(callback)
