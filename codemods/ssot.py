"""`emitter-migrate ssot`: where one concept lives in more than one place.

Two findings, each a candidate for the next consolidation plan:

- classes defined more than once under one name in non-test code (the seed:
  several `UserWebSocketEmitter` classes), with every definition's place;
- symbols imported through more than one path: every `from M import N` is
  followed through re-exports (`from X import N` in M, `__all__` lists) and
  aliases (`N = Other`) to the module that defines it. A definition reached
  through two or more (module, name) paths is reported with the paths and how
  many import statements use each. Star imports (`from X import *`) re-export
  too.

Read with CPython's `ast`, in parallel; nothing is written. A file that does not
parse is listed and skipped. Test code is a path with a `tests`/`test` folder or
a `test_*.py`/`*_test.py`/`conftest.py` file; it counts for imports (tests import
through old paths too) but not for duplicate classes.
"""

from __future__ import annotations

import ast
import os
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from codemods.analysis.project_index import module_name_of, resolve_relative
from codemods.run.discover import discover
from codemods.run.pool import map_jobs

__all__ = ["SsotReport", "build_report", "is_test_path"]


def is_test_path(rel: str) -> bool:
    parts = rel.split("/")
    name = parts[-1]
    return (
        any(p in ("tests", "test") for p in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


@dataclass
class FileFacts:
    """What one module defines, re-binds and imports (module-level statements only)."""

    rel: str
    module: str
    classes: list[tuple[str, int]] = field(default_factory=list)  # every class, any depth
    defined: set[str] = field(default_factory=set)  # top-level classes, functions, values
    aliases: dict[str, str] = field(default_factory=dict)  # top-level `A = B`: A -> B
    # top-level `from M import N as A`: A -> (M, N); drives re-export resolution
    reexports: dict[str, tuple[str, str]] = field(default_factory=dict)
    stars: list[str] = field(default_factory=list)  # top-level `from M import *`
    # every `from M import N` anywhere in the file: (M, N, line)
    imports: list[tuple[str, str, int]] = field(default_factory=list)
    error: str | None = None


def _source(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level:
        return resolve_relative(module, is_package, node.level, node.module or "")
    return node.module or ""


def _facts(_: None, job: tuple[str, str]) -> FileFacts:
    path, rel = job
    module = module_name_of(rel)
    facts = FileFacts(rel, module)
    try:
        tree = ast.parse(Path(path).read_bytes(), filename=rel)
    except (SyntaxError, ValueError, OSError, RecursionError) as exc:
        facts.error = f"{type(exc).__name__}: {exc}"
        return facts
    is_package = rel.endswith("__init__.py")
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            facts.classes.append((node.name, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            source = _source(module, is_package, node)
            for alias in node.names:
                if alias.name != "*":
                    facts.imports.append((source, alias.name, node.lineno))
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            facts.defined.add(node.name)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            if isinstance(target, ast.Name):
                if isinstance(value, ast.Name):
                    # `A = B` means what B means at this point of the module: an import
                    # above re-exports under A too (`X = X` after `from m import X`).
                    if value.id in facts.reexports:
                        facts.reexports[target.id] = facts.reexports[value.id]
                    elif value.id != target.id:
                        facts.aliases[target.id] = value.id
                else:
                    facts.defined.add(target.id)
        elif isinstance(node, ast.ImportFrom):
            source = _source(module, is_package, node)
            for alias in node.names:
                if alias.name == "*":
                    facts.stars.append(source)
                else:
                    facts.reexports[alias.asname or alias.name] = (source, alias.name)
    return facts


@dataclass(frozen=True)
class Place:
    path: str
    line: int


@dataclass
class DuplicateClass:
    name: str
    places: list[Place]


@dataclass
class ImportPaths:
    """One definition and the (module, name) paths its importers reach it by."""

    definition: str  # module.Name where it is defined
    paths: dict[str, int]  # "module.Name" as imported -> import statements using it


@dataclass
class SsotReport:
    files: int
    duplicate_classes: list[DuplicateClass]
    import_paths: list[ImportPaths]
    errors: list[tuple[str, str]]

    def find(self, definition_suffix: str) -> ImportPaths | None:
        return next(
            (p for p in self.import_paths if p.definition.endswith(definition_suffix)), None
        )


def build_report(
    paths: Sequence[Path], *, jobs: int = 1, exclude: Sequence[str] = ()
) -> SsotReport:
    found = discover(paths, exclude=exclude)
    root = found.root
    work = [
        (os.fspath(p), Path(os.path.relpath(p, root)).as_posix())
        for p in found.files
        if p.suffix == ".py"
    ]
    facts = map_jobs(_facts, None, work, jobs, weight=lambda job: os.path.getsize(job[0]))
    by_module = {f.module: f for f in facts if f.error is None}
    errors = [(f.rel, f.error) for f in facts if f.error is not None]
    errors += [(e.path, e.reason) for e in found.errors]

    classes: defaultdict[str, list[Place]] = defaultdict(list)
    for f in facts:
        if not is_test_path(f.rel):
            for name, line in f.classes:
                classes[name].append(Place(f.rel, line))
    duplicates = [
        DuplicateClass(name, sorted(places, key=lambda p: (p.path, p.line)))
        for name, places in sorted(classes.items())
        if len(places) > 1
    ]

    resolved: dict[tuple[str, str], str | None] = {}

    def resolve(module: str, name: str, depth: int = 0) -> str | None:
        """module.Name where `name`, as seen in `module`, is defined (None: outside the tree)."""
        key = (module, name)
        if key in resolved:
            return resolved[key]
        resolved[key] = None  # a cycle resolves to nothing
        result = None
        facts_ = by_module.get(module)
        if facts_ is not None and depth < 50:
            if name in facts_.aliases:
                result = resolve(module, facts_.aliases[name], depth + 1)
            elif name in facts_.defined:
                result = f"{module}.{name}"
            elif name in facts_.reexports:
                source, original = facts_.reexports[name]
                result = resolve(source, original, depth + 1)
            elif f"{module}.{name}" in by_module:
                result = None  # a submodule, not a symbol
            else:
                for source in facts_.stars:  # `from M import *`: the first that has it
                    result = resolve(source, name, depth + 1)
                    if result is not None:
                        break
        resolved[key] = result
        return result

    uses: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for f in facts:
        for module, name, _line in f.imports:
            definition = resolve(module, name)
            if definition is not None:
                uses[definition][f"{module}.{name}"] += 1
    import_paths = [
        ImportPaths(definition, dict(sorted(paths_.items(), key=lambda kv: (-kv[1], kv[0]))))
        for definition, paths_ in sorted(uses.items())
        if len(paths_) > 1
    ]
    return SsotReport(len(work), duplicates, import_paths, sorted(errors))
