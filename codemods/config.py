"""`[tool.emitter-migrate]` in the project's pyproject.toml: defaults for the flags.

Found from the current folder upwards; the first pyproject.toml found is the project's
(one without the table means no configuration). Paths in it are relative to its folder.
A flag given on the command line wins over the file. A key the tool does not know, or a
value of the wrong type, is an error naming the file and line: a misspelt `exlude` must
not be silently ignored.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codemods.toml_lines import KeyLocator

TABLE = "tool.emitter-migrate"
# The formats of `scan` and `run` (the CLI reads this list too).
FORMATS = ("text", "json", "markdown", "github", "sarif")

# key -> (type, what a value must be, for messages)
_KEYS: dict[str, tuple[type, str]] = {
    "plan": (str, "a path to a plan TOML"),
    "paths": (list, "a list of paths"),
    "exclude": (list, "a list of gitignore-style globs"),
    "jobs": (int, "a positive integer"),
    "format": (str, f"one of {', '.join(FORMATS)}"),
    "root": (str, "a path"),
    "cache": (bool, "true or false"),
}


class ConfigError(Exception):
    """A problem in the configuration; the message is one line with file and line."""


@dataclass(frozen=True)
class Config:
    source: Path | None = None  # the pyproject.toml it came from
    plan: Path | None = None
    paths: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = ()
    jobs: int | None = None
    format: str | None = None
    root: Path | None = None
    cache: bool = True


def find_pyproject(start: Path) -> Path | None:
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(start: Path | None = None) -> Config:
    """The configuration for a run started in `start` (default: the current folder)."""
    pyproject = find_pyproject(start or Path.cwd())
    if pyproject is None:
        return Config()
    try:
        text = pyproject.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{pyproject}: cannot read it: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{pyproject}: not valid TOML: {exc}") from None
    table = data.get("tool", {}).get("emitter-migrate")
    if table is None:
        return Config(source=pyproject)
    locator = KeyLocator(text)

    def fail(key: str, message: str) -> ConfigError:
        line = locator.line_of(f"{TABLE}.{key}" if key else TABLE)
        where = f"{pyproject}:{line}" if line else str(pyproject)
        return ConfigError(f"{where}: [{TABLE}] {message}")

    if not isinstance(table, dict):
        raise fail("", "must be a table")
    for key, value in table.items():
        if key not in _KEYS:
            close = difflib.get_close_matches(key, _KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            known = ", ".join(sorted(_KEYS))
            raise fail(key, f"unknown key {key!r}{hint}; known keys: {known}")
        kind, what = _KEYS[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if ok and kind is list:
            ok = all(isinstance(v, str) for v in value)
        if ok and key == "jobs":
            ok = value >= 1
        if ok and key == "format":
            ok = value in FORMATS
        if not ok:
            raise fail(key, f"{key} must be {what}, not {value!r}")
    base = pyproject.parent
    return Config(
        source=pyproject,
        plan=_path(base, table.get("plan")),
        paths=tuple(base / p for p in table.get("paths", ())),
        exclude=tuple(table.get("exclude", ())),
        jobs=table.get("jobs"),
        format=table.get("format"),
        root=_path(base, table.get("root")),
        cache=table.get("cache", True),
    )


def _path(base: Path, value: Any) -> Path | None:
    return None if value is None else base / value
