"""Generate a deterministic synthetic monorepo, shaped like the one the toolkit migrates.

    python benchmarks/make_repo.py OUT_DIR [--files 8000] [--seed 1] [--legacy-fraction 0.08]
                                           [--scale 1.0] [--shape generated|real]

`--shape real` adds two traits of the real backend that the generated tree lacked and
that decided its speed there (measured on netra-systems/zen at 4cd229f9): 95% of its
candidate files end without a newline, and about 9% of all files import a non-legacy
module of a legacy package (`...websocket_core.unified_manager`), naming nothing legacy.

The same arguments always give the same bytes. `generate()` is the API for tests and benchmarks.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

if __package__:
    from ._patterns import damage, extras, layout
    from ._patterns.assemble import Builder
    from ._patterns.words import Names
else:  # run as a script, or imported with benchmarks/ on sys.path
    from _patterns import damage, extras, layout
    from _patterns.assemble import Builder
    from _patterns.words import Names

WRITER_THREADS = 4  # file creation dominates and releases the GIL

# What `--shape real` sets (see the module docstring): (no-final-newline share of files,
# share of plain files importing a non-legacy module of a legacy package).
REAL_SHAPE = (0.95, 0.09)
# Non-legacy modules of the legacy package `netra_backend.app.websocket_core`.
_PACKAGE_NEIGHBOURS = (
    ("unified_manager", "WebSocketManager"),
    ("connection_state", "ConnectionState"),
    ("event_validator", "EventValidator"),
    ("types", "MessageType"),
)


@dataclass
class RepoStats:
    """What was generated; the path lists are relative POSIX paths."""

    files: int  # .py files a correct tool visits (ignored folders excluded)
    bytes: int
    legacy_files: int
    broken_files: int  # do not parse: syntax errors and the non-UTF-8 file
    max_file_bytes: int
    mean_file_bytes: float
    max_file_lines: int = 0
    decoy_files: int = 0
    ignored_files: int = 0  # .py files under venv/, node_modules/, build/
    legacy_paths: list[str] = field(default_factory=list, repr=False)
    decoy_paths: list[str] = field(default_factory=list, repr=False)
    broken_paths: list[str] = field(default_factory=list, repr=False)
    ignored_paths: list[str] = field(default_factory=list, repr=False)
    special_paths: dict[str, str] = field(default_factory=dict, repr=False)  # path -> damage kind


def generate(
    out_dir: Path,
    *,
    files: int = 8000,
    seed: int = 1,
    legacy_fraction: float = 0.08,
    scale: float = 1.0,
    shape: str = "generated",
) -> RepoStats:
    """Write the repo into `out_dir` (must be missing or empty) and describe what was written.
    `shape="real"` reshapes the files as the module docstring says; the default is unchanged."""
    if shape not in ("generated", "real"):
        raise ValueError("shape must be generated or real")
    if files < layout.MIN_FILES:
        raise ValueError(f"files must be at least {layout.MIN_FILES}")
    if not 0 <= legacy_fraction <= 1 or scale <= 0:
        raise ValueError("legacy_fraction must be in [0, 1] and scale positive")
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty")
    rng = random.Random(seed)
    n = Names(rng)
    slots = layout.plan_layout(n, files, layout.reserved_paths(files, legacy_fraction))
    layout.assign_roles(rng, slots, legacy_fraction)
    layout.draw_sizes(rng, slots, scale)
    builder = Builder(n)
    stats = RepoStats(files=len(slots), bytes=0, legacy_files=0, broken_files=0, max_file_bytes=0,
                      mean_file_bytes=0.0)  # fmt: skip
    ignored = extras.ignored_files()
    other = {**ignored, **extras.ROOT_FILES}
    # All folders first: mkdir next to concurrent file creation is several times slower.
    for folder in sorted({(out_dir / p).parent for p in [*(s.path for s in slots), *other]}):
        folder.mkdir(parents=True, exist_ok=True)
    # Its own generator, so the default shape's bytes stay what they were.
    reshape = _Reshape(random.Random(seed + 1)) if shape == "real" else None
    with ThreadPoolExecutor(WRITER_THREADS) as pool:
        writes = [
            _record(stats, slot, pool, out_dir, _shaped(reshape, slot, builder.build(slot, scale)))
            for slot in slots
        ]
        writes += [pool.submit((out_dir / p).write_bytes, t.encode()) for p, t in other.items()]
        for write in writes:
            write.result()  # surface the first write error
    stats.ignored_paths = sorted(p for p in ignored if p.endswith(".py"))
    stats.legacy_files, stats.decoy_files = len(stats.legacy_paths), len(stats.decoy_paths)
    stats.broken_files, stats.ignored_files = len(stats.broken_paths), len(stats.ignored_paths)
    stats.mean_file_bytes = stats.bytes / stats.files
    return stats


class _Reshape:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.no_final_newline, self.importers = REAL_SHAPE


def _shaped(reshape: _Reshape | None, slot: layout.Slot, data: bytes) -> bytes:
    if reshape is None or slot.damage or slot.kind == "init":
        return data
    rng = reshape.rng
    if slot.role == "plain" and rng.random() < reshape.importers:
        module, name = rng.choice(_PACKAGE_NEIGHBOURS)
        line = f"from netra_backend.app.websocket_core.{module} import {name}\n".encode()
        future = b"from __future__ import annotations\n"
        at = data.find(future)
        # After a `from __future__` import, which must stay first; else on top.
        at = at + len(future) if at != -1 else 0
        data = data[:at] + line + data[at:]
    if rng.random() < reshape.no_final_newline:
        data = data.rstrip(b"\n")
    return data


def _record(
    stats: RepoStats, slot: layout.Slot, pool: ThreadPoolExecutor, out_dir: Path, data: bytes
) -> Future[int]:
    """Count one generated file into `stats` and queue its write."""
    stats.bytes += len(data)
    stats.max_file_bytes = max(stats.max_file_bytes, len(data))
    stats.max_file_lines = max(stats.max_file_lines, data.count(b"\n"))
    if slot.role == "legacy":
        stats.legacy_paths.append(slot.path)
    elif slot.role == "decoy":
        stats.decoy_paths.append(slot.path)
    if slot.damage:
        stats.special_paths[slot.path] = slot.damage
        if not damage.DAMAGE[slot.damage][1]:
            stats.broken_paths.append(slot.path)
    return pool.submit((out_dir / slot.path).write_bytes, data)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--files", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--legacy-fraction", type=float, default=0.08)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--shape", choices=("generated", "real"), default="generated")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        stats = generate(args.out_dir, files=args.files, seed=args.seed,
                         legacy_fraction=args.legacy_fraction, scale=args.scale,
                         shape=args.shape)  # fmt: skip
    except (ValueError, FileExistsError) as exc:
        print(f"make_repo: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    print(
        f"wrote {stats.files} files, {stats.bytes / 1e6:.1f} MB "
        f"to {args.out_dir} in {elapsed:.2f} s"
    )
    print(f"  mean {stats.mean_file_bytes / 1e3:.1f} KB, max {stats.max_file_bytes / 1e3:.1f} KB, "
          f"longest {stats.max_file_lines} lines")  # fmt: skip
    print(f"  legacy files {stats.legacy_files} ({stats.legacy_files / stats.files:.1%}), "
          f"decoys {stats.decoy_files}, broken {stats.broken_files}, "
          f"ignored {stats.ignored_files} (venv/, node_modules/, build/)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
