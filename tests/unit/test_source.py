"""Reading, decoding and atomic rewriting of source files."""

from __future__ import annotations

import codecs
import hashlib
import io
import itertools
import os
import pickle
import signal
import stat
import threading
import tokenize
from collections.abc import Callable
from pathlib import Path

import pytest

from codemods.run import source
from codemods.run.source import (
    SourceChangedError,
    SourceError,
    SourceFile,
    encode_text,
    read_source,
    write_atomic,
)

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

# name -> exact bytes on disk. Each contains "old" exactly once so an edit can be checked.
SAMPLES: dict[str, bytes] = {
    "lf": b"import old\nx = 1\n",
    "crlf": b"import old\r\nx = 1\r\n",
    "cr": b"import old\rx = 1\r",
    "mixed": b"import old\r\nx = 1\ny = 2\rz = 3\r\n",
    "no_final_newline": b"import old\nx = 1",
    "latin1_cookie": "# -*- coding: latin-1 -*-\nimport old\nname = 'café'\n".encode("latin-1"),
    "bom": codecs.BOM_UTF8 + "import old\nname = 'naïve'\n".encode(),
    "bom_crlf": codecs.BOM_UTF8 + b"import old\r\nx = 1\r\n",
}


def _make(tmp_path: Path, data: bytes, name: str = "mod.py", mode: int = 0o644) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    path.chmod(mode)
    return path


def _leftover_temps(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(source.TEMP_SUFFIX)]


# --- reading -------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_unchanged_text_round_trips_byte_for_byte(tmp_path: Path, name: str) -> None:
    path = _make(tmp_path, SAMPLES[name])
    src = read_source(path)
    write_atomic(src, src.text)
    assert path.read_bytes() == SAMPLES[name]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_edit_keeps_encoding_bom_and_every_newline_byte(tmp_path: Path, name: str) -> None:
    path = _make(tmp_path, SAMPLES[name])
    src = read_source(path)
    write_atomic(src, src.text.replace("old", "new_ü"))
    expected = SAMPLES[name].replace(b"old", "new_ü".encode(src.encoding))
    assert path.read_bytes() == expected


def test_text_keeps_crlf_untranslated(tmp_path: Path) -> None:
    src = read_source(_make(tmp_path, SAMPLES["mixed"]))
    assert src.text == "import old\r\nx = 1\ny = 2\rz = 3\r\n"
    assert src.raw == SAMPLES["mixed"]


