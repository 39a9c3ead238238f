"""The migration warning, the warn/error/silent switch, and the legacy-usage counter."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Final

ENV_MODE: Final = "EMITTER_MIGRATE_COMPAT"
ENV_USAGE: Final = "EMITTER_MIGRATE_COMPAT_USAGE"
MODES: Final = ("warn", "error", "silent")
USAGE_FORMAT: Final = "emitter-migrate/compat-usage/1"


class EmitterMigrationWarning(DeprecationWarning):
    """A legacy emitter API was used; the message names its replacement and the
    ``emitter-migrate`` command that rewrites the call."""


# ------------------------------------------------------------------- mode ----
_lock = threading.Lock()
_process_mode: str | None = None  # None until first read from the environment
_process_api_modes: dict[str, str] = {}
# Set by the `mode(...)` context manager: {api or None: mode}, innermost wins.
_scoped: ContextVar[dict[str | None, str] | None] = ContextVar("compat_mode", default=None)


def _check(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"compat mode must be one of {', '.join(MODES)}, got {mode!r}")
    return mode


def _parse_env(text: str) -> tuple[str, dict[str, str]]:
    """``warn`` | ``error`` | ``silent``, optionally followed by ``,api=mode`` overrides."""
    default, per_api = "warn", {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        api, sep, value = part.partition("=")
        try:
            if sep:
                per_api[api.strip()] = _check(value.strip())
            else:
                default = _check(part)
        except ValueError:
            raise ValueError(
                f"{ENV_MODE}={text!r}: expected one of {', '.join(MODES)}, "
                f"optionally with per-API overrides such as 'warn,bridge=error'"
            ) from None
    return default, per_api


class CompatSettingWarning(RuntimeWarning):
    """``EMITTER_MIGRATE_COMPAT`` holds a value this version does not know."""


def _load_env_mode() -> str:
    global _process_mode
    with _lock:
        if _process_mode is None:
            try:
                default, per_api = _parse_env(os.environ.get(ENV_MODE, ""))
            except ValueError as exc:
                # A typo in a deployment's environment must not take the application
                # down at its first legacy call: say so once and keep the default.
                warnings.warn(f"{exc}; using 'warn'", CompatSettingWarning, stacklevel=2)
                default, per_api = "warn", {}
            for api, value in per_api.items():
                _process_api_modes.setdefault(api, value)
            _process_mode = default
        return _process_mode


def set_mode(mode: str, *, api: str | None = None) -> None:
    """Set the process-wide mode, or one API's mode (an id from the plan, e.g. ``"bridge"``)."""
    _check(mode)
    global _process_mode
    _load_env_mode()
    with _lock:
        if api is None:
            _process_mode = mode
        else:
            _process_api_modes[api] = mode


def get_mode(api: str | None = None) -> str:
    """The mode a legacy call of ``api`` runs under here and now."""
    scoped = _scoped.get()
    if scoped is not None:
        if api is not None and api in scoped:
            return scoped[api]
        if None in scoped:
            return scoped[None]
    default = _process_mode if _process_mode is not None else _load_env_mode()
    return _process_api_modes.get(api, default) if api is not None else default


@contextlib.contextmanager
def mode(mode: str, *, api: str | None = None) -> Iterator[None]:
    """Run a block under ``mode`` (for one API, or all); scoped to this thread/task."""
    _check(mode)
    outer = _scoped.get()
    token = _scoped.set({**(outer or {}), api: mode})
    try:
        yield
    finally:
        _scoped.reset(token)


# ------------------------------------------------------------------ usage ----
class _Site:
    """One call site of one legacy API: its count, message, and whether it was shown."""

    __slots__ = ("count", "key", "message", "shown_under")

    def __init__(self, key: str) -> None:
        self.count = 0
        self.key = key
        self.message: str | None = None
        # The filter state under which warnings.warn showed this site and will stay
        # quiet for it (see _filter_state); None: call warnings.warn next time.
        self.shown_under: tuple[Any, ...] | None = None


# (describe args, file, line) -> _Site; the first call site per usage key.
_sites: dict[tuple[Any, str, int], _Site] = {}
_first: dict[str, tuple[str, int]] = {}


def _new_site(site: tuple[Any, str, int], key: str) -> _Site:
    with _lock:
        _first.setdefault(key, site[1:])
        return _sites.setdefault(site, _Site(key))


def report_use(
    key: str,
    api: str,
    describe: Callable[..., str],
    describe_args: tuple[Any, ...],
    stacklevel: int,
) -> None:
    """Count one legacy call and warn (or raise) at its caller's line.

    ``key`` names the legacy API call in the usage counter. ``stacklevel`` counts as
    for ``warnings.warn`` called here: 1 is this function. ``describe(*describe_args,
    filename)`` builds the message, once per call site.
    """
    frame = sys._getframe(stacklevel - 1)
    site = (describe_args, frame.f_code.co_filename, frame.f_lineno)
    entry = _sites.get(site) or _new_site(site, key)
    _lock.acquire()
    entry.count += 1
    _lock.release()
    if _scoped.get() is None and not _process_api_modes and _process_mode is not None:
        current = _process_mode  # the common case, without the lookups of get_mode
    else:
        current = get_mode(api)
    if current == "silent":
        return
    message = entry.message
    if message is None:
        message = entry.message = describe(*describe_args, site[1])
    if current == "error":
        raise EmitterMigrationWarning(f"{message} [called from {site[1]}:{site[2]}]")
    shown = entry.shown_under
    if shown is not None:
        filters = warnings.filters
        if (
            filters is shown[0]
            and len(filters) == shown[1]
            and (filters[0] if filters else None) is shown[2]
        ):
            return  # warnings.warn would find this site in its registry and stay quiet
    warnings.warn(message, EmitterMigrationWarning, stacklevel=stacklevel)
    quiet = _quiet_after_first(frame.f_globals.get("__name__"), message, site[2])
    entry.shown_under = _filter_state() if quiet else None


