"""Decide which Python files a run looks at: walk the given paths inside one root.

Named files are always used. Named folders are always walked; what the walk finds is
filtered by the skip list, `.gitignore` files (git semantics) and `exclude` globs.
Symlinks are followed only while they stay inside the root.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pathspec import GitIgnoreSpec

from codemods.run.source import SourceError

__all__ = ["SKIPPED_DIR_NAMES", "Discovery", "common_root", "discover"]

SKIPPED_DIR_NAMES = frozenset(
    {
        ".git",
        "__pycache__",
        "node_modules",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".emitter-migrate-cache",
    }
)
VENV_MARKER = "pyvenv.cfg"
_SEP = os.sep


@dataclass
class Discovery:
    root: Path
    files: list[Path] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)


def common_root(paths: Sequence[Path]) -> Path:
    """The deepest folder holding every path (a file counts by its folder); cwd if none."""
    if not paths:
        return Path.cwd()
    folders = []
    for path in paths:
        absolute = os.path.abspath(path)
        folders.append(absolute if os.path.isdir(absolute) else os.path.dirname(absolute))
    return Path(os.path.commonpath(folders))


def discover(
    paths: Sequence[Path], *, root: Path | None = None, exclude: Sequence[str] = ()
) -> Discovery:
    """Find the files under `paths`; unusable paths become errors, never exceptions."""
    root_abs = Path(os.path.abspath(root)) if root is not None else common_root(paths)
    walker = _Walker(root_abs, exclude)
    for path in paths:
        walker.visit_named(Path(path))
    return Discovery(root=root_abs, files=walker.files(), errors=walker.sorted_errors())


# A compiled ignore rule: (regex, True = ignore / False = re-include, has a folder mark).
_Pattern = tuple[re.Pattern[str], bool, bool]


@dataclass(frozen=True)
class _Rules:
    """Patterns of one ignore file, and how to turn a root-relative path into theirs."""

    patterns: tuple[_Pattern, ...]
    strip: int  # characters to drop from the root-relative path (rules of a subfolder)
    prepend: str  # text to put in front (rules of a folder above the root)

    def verdict(self, rel: str, is_dir: bool) -> bool | None:
        sub = self.prepend + rel[self.strip :] + ("/" if is_dir else "")
        for regex, include, has_dir_mark in reversed(self.patterns):
            match = regex.match(sub)
            if match is None:
                continue
            # pathspec also matches paths *inside* a matched folder; the walk already
            # decided about that folder, so only a match of the entry itself counts here.
            if has_dir_mark and -1 < match.start("ps_d") < len(sub) - 1:
                continue
            return include
        return None


def _compile(lines: Iterable[str]) -> tuple[_Pattern, ...]:
    spec = GitIgnoreSpec.from_lines(list(lines))
    compiled: list[_Pattern] = []
    for pattern in spec.patterns:
        regex = getattr(pattern, "regex", None)
        if pattern.include is None or regex is None:
            continue
        compiled.append((regex, bool(pattern.include), "ps_d" in regex.groupindex))
    return tuple(compiled)


@dataclass
class _Dir:
    logical: str  # path shown to the user (as given, plus walked names)
    rel: str  # relative to the root, "" for the root itself
    real: str  # physical location, used for loop and containment checks
    chain: tuple[str, ...]  # real paths of the folders walked to get here
    rules: tuple[_Rules, ...]
    via_link: bool
    named: bool  # given on the command line: skip rules do not apply to it


class _Walker:
    def __init__(self, root: Path, exclude: Sequence[str]) -> None:
        self.root = root
        self.root_real = os.path.realpath(root)
        self.exclude = _Rules(_compile(exclude), 0, "") if exclude else None
        self.errors: dict[tuple[str, str], SourceError] = {}
        # real path -> (reached through a link, sort key, shown path)
        self.found: dict[str, tuple[bool, tuple[str, ...], str]] = {}
        self._rules_cache: dict[str, _Rules | None] = {}
        self._outer_rules = self._rules_above_root()

    # --- results --------------------------------------------------------------------

    def files(self) -> list[Path]:
        chosen = sorted((key, shown) for _link, key, shown in self.found.values())
        return [Path(shown) for _key, shown in chosen]

    def sorted_errors(self) -> list[SourceError]:
        return [self.errors[key] for key in sorted(self.errors)]

    def error(self, path: str, reason: str) -> None:
        self.errors.setdefault((path, reason), SourceError(path, reason))

    def add_file(self, logical: str, real: str, via_link: bool) -> None:
        shown = os.path.normpath(logical)
        candidate = (via_link, tuple(shown.split(_SEP)), shown)
        # One entry per real file; prefer the path that needs no symlink, then the first.
        current = self.found.get(real)
        if current is None or candidate[:2] < current[:2]:
            self.found[real] = candidate

    # --- named paths ----------------------------------------------------------------

    def visit_named(self, path: Path) -> None:
        logical = os.fspath(path)
        absolute = os.path.abspath(logical)
        if not os.path.lexists(absolute):
            self.error(logical, "does not exist")
            return
        rel = self._relative_to_root(absolute)
        if rel is None:
            self.error(logical, f"outside the root {self.root}; not used")
            return
        try:
            st = os.stat(absolute)
        except OSError as exc:
            self._link_error(logical, exc)
            return
        real = os.path.realpath(absolute)
        if not self._inside_root(real):
            self.error(logical, self._outside(logical))
            return
        via_link = os.path.islink(absolute)
        if stat.S_ISDIR(st.st_mode):
            rules = self._rules_for_folders_above(rel)
            chain = (real,)
            self._walk(_Dir(logical, rel, real, chain, rules, via_link, named=True))
        elif stat.S_ISREG(st.st_mode):
            self.add_file(logical, real, via_link)
        else:
            self.error(logical, "not a regular file")

    def _relative_to_root(self, absolute: str) -> str | None:
        root = os.fspath(self.root)
        if absolute == root:
            return ""
        prefix = root if root.endswith(_SEP) else root + _SEP
        return absolute[len(prefix) :] if absolute.startswith(prefix) else None

    def _inside_root(self, real: str) -> bool:
        root = self.root_real
        return real == root or real.startswith(root if root.endswith(_SEP) else root + _SEP)

    def _outside(self, logical: str) -> str:
        return f"symlink to {os.readlink(logical)}, outside {self.root}; not followed"

    def _link_error(self, logical: str, exc: OSError) -> None:
        if exc.errno == errno.ELOOP:
            self.error(logical, "symlink loop")
        elif isinstance(exc, FileNotFoundError) and os.path.islink(logical):
            self.error(logical, f"dangling symlink to {os.readlink(logical)}")
        elif isinstance(exc, PermissionError):
            self.error(logical, "permission denied")
        else:
            self.error(logical, exc.strerror or str(exc))

    # --- the walk -------------------------------------------------------------------

    def _walk(self, start: _Dir) -> None:
        stack = [start]
        while stack:
            folder = stack.pop()
            children = self._scan(folder)
            # Reversed so the stack pops folders in name order: first-found wins ties.
            stack.extend(reversed(children))

    def _scan(self, folder: _Dir) -> list[_Dir]:
        try:
            with os.scandir(folder.logical or ".") as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            reason = "permission denied" if isinstance(exc, PermissionError) else exc.strerror
            self.error(folder.logical, f"cannot list folder: {reason or exc}")
            return []
        names = {entry.name for entry in entries}
        if VENV_MARKER in names and not folder.named:
            return []
        rules = folder.rules
        if ".gitignore" in names:
            own = self._load_rules(folder.logical, folder.rel)
            if own is not None:
                rules = (*rules, own)
        children: list[_Dir] = []
        for entry in entries:
            child = self._visit_entry(folder, entry, rules)
            if child is not None:
                children.append(child)
        return children

    def _visit_entry(
        self, folder: _Dir, entry: os.DirEntry[str], rules: tuple[_Rules, ...]
    ) -> _Dir | None:
        name = entry.name
        rel = f"{folder.rel}/{name}" if folder.rel else name
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir()  # follows links; False for dangling ones
        except OSError:
            is_link, is_dir = True, False
        if is_dir:
            if name in SKIPPED_DIR_NAMES or self._ignored(rules, rel, is_dir=True):
                return None
        elif not name.endswith(".py") or self._ignored(rules, rel, is_dir=False):
            return None
        logical = entry.path
        if is_link:
            return self._follow_link(folder, logical, rel, rules)
        if is_dir:
            real = os.path.join(folder.real, name)
            chain = (*folder.chain, real)
            return _Dir(logical, rel, real, chain, rules, folder.via_link, named=False)
        try:
            regular = entry.is_file(follow_symlinks=False)
        except OSError:
            regular = False
        if regular:
            self.add_file(logical, os.path.join(folder.real, name), folder.via_link)
        else:
            self.error(logical, "not a regular file")
        return None

    def _follow_link(
        self, folder: _Dir, logical: str, rel: str, rules: tuple[_Rules, ...]
    ) -> _Dir | None:
        try:
            st = os.stat(logical)
        except OSError as exc:
            self._link_error(logical, exc)
            return None
        real = os.path.realpath(logical)
        if not self._inside_root(real):
            self.error(logical, self._outside(logical))
            return None
        if stat.S_ISREG(st.st_mode):
            self.add_file(logical, real, via_link=True)
            return None
        if not stat.S_ISDIR(st.st_mode):
            self.error(logical, "not a regular file")
            return None
        if real in folder.chain or folder.real.startswith(real + _SEP):
            self.error(logical, f"symlink loop: points back to {os.readlink(logical)}")
            return None
        return _Dir(logical, rel, real, (*folder.chain, real), rules, True, named=False)

    # --- ignore rules ---------------------------------------------------------------

    def _ignored(self, rules: tuple[_Rules, ...], rel: str, *, is_dir: bool) -> bool:
        if self.exclude is not None and self.exclude.verdict(rel, is_dir):
            return True
        for ruleset in reversed(rules):  # the deepest .gitignore has the last word
            verdict = ruleset.verdict(rel, is_dir)
            if verdict is not None:
                return verdict
        return False

    def _load_rules(self, folder: str, rel: str, prepend: str = "") -> _Rules | None:
        gitignore = os.path.join(folder, ".gitignore")
        cache_key = os.path.abspath(gitignore)
        if cache_key in self._rules_cache:
            return self._rules_cache[cache_key]
        rules = self._read_rules(gitignore, strip=len(rel) + 1 if rel else 0, prepend=prepend)
        self._rules_cache[cache_key] = rules
        return rules

    def _read_rules(self, file: str, *, strip: int, prepend: str) -> _Rules | None:
        try:
            with open(file, "rb") as handle:
                text = handle.read().decode("utf-8", "surrogateescape")
        except FileNotFoundError:
            return None
        except OSError as exc:
            reason = "permission denied" if isinstance(exc, PermissionError) else exc.strerror
            self.error(file, f"cannot read ignore file: {reason or exc}")
            return None
        patterns = _compile(text.splitlines())
        return _Rules(patterns, strip, prepend) if patterns else None

    def _rules_above_root(self) -> tuple[_Rules, ...]:
        """Ignore files of the git work tree above the root (git applies them too)."""
        top = _git_top(self.root)
        if top is None or top == self.root:
            return self._info_exclude(top)
        to_root = os.path.relpath(self.root, top).split(_SEP)
        rules = list(self._info_exclude(top))
        folder = top
        for depth in range(len(to_root)):
            prepend = "/".join(to_root[depth:]) + "/"
            loaded = self._read_rules(os.path.join(folder, ".gitignore"), strip=0, prepend=prepend)
            if loaded is not None:
                rules.append(loaded)
            folder = folder / to_root[depth]
        return tuple(rules)

    def _info_exclude(self, top: Path | None) -> tuple[_Rules, ...]:
        if top is None:
            return ()
        prepend = os.path.relpath(self.root, top).replace(_SEP, "/") + "/"
        prepend = "" if prepend == "./" else prepend
        loaded = self._read_rules(
            os.fspath(top / ".git" / "info" / "exclude"), strip=0, prepend=prepend
        )
        return () if loaded is None else (loaded,)

    def _rules_for_folders_above(self, rel: str) -> tuple[_Rules, ...]:
        """Rules that apply inside root/rel: those above the root, then root .. rel's parent."""
        rules = list(self._outer_rules)
        if not rel:
            return tuple(rules)
        parts = rel.split("/")
        folder_rel = ""
        for part in ["", *parts[:-1]]:
            folder_rel = f"{folder_rel}/{part}" if folder_rel else part
            folder = os.path.join(self.root, folder_rel) if folder_rel else os.fspath(self.root)
            loaded = self._load_rules(folder, folder_rel)
            if loaded is not None:
                rules.append(loaded)
        return tuple(rules)


def _git_top(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if os.path.lexists(folder / ".git"):
            return folder
    return None