@pytest.mark.parametrize(
    ("name", "newline"),
    [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r"), ("mixed", "\r\n"), ("no_final_newline", "\n")],
)
def test_dominant_newline_is_reported(tmp_path: Path, name: str, newline: str) -> None:
    assert read_source(_make(tmp_path, SAMPLES[name])).newline == newline


def test_bom_is_recorded_and_not_part_of_text(tmp_path: Path) -> None:
    src = read_source(_make(tmp_path, SAMPLES["bom"]))
    assert src.bom is True
    assert src.encoding == "utf-8"
    assert src.text.startswith("import old")


def test_latin1_cookie_selects_latin1(tmp_path: Path) -> None:
    src = read_source(_make(tmp_path, SAMPLES["latin1_cookie"]))
    assert codecs.lookup(src.encoding).name == "iso8859-1"
    assert "café" in src.text
    assert src.bom is False


def test_cookie_on_second_line_after_shebang_is_honoured(tmp_path: Path) -> None:
    data = "#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = '€'\n".encode("cp1252")
    src = read_source(_make(tmp_path, data))
    assert src.encoding == "cp1252"
    assert "€" in src.text


def test_cookie_after_code_line_is_ignored(tmp_path: Path) -> None:
    src = read_source(_make(tmp_path, b"x = 1\n# coding: latin-1\n"))
    assert src.encoding == "utf-8"


def test_metadata_describes_the_file_read(tmp_path: Path) -> None:
    path = _make(tmp_path, b"x = 1\n", mode=0o640)
    src = read_source(path)
    st = path.stat()
    assert src.path == path
    assert src.real_path == path.resolve()
    assert src.mode == 0o640
    assert src.stat_key == (st.st_mtime_ns, st.st_size, st.st_ino)
    assert src.digest == hashlib.sha256(b"x = 1\n").hexdigest()


def test_empty_file_is_an_empty_source(tmp_path: Path) -> None:
    src = read_source(_make(tmp_path, b""))
    assert (src.text, src.encoding, src.bom, src.newline) == ("", "utf-8", False, "\n")


def test_bom_only_file_is_an_empty_source(tmp_path: Path) -> None:
    src = read_source(_make(tmp_path, codecs.BOM_UTF8))
    assert (src.text, src.bom) == ("", True)


def test_five_megabyte_file_reads_and_writes(tmp_path: Path) -> None:
    line = b"value_%07d = old_call(1, 2, 3)  # padding padding\r\n"
    data = b"".join(line % i for i in range(100_000))
    assert len(data) > 5_000_000
    path = _make(tmp_path, data)
    src = read_source(path)
    assert src.raw == data
    write_atomic(src, src.text.replace("old_call", "new_call"))
    assert path.read_bytes() == data.replace(b"old_call", b"new_call")


# --- read errors ---------------------------------------------------------------------


def _error(path: Path, **kwargs: int) -> SourceError:
    with pytest.raises(SourceError) as info:
        read_source(path, **kwargs)
    assert info.value.path == str(path)
    assert str(info.value) == f"{path}: {info.value.reason}"
    assert "\n" not in str(info.value)
    return info.value


def test_invalid_utf8_names_encoding_offset_and_line(tmp_path: Path) -> None:
    err = _error(_make(tmp_path, b"x = 1\ny = 2\nz = '\xff'\n"))
    assert "not valid utf-8" in err.reason
    assert "byte 0xff at offset 17" in err.reason
    assert "(line 3)" in err.reason


def test_invalid_utf8_on_the_first_line_is_reported_precisely(tmp_path: Path) -> None:
    err = _error(_make(tmp_path, b"# caf\xe9\nx = 1\n"))
    assert "not valid utf-8: byte 0xe9 at offset 5 (line 1)" in err.reason


def test_bytes_invalid_in_the_declared_encoding_are_reported(tmp_path: Path) -> None:
    err = _error(_make(tmp_path, b"# coding: cp1252\nx = '\x81'\n"))
    assert "not valid cp1252: byte 0x81 at offset 22 (line 2)" in err.reason


def test_line_numbers_count_cr_only_line_ends(tmp_path: Path) -> None:
    err = _error(_make(tmp_path, b"a = 1\rb = 2\r\nc = '\xff'\r"))
    assert "(line 3)" in err.reason


def test_nul_byte_is_refused_with_its_position(tmp_path: Path) -> None:
    err = _error(_make(tmp_path, b"x = 1\ny = '\x00'\n"))
    assert "NUL byte at offset 11 (line 2)" in err.reason


def test_unknown_codec_in_cookie_is_refused(tmp_path: Path) -> None:
    err = _error(_make(tmp_path, b"# -*- coding: klingon -*-\nx = 1\n"))
    assert "unknown encoding 'klingon'" in err.reason
    assert "line 1" in err.reason


def test_bom_contradicting_cookie_is_refused(tmp_path: Path) -> None:
    err = _error(_make(tmp_path, codecs.BOM_UTF8 + b"# coding: latin-1\nx = 1\n"))
    assert "byte-order mark" in err.reason
    assert "'iso-8859-1'" in err.reason


def test_bom_with_matching_utf8_cookie_is_accepted(tmp_path: Path) -> None:
    src = read_source(_make(tmp_path, codecs.BOM_UTF8 + b"# coding: utf-8\nx = 1\n"))
    assert (src.encoding, src.bom) == ("utf-8", True)


@pytest.mark.parametrize("codec", ["utf-16", "rot13"])
def test_cookie_naming_a_non_ascii_compatible_codec_is_refused(tmp_path: Path, codec: str) -> None:
    err = _error(_make(tmp_path, f"# coding: {codec}\nx = 1\n".encode()))
    assert "not ASCII-compatible" in err.reason


def test_missing_file_reports_that_it_vanished(tmp_path: Path) -> None:
    err = _error(tmp_path / "gone.py")
    assert err.reason.startswith("vanished")


def test_dangling_symlink_names_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.py"
    link.symlink_to(tmp_path / "nowhere.py")
    err = _error(link)
    assert err.reason == f"dangling symlink to {tmp_path / 'nowhere.py'}"


def test_directory_is_not_a_regular_file(tmp_path: Path) -> None:
    folder = tmp_path / "pkg.py"
    folder.mkdir()
    assert _error(folder).reason == "not a regular file (a directory)"


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    assert _error(fifo).reason == "not a regular file (a FIFO)"


def test_file_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    err = _error(_make(tmp_path, b"x = 1\n" * 10), max_bytes=59)
    assert "is 60 bytes, larger than the 59-byte limit" in err.reason


def test_file_exactly_at_the_limit_is_read(tmp_path: Path) -> None:
    assert read_source(_make(tmp_path, b"x = 1\n" * 10), max_bytes=60).text == "x = 1\n" * 10


def test_permission_denied_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _make(tmp_path, b"x = 1\n")
    if IS_ROOT:  # root reads mode-0 files, so simulate the kernel's refusal
        real_open = os.open

        def refusing_open(target: object, *args: object, **kwargs: object) -> int:
            if os.fspath(target) == str(path.resolve()):  # type: ignore[arg-type]
                raise PermissionError(13, "Permission denied")
            return real_open(target, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "open", refusing_open)
    else:
        path.chmod(0)
    assert _error(path).reason == "cannot open: permission denied"


def test_source_error_survives_pickling() -> None:
    err = pickle.loads(pickle.dumps(SourceChangedError("a/b.py", "changed")))
    assert type(err) is SourceChangedError
    assert (err.path, err.reason, str(err)) == ("a/b.py", "changed", "a/b.py: changed")


# PEP 263 detection must agree with tokenize.detect_encoding on every combination below.
_LINES = [
    b"",
    b"\n",
    b"   \n",
    b"# comment\n",
    b"x = 1\n",
    b"#!/usr/bin/env python\n",
    b"# -*- coding: latin-1 -*-\n",
    b"# coding=utf8\n",
    b"# vim: set fileencoding=cp1252 :\n",
    b"  \t# coding: UTF_8\n",
    b"# coding: nope\n",
    b"\x0c# coding: latin-1\n",
    b"# coding: utf-8\r\n",
    b"# coding: latin-1\rx = 1\r",
    b"\\\n",
]


def _tokenize_verdict(data: bytes) -> tuple[str, bool] | None:
    try:
        name, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        return None
    return codecs.lookup(name.removesuffix("-sig")).name, data.startswith(codecs.BOM_UTF8)


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_encoding_detection_agrees_with_tokenize(tmp_path: Path, bom: bytes) -> None:
    path = tmp_path / "m.py"
    checked = 0
    for first, second in itertools.product(_LINES, repeat=2):
        data = bom + first + second + b"y = 2\n"
        path.write_bytes(data)
        expected = _tokenize_verdict(data)
        try:
            src = read_source(path)
            got: tuple[str, bool] | None = (codecs.lookup(src.encoding).name, src.bom)
        except SourceError:
            got = None
        assert got == expected, data
        checked += 1
    assert checked == len(_LINES) ** 2


# --- encoding new text ---------------------------------------------------------------


def test_encode_text_re_adds_the_bom(tmp_path: Path) -> None:
    src = read_source(_make(tmp_path, SAMPLES["bom"]))
    assert encode_text(src, "x = 'é'\n") == codecs.BOM_UTF8 + "x = 'é'\n".encode()


def test_unencodable_character_is_refused_and_file_untouched(tmp_path: Path) -> None:
    path = _make(tmp_path, SAMPLES["latin1_cookie"])
    src = read_source(path)
    with pytest.raises(SourceError) as info:
        write_atomic(src, src.text + "emoji = '\N{SNAKE}'\n")
    assert "U+1F40D" in info.value.reason
    assert "line 4" in info.value.reason
    assert "iso8859-1" in info.value.reason
    assert path.read_bytes() == SAMPLES["latin1_cookie"]
    assert _leftover_temps(tmp_path) == []


# --- atomic writing ------------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o755, 0o600, 0o664])
def test_permission_bits_are_kept(tmp_path: Path, mode: int) -> None:
    path = _make(tmp_path, b"import old\n", mode=mode)
    write_atomic(read_source(path), "import new\n")
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert path.read_bytes() == b"import new\n"


def test_write_through_symlink_updates_target_and_keeps_link(tmp_path: Path) -> None:
    target = _make(tmp_path, b"import old\n", name="real.py")
    link = tmp_path / "alias.py"
    link.symlink_to("real.py")
    src = read_source(link)
    assert src.real_path == target.resolve()
    write_atomic(src, "import new\n")
    assert link.is_symlink()
    assert os.readlink(link) == "real.py"
    assert target.read_bytes() == b"import new\n"


def test_file_changed_after_read_is_not_overwritten(tmp_path: Path) -> None:
    path = _make(tmp_path, b"import old\n")
    src = read_source(path)
    path.write_bytes(b"import edited_by_someone\n")
    with pytest.raises(SourceChangedError) as info:
        write_atomic(src, "import new\n")
    assert "changed on disk" in info.value.reason
    assert path.read_bytes() == b"import edited_by_someone\n"
    assert _leftover_temps(tmp_path) == []


def test_same_size_change_within_the_same_mtime_is_caught(tmp_path: Path) -> None:
    path = _make(tmp_path, b"import old\n")
    src = read_source(path)
    st = path.stat()
    path.write_bytes(b"import odd\n")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(SourceChangedError):
        write_atomic(src, "import new\n")
    assert path.read_bytes() == b"import odd\n"


def test_file_deleted_after_read_is_not_recreated(tmp_path: Path) -> None:
    path = _make(tmp_path, b"import old\n")
    src = read_source(path)
    path.unlink()
    with pytest.raises(SourceChangedError) as info:
        write_atomic(src, "import new\n")
    assert "deleted or moved" in info.value.reason
    assert not path.exists()
    assert _leftover_temps(tmp_path) == []


def test_touched_but_identical_file_is_still_written(tmp_path: Path) -> None:
    path = _make(tmp_path, b"import old\n")
    src = read_source(path)
    os.utime(path, ns=(1, 1))
    write_atomic(src, "import new\n")
    assert path.read_bytes() == b"import new\n"


def _spy_replace(
    monkeypatch: pytest.MonkeyPatch, before: Callable[[str, str], None]
) -> list[tuple[str, str]]:
    calls: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        calls.append((os.fspath(src), os.fspath(dst)))
        before(os.fspath(src), os.fspath(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    return calls


def test_temp_file_is_hidden_in_the_same_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _make(tmp_path, b"import old\n")
    seen: list[bytes] = []
    calls = _spy_replace(monkeypatch, lambda tmp, _dst: seen.append(Path(tmp).read_bytes()))
    write_atomic(read_source(path), "import new\n")
    [(tmp, dst)] = calls
    assert Path(tmp).parent == tmp_path
    assert Path(tmp).name.startswith(".") and tmp.endswith(".emtmp")
    assert dst == str(path.resolve())
    assert seen == [b"import new\n"]  # complete before the rename
    assert _leftover_temps(tmp_path) == []


def test_failed_rename_leaves_original_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _make(tmp_path, b"import old\n")
    src = read_source(path)

    def fail(_src: str, _dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(SourceError) as info:
        write_atomic(src, "import new\n")
    assert info.value.reason == "cannot write: No space left on device"
    assert path.read_bytes() == b"import old\n"
    assert _leftover_temps(tmp_path) == []


def test_interrupt_while_writing_removes_the_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _make(tmp_path, b"import old\n")
    src = read_source(path)

    def interrupted(_fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(src, "import new\n")
    assert path.read_bytes() == b"import old\n"
    assert _leftover_temps(tmp_path) == []


def test_unwritable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _make(tmp_path, b"import old\n")
    src = read_source(path)

    def refuse(*_args: object, **_kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(source.tempfile, "mkstemp", refuse)
    with pytest.raises(SourceError) as info:
        write_atomic(src, "import new\n")
    assert info.value.reason == f"cannot create a temporary file in {tmp_path}: permission denied"
    assert path.read_bytes() == b"import old\n"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_during_write_is_held_until_the_file_is_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signum: int
) -> None:
    path = _make(tmp_path, b"import old\n")
    src = read_source(path)

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signum, interrupt)
    try:
        _spy_replace(monkeypatch, lambda _tmp, _dst: os.kill(os.getpid(), signum))
        with pytest.raises(KeyboardInterrupt):
            write_atomic(src, "import new\n")
    finally:
        signal.signal(signum, previous)
    assert path.read_bytes() == b"import new\n"
    assert _leftover_temps(tmp_path) == []
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == set()


def test_write_from_a_worker_thread_works(tmp_path: Path) -> None:
    path = _make(tmp_path, b"import old\n")
    src = read_source(path)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            write_atomic(src, "import new\n")
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert failures == []
    assert path.read_bytes() == b"import new\n"


def test_source_file_is_immutable(tmp_path: Path) -> None:
    src = read_source(_make(tmp_path, b"x = 1\n"))
    with pytest.raises(AttributeError):
        src.text = "y"  # type: ignore[misc]
    assert isinstance(src, SourceFile)


def test_file_that_grows_past_the_limit_while_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _make(tmp_path, b"x = 1\n")

    def endless(_fd: int, size: int) -> bytes:  # a writer keeps appending
        return b"#" * size

    monkeypatch.setattr(os, "read", endless)
    err = _error(path, max_bytes=100)
    assert "larger than the 100-byte limit" in err.reason


def test_read_failure_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _make(tmp_path, b"x = 1\n")

    def broken(_fd: int, _size: int) -> bytes:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "read", broken)
    assert _error(path).reason == "cannot read: Input/output error"


def test_file_with_a_maximal_name_can_be_rewritten(tmp_path: Path) -> None:
    path = _make(tmp_path, b"import old\n", name="m" * 252 + ".py")
    write_atomic(read_source(path), "import new\n")
    assert path.read_bytes() == b"import new\n"
    assert _leftover_temps(tmp_path) == []