# ------------------------------------------------------- already shown here ----
# warnings.warn costs as much as the rest of a shim call. Under the `default`
# action a site it has shown stays quiet until the filters change, so such a site
# skips the call while the filter list is the same list with the same front entry
# and length (filterwarnings/simplefilter insert at the front or append;
# catch_warnings swaps the list). After a catch_warnings() block Python would show
# each site once more; this does not.
_QUIET_ACTIONS: Final = frozenset({"default", "module", "once", "ignore"})


def _filter_state() -> tuple[Any, ...]:
    """What report_use compares to tell that the warning filters are unchanged.

    Strong references: what is compared by identity must not be freed and reused.
    """
    filters = warnings.filters
    return (filters, len(filters), filters[0] if filters else None)


def _quiet_after_first(module: Any, message: str, lineno: int) -> bool:
    """Whether the filters make a second warning from this site a no-op."""
    for action, text, category, module_re, line in warnings.filters:
        if (
            (text is None or text.match(message))
            and issubclass(EmitterMigrationWarning, category)
            and (module_re is None or (isinstance(module, str) and module_re.match(module)))
            and (line == 0 or line == lineno)
        ):
            return action in _QUIET_ACTIONS
    return warnings.defaultaction in _QUIET_ACTIONS


def clear_message_cache() -> None:
    with _lock:
        for entry in _sites.values():
            entry.message = None


def usage_snapshot() -> dict[str, Any]:
    """Every legacy API used so far: ``{"format", "total", "apis": {"api.name": {...}}}``.

    Each entry has ``count``, ``first_caller`` (``path:line``) and ``callers``
    (``path:line`` -> count).
    """
    apis: dict[str, dict[str, Any]] = {}
    with _lock:
        for (_, filename, line), entry in sorted(_sites.items(), key=lambda kv: kv[0][1:]):
            first_file, first_line = _first[entry.key]
            found = apis.setdefault(
                entry.key,
                {"count": 0, "first_caller": f"{first_file}:{first_line}", "callers": {}},
            )
            found["count"] += entry.count
            callers = found["callers"]
            caller = f"{filename}:{line}"
            callers[caller] = callers.get(caller, 0) + entry.count
    apis = {key: apis[key] for key in sorted(apis)}
    return {"format": USAGE_FORMAT, "total": sum(e["count"] for e in apis.values()), "apis": apis}


def reset_usage() -> None:
    with _lock:
        _sites.clear()
        _first.clear()


def _merged(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    apis = {key: dict(entry, callers=dict(entry["callers"])) for key, entry in old["apis"].items()}
    for key, entry in new["apis"].items():
        mine = apis.setdefault(
            key, {"count": 0, "first_caller": entry["first_caller"], "callers": {}}
        )
        mine["count"] += entry["count"]
        for caller, count in entry["callers"].items():
            mine["callers"][caller] = mine["callers"].get(caller, 0) + count
    apis = {key: apis[key] for key in sorted(apis)}
    total = sum(e["count"] for e in apis.values())
    return {"format": USAGE_FORMAT, "total": total, "apis": apis}


def _read_usage(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != USAGE_FORMAT:
        return None
    return data


def dump_usage(path: str | os.PathLike[str], *, merge: bool = False) -> dict[str, Any]:
    """Write ``usage_snapshot()`` as JSON (atomically); with ``merge``, add it to the
    counts already in the file (several processes, one report). Returns what was written."""
    target = Path(path)
    snapshot = usage_snapshot()
    with _file_lock(target):
        if merge:
            existing = _read_usage(target)
            if existing is not None:
                snapshot = _merged(existing, snapshot)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(snapshot, out, indent=2)
                out.write("\n")
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    return snapshot


@contextlib.contextmanager
def _file_lock(target: Path) -> Iterator[None]:
    """Serialise merging writers (pytest workers, subprocesses) on a side lock file."""
    try:
        import fcntl
    except ImportError:  # no flock here: last writer wins
        yield
        return
    with open(target.with_name(f".{target.name}.lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _dump_at_exit(path: str) -> None:
    try:
        dump_usage(path, merge=True)
    except OSError as exc:  # exiting anyway: say why the report is missing
        print(f"compat: could not write usage to {path}: {exc}", file=sys.stderr)


# ----------------------------------------------------------------- filter ----
def install_filter() -> None:
    """Show our warnings once per call site, although DeprecationWarning is hidden by default.

    Filters given with -W / PYTHONWARNINGS stay in front, so they still decide.
    """
    entry = ("default", None, EmitterMigrationWarning, None, 0)
    filters = warnings.filters
    if entry in filters:
        return
    if not sys.warnoptions:
        warnings.filterwarnings("default", category=EmitterMigrationWarning)
        return
    # Each -W option put one filter at the front (fewer if some were duplicates):
    # ours goes right behind them, ahead of Python's default "ignore DeprecationWarning".
    filters.insert(min(len(sys.warnoptions), len(filters)), entry)
    mutated = getattr(warnings, "_filters_mutated", None)
    if mutated is not None:  # invalidates the per-module "already shown" registries
        mutated()


install_filter()
if os.environ.get(ENV_USAGE):
    atexit.register(_dump_at_exit, os.environ[ENV_USAGE])
