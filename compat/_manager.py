"""The connection manager for shims whose legacy constructor took none (bridge, transparent)."""

from __future__ import annotations

import importlib
import os
from contextvars import ContextVar
from typing import Any, Final

from target_emitter import get_default_manager
from target_emitter.manager import ConnectionManager

ENV_PROVIDER: Final = "EMITTER_MIGRATE_LEGACY_MANAGER"
DEFAULT_PROVIDER: Final = "netra_backend.app.websocket_core:get_websocket_manager"

_resolving: ContextVar[bool] = ContextVar("compat_resolving_manager", default=False)


def resolve_manager(for_what: str) -> ConnectionManager:
    """target_emitter's default manager, else the legacy registry's (configurable), else raise."""
    manager = get_default_manager()
    if manager is not None:
        return manager
    manager = _from_provider()
    if manager is not None:
        return manager
    raise RuntimeError(
        f"{for_what} has no connection manager: call target_emitter.set_default_manager(manager) "
        f"at startup (or point {ENV_PROVIDER}=module:callable at a function returning one)"
    )


def _from_provider() -> ConnectionManager | None:
    spec = os.environ.get(ENV_PROVIDER)
    explicit = spec is not None
    spec = DEFAULT_PROVIDER if spec is None else spec.strip()
    if not spec or _resolving.get():  # disabled, or the provider came back to us
        return None
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"{ENV_PROVIDER}={spec!r}: expected 'module:callable'")
    try:
        provider: Any = importlib.import_module(module_name)
        for part in attribute.split("."):
            provider = getattr(provider, part)
    except (ImportError, AttributeError) as exc:
        if explicit:
            raise RuntimeError(f"{ENV_PROVIDER}={spec!r} cannot be loaded: {exc}") from exc
        return None  # the legacy package is gone: nothing to fall back to
    token = _resolving.set(True)
    try:
        manager = provider()
    finally:
        _resolving.reset(token)
    if manager is None:
        return None
    if not callable(getattr(manager, "send_to_user", None)):
        raise TypeError(
            f"the legacy manager from {spec} ({type(manager).__name__}) has no async "
            f"send_to_user(user_id, message); call target_emitter.set_default_manager(...) instead"
        )
    return manager
