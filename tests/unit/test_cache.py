"""The content-hash result cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codemods.run.cache import CACHE_DIR_NAME, ENV_CACHE_DIR, ResultCache, cache_key

BASE = {
    "file_digest": "f" * 64,
    "plan_digest": "p" * 64,
    "tool_version": "0.1.0",
    "stages": ("compat-imports", "call-sites"),
    "extra": "",
}
KEY = cache_key(**BASE)  # type: ignore[arg-type]


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


# --- keys ----------------------------------------------------------------------------


def test_key_is_stable_hex() -> None:
    assert cache_key(**BASE) == KEY  # type: ignore[arg-type]
    assert len(KEY) == 64
    assert int(KEY, 16) >= 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("file_digest", "e" * 64),
        ("plan_digest", "q" * 64),
        ("tool_version", "0.1.1"),
        ("stages", ("call-sites", "compat-imports")),
        ("stages", ("compat-imports",)),
        ("stages", ("compat-imports,call-sites",)),
        ("extra", "--jobs-independent-flag"),
    ],
)
def test_any_input_change_changes_the_key(field: str, value: object) -> None:
    assert cache_key(**{**BASE, field: value}) != KEY  # type: ignore[arg-type]


# --- storing and reading -------------------------------------------------------------


def test_value_round_trips_through_a_new_instance(tmp_path: Path) -> None:
    ResultCache(tmp_path / "c").put(KEY, b'{"sites": []}')
    again = ResultCache(tmp_path / "c")
    assert again.get(KEY) == b'{"sites": []}'
    assert (again.hits, again.misses) == (1, 0)


def test_unknown_key_is_a_miss(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c")
    assert cache.get(KEY) is None
    assert (cache.hits, cache.misses) == (0, 1)
    assert not (tmp_path / "c").exists()  # reading never creates the folder


def test_empty_value_is_a_hit_not_a_miss(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c")
    cache.put(KEY, b"")
    assert cache.get(KEY) == b""


def test_put_replaces_an_older_value(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c")
    cache.put(KEY, b"old")
    cache.put(KEY, b"new")
    assert cache.get(KEY) == b"new"


def test_entries_are_sharded_and_folder_is_marked_on_first_use(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    ResultCache(folder).put(KEY, b"v")
    assert _files(folder) == {".gitignore", "CACHEDIR.TAG", f"{KEY[:2]}/{KEY[2:]}"}
    assert (folder / ".gitignore").read_text() == "*\n"
    assert (
        (folder / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )


def test_unsafe_key_stays_inside_the_cache_folder(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "c"
    cache = ResultCache(folder)
    cache.put("../../escape", b"v")
    assert cache.get("../../escape") == b"v"
    assert not (tmp_path / "escape").exists()
    assert all(not name.startswith("..") for name in _files(folder))


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[:-1], id="truncated-value"),
        pytest.param(lambda data: data[:10], id="truncated-header"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: data[:-1] + bytes([data[-1] ^ 1]), id="flipped-bit"),
        pytest.param(lambda data: b"JUNK" + data[4:], id="foreign-magic"),
        pytest.param(lambda data: data + b"x", id="trailing-bytes"),
    ],
)
def test_damaged_entry_reads_as_a_miss(tmp_path: Path, damage: object) -> None:
    cache = ResultCache(tmp_path / "c")
    cache.put(KEY, b'{"ok": true}')
    entry = tmp_path / "c" / KEY[:2] / KEY[2:]
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    assert cache.get(KEY) is None
    assert cache.enabled  # damage is not an I/O failure


def test_put_leaves_no_temporary_files(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c")
    for i in range(5):
        cache.put(cache_key(str(i), "p", "v", ()), b"x" * i)
    shard_files = [name for name in _files(tmp_path / "c") if "/" in name]
    assert len(shard_files) == 5
    assert not any(Path(name).name.startswith(".") for name in shard_files)


# --- trouble -------------------------------------------------------------------------


def test_unwritable_folder_disables_the_cache_without_raising(tmp_path: Path) -> None:
    blocker = tmp_path / "c"
    blocker.write_text("a file where the cache folder should be")
    cache = ResultCache(blocker)
    cache.put(KEY, b"v")
    assert cache.enabled is False
    assert cache.disabled_reason is not None
    assert cache.disabled_reason.startswith("result cache disabled: cannot write")
    assert str(blocker) in cache.disabled_reason
    assert cache.get(KEY) is None
    assert blocker.read_text() == "a file where the cache folder should be"


def test_failed_rename_disables_and_removes_the_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ResultCache(tmp_path / "c")

    def no_space(_src: str, _dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    cache.put(KEY, b"v")
    assert cache.disabled_reason is not None and "No space left" in cache.disabled_reason
    assert _files(tmp_path / "c") == {".gitignore", "CACHEDIR.TAG"}


def test_unreadable_entry_disables_the_cache(tmp_path: Path) -> None:
    (tmp_path / "c" / KEY[:2] / KEY[2:]).mkdir(parents=True)  # a folder where a file goes
    cache = ResultCache(tmp_path / "c")
    assert cache.get(KEY) is None
    assert cache.enabled is False
    assert cache.disabled_reason is not None and "cannot read" in cache.disabled_reason


def test_disabled_cache_stores_nothing(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c", enabled=False)
    cache.put(KEY, b"v")
    assert cache.get(KEY) is None
    assert not (tmp_path / "c").exists()
    assert cache.disabled_reason == "disabled by request"


# --- clearing and location -----------------------------------------------------------


def test_clear_removes_entries_but_not_foreign_files(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    cache = ResultCache(folder)
    cache.put(KEY, b"v")
    (folder / "notes.txt").write_text("not ours")
    (folder / "keepme").mkdir()
    cache.clear()
    assert cache.get(KEY) is None
    assert _files(folder) == {".gitignore", "CACHEDIR.TAG", "notes.txt"}
    assert (folder / "keepme").is_dir()


def test_clear_of_a_missing_folder_does_nothing(tmp_path: Path) -> None:
    ResultCache(tmp_path / "never").clear()
    assert not (tmp_path / "never").exists()


def test_default_dir_is_inside_the_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_CACHE_DIR, raising=False)
    assert ResultCache.default_dir(tmp_path) == tmp_path / CACHE_DIR_NAME
    monkeypatch.setenv(ENV_CACHE_DIR, "")
    assert ResultCache.default_dir(tmp_path) == tmp_path / CACHE_DIR_NAME


def test_environment_variable_moves_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_CACHE_DIR, str(tmp_path / "elsewhere"))
    assert ResultCache.default_dir(tmp_path / "root") == tmp_path / "elsewhere"
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(ENV_CACHE_DIR, "~/cache")
    assert ResultCache.default_dir(tmp_path / "root") == tmp_path / "cache"
