"""Registry of stage codemods: a plan's `codemod = "NAME"` → its StageCodemod class.

Modules are imported only when a stage needs them, so a transform that is missing or
broken gives a clear CodemodUnavailable at run time and never breaks importing the CLI.
Tests can swap in their own classes with `override`.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # base imports LibCST, which a run answered from the cache never needs
    from codemods.stages.base import StageCodemod

__all__ = [
    "CODEMODS",
    "MODULE_NAMES_MATTER",
    "CodemodUnavailable",
    "check_codemod",
    "get_codemod",
    "module_names_matter",
    "override",
]

# codemod name -> "module:ClassName"
CODEMODS: dict[str, str] = {
    "imports": "codemods.stages.imports:ImportsCodemod",
    "calls": "codemods.stages.calls:CallsCodemod",
    "strings": "codemods.stages.strings:StringsCodemod",
    "cleanup": "codemods.stages.cleanup:CleanupCodemod",
    "deprecate": "codemods.stages.deprecate:DeprecateCodemod",
    "calls-in-place": "codemods.stages.calls_in_place:InPlaceCallsCodemod",
}

# Codemods that act on a legacy module's own name (an import from it, a patch string
# naming it), not only on the classes, functions and methods it defines. A run whose
# codemods are all outside this set prefilters files and shapes the sparse parse by
# those names alone (Plan.file_tokens, fastcst.sparse.relevance_for).
MODULE_NAMES_MATTER = frozenset({"imports", "calls", "strings", "cleanup"})


def module_names_matter(codemods: Iterable[str]) -> bool:
    """Whether any of these codemods (by name) needs the legacy modules' names."""
    return any(name in MODULE_NAMES_MATTER or name in _overrides for name in codemods)


_overrides: dict[str, type[StageCodemod]] = {}


class CodemodUnavailable(RuntimeError):
    """A plan names a codemod that cannot be loaded; the message says which and why."""


def check_codemod(name: str) -> None:
    """Raise CodemodUnavailable if no codemod is registered as `name` (imports nothing)."""
    if name not in _overrides and name not in CODEMODS:
        known = ", ".join(sorted(CODEMODS))
        raise CodemodUnavailable(f"unknown codemod {name!r}; known: {known}")


def get_codemod(name: str) -> type[StageCodemod]:
    """The class for codemod `name`, importing its module on first use."""
    if name in _overrides:
        return _overrides[name]
    check_codemod(name)
    module_name, class_name = CODEMODS[name].split(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # any import failure is reported, never a crash at import time
        raise CodemodUnavailable(
            f"codemod {name!r} cannot be loaded: importing {module_name} failed "
            f"({type(exc).__name__}: {exc})"
        ) from exc
    from codemods.stages.base import StageCodemod

    cls = getattr(module, class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, StageCodemod)):
        raise CodemodUnavailable(
            f"codemod {name!r} cannot be loaded: {module_name} defines no StageCodemod "
            f"subclass named {class_name}"
        )
    return cls


@contextlib.contextmanager
def override(name: str, cls: type[StageCodemod]) -> Iterator[None]:
    """Use `cls` for codemod `name` inside the block (tests register fakes with it)."""
    previous = _overrides.get(name)
    _overrides[name] = cls
    try:
        yield
    finally:
        if previous is None:
            _overrides.pop(name, None)
        else:
            _overrides[name] = previous
