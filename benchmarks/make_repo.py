"""Generate a deterministic synthetic monorepo, shaped like the one the toolkit migrates.

    python benchmarks/make_repo.py OUT_DIR [--files 8000] [--seed 1] [--legacy-fraction 0.08]
                                           [--scale 1.0]

The same arguments always give the same bytes. `generate()` is the API for tests and benchmarks.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

if __package__:
    from ._patterns import damage, definitions, imports, legacy, plain
    from ._patterns.words import Names
else:  # run as a script, or imported with benchmarks/ on sys.path
    from _patterns import damage, definitions, imports, legacy, plain
    from _patterns.words import Names

# The real codebase: ~7,700 files, 138 MB, mean ~18 KB, largest ~500 KB.
MEAN_FILE_BYTES = 18_000
MAX_FILE_BYTES = 500_000
SIZE_SIGMA = 1.1  # lognormal spread; gives a long tail reaching the cap at ~8,000 files
DECOY_SHARE = 0.01
MIN_FILES = 80
POOL_SIZE = 1200
# Share of a file's bytes made of long-literal chunks. Big files get more, so line counts grow
# like sqrt(size) past ~50 KB and the ~500 KB file has ~MAX_FILE_LINES, as in the real repo.
DATA_SHARE = 0.05
MAX_FILE_LINES = 5_000
WRITER_THREADS = 4  # file creation dominates and releases the GIL
AREAS = (  # (root, share of files, kind, is a package tree)
    ("netra_backend/app", 0.60, "app", True),
    ("netra_backend/tests", 0.12, "test", True),
    ("tests", 0.13, "test", True),
    ("auth_service/auth_core", 0.06, "app", True),
    ("shared", 0.04, "app", True),
    ("scripts", 0.05, "script", False),
)
FIXED_DIRS = (
    "netra_backend/app/agents/supervisor",
    "netra_backend/app/services/websocket",
    "netra_backend/app/websocket_core",
    "netra_backend/app/routes",
    "netra_backend/app/db",
    "netra_backend/app/llm",
    "netra_backend/tests/unit",
    "netra_backend/tests/integration",
    "tests/e2e",
    "tests/mission_critical",
)
MODULE_SUFFIXES = {
    "app": (
        "service",
        "utils",
        "models",
        "handlers",
        "routes",
        "schemas",
        "client",
        "manager",
        "core",
    ),
    "agent": ("agent", "tools", "prompts", "state", "executor", "sub_agent"),
    "service": ("service", "manager", "handler", "events", "client", "registry"),
}
SPECIAL = ("crlf", "bom", "latin1", "merge-conflict", "truncated", "python2-print")


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


@dataclass
class Slot:
    path: str
    kind: str  # init | app | agent | service | test | script
    size: int = 0
    role: str = "plain"  # plain | legacy | decoy
    damage: str | None = None


class Deck:
    """Deals items in shuffled rounds, so every pattern shows up before any repeats."""

    def __init__(
        self, items: Sequence[Callable[[Names], legacy.Snippet]], rng: random.Random
    ) -> None:
        self._items = list(items)
        self._rng = rng
        self._left: list[Callable[[Names], legacy.Snippet]] = []

    def draw(self) -> Callable[[Names], legacy.Snippet]:
        if not self._left:
            self._left = list(self._items)
            self._rng.shuffle(self._left)
        return self._left.pop()


def _kind(path: str, area_kind: str) -> str:
    if path.endswith("/__init__.py"):
        return "init"
    if area_kind != "app":
        return area_kind
    if "/agents/" in path:
        return "agent"
    if any(f"/{d}/" in path for d in ("services", "websocket_core", "routes")):
        return "service"
    return "app"


def plan_layout(n: Names, files: int, reserved: list[str]) -> list[Slot]:
    """Package tree with `files` .py files in all, including `reserved` paths."""
    rng = n.rng
    dirs: list[tuple[str, float, str, bool]] = []  # (dir, weight, area kind, package)
    inits: list[str] = []
    for root, share, kind, package in AREAS:
        area = [root]
        wanted = [*FIXED_DIRS, *(p.rsplit("/", 1)[0] for p in reserved)]
        for d in wanted:
            if d.startswith(root + "/"):
                _add_with_parents(area, d)
        while len(area) < max(1, round(files * share / 11)):
            parent = area[rng.randrange(len(area))]
            if parent.count("/") - root.count("/") >= 3:
                continue
            child = f"{parent}/{n.plural() if rng.random() < 0.3 else n.noun()}"
            if child not in area:
                area.append(child)
        for d in area:  # weights sum to about `share` per area
            dirs.append((d, rng.lognormvariate(0, 0.8) * share / len(area), kind, package))
        if package:
            inits += [f"{d}/__init__.py" for d in area]
            top = root.split("/")[0]
            if "/" in root and f"{top}/__init__.py" not in inits:
                inits.append(f"{top}/__init__.py")
    modules = files - len(inits) - len(reserved)
    if modules < 0:
        raise ValueError(f"--files {files} is too small for the package layout")
    taken = set(inits) | set(reserved)
    slots = [Slot(p, "init") for p in inits] + [Slot(p, _kind(p, "app")) for p in reserved]
    picks = rng.choices(range(len(dirs)), weights=[w for _, w, _, _ in dirs], k=modules)
    for index in picks:
        d, _, area_kind, _ = dirs[index]
        while True:
            path = f"{d}/{_module_name(n, d, area_kind)}.py"
            if path not in taken:
                break
        taken.add(path)
        slots.append(Slot(path, _kind(path, area_kind)))
    return sorted(slots, key=lambda s: s.path)


def _add_with_parents(area: list[str], directory: str) -> None:
    """Add `directory` and its missing parents (area[0] is the root), parents first."""
    if directory in area:
        return
    _add_with_parents(area, directory.rsplit("/", 1)[0])
    area.append(directory)


def _module_name(n: Names, directory: str, area_kind: str) -> str:
    if area_kind == "test":
        return f"test_{n.noun()}_{n.func()}"
    if area_kind == "script":
        return n.func()
    kind = "agent" if "/agents" in directory else "service" if "/services" in directory else "app"
    return f"{n.noun()}_{n.pick(MODULE_SUFFIXES[kind])}"


def assign_roles(rng: random.Random, slots: list[Slot], legacy_fraction: float) -> None:
    budget = round(len(slots) * legacy_fraction)
    fixed = [*definitions.DEFINITIONS, *definitions.REEXPORTS][:budget]
    by_path = {s.path: s for s in slots}
    for path in fixed:
        by_path[path].role = "legacy"
    free = [s for s in slots if s.kind != "init" and s.path not in definitions.DEFINITIONS]
    rng.shuffle(free)
    budget -= len(fixed)
    for name, slot in zip(SPECIAL, free, strict=False):
        slot.damage = name
        if (
            name != "python2-print" and budget > 0
        ):  # odd files are mostly ones a migration must touch
            slot.role, budget = "legacy", budget - 1
    rest = free[len(SPECIAL) :]
    buckets = {k: [s for s in rest if (s.kind if s.kind in ("agent", "test") else "other") == k]
               for k in ("agent", "test", "other")}  # fmt: skip
    wanted = {"agent": round(budget * 0.3), "test": round(budget * 0.25)}
    wanted["other"] = budget - wanted["agent"] - wanted["test"]
    chosen = []
    for kind, count in wanted.items():
        chosen += buckets[kind][:count]
        del buckets[kind][:count]
    leftovers = [s for bucket in buckets.values() for s in bucket]
    chosen += leftovers[: budget - len(chosen)]
    for slot in chosen:
        slot.role = "legacy"
    plain_slots = [s for s in rest if s.role == "plain"]
    for slot in plain_slots[: round(len(plain_slots) * DECOY_SHARE)]:
        slot.role = "decoy"


def draw_sizes(rng: random.Random, slots: list[Slot], scale: float) -> None:
    """Lognormal sizes with the real mean, capped at the real maximum; one file hits the cap."""
    sized = [s for s in slots if s.kind != "init"]
    cap = max(1, int(MAX_FILE_BYTES * scale))
    total = len(slots) * MEAN_FILE_BYTES * scale
    raw = [rng.lognormvariate(0, SIZE_SIGMA) for _ in sized]
    for _ in range(3):  # re-spread what the cap cut off
        factor = total / sum(raw)
        raw = [min(r * factor, cap) for r in raw]
    for slot, size in zip(sized, raw, strict=True):
        slot.size = int(size)
    giant = max(sized, key=lambda s: s.size)
    if giant.damage or giant.kind in ("test", "script") or giant.path in definitions.DEFINITIONS:
        candidates = [s for s in sized if s.kind == "app" and not s.damage and s.role == "plain"]
        swap = candidates[rng.randrange(len(candidates))]
        giant.size, swap.size, giant = swap.size, giant.size, swap
    giant.size = cap


class Builder:
    """Assembles file bytes from pooled chunks; one random stream keeps it deterministic."""

    def __init__(self, n: Names) -> None:
        self.n = n
        self.pools = {
            "app": self._pool(plain.APP_CHUNKS, POOL_SIZE),
            "test": self._pool(plain.TEST_CHUNKS, POOL_SIZE // 3),
            "data": self._pool(plain.DATA_CHUNKS, POOL_SIZE // 6),
        }
        self.bytes_per_line = {k: _bytes_per_line(pool) for k, pool in self.pools.items()}
        self.decks = {kind: Deck(makers, n.rng) for kind, makers in legacy.PRIMARY.items()}
        self.secondary = {kind: Deck(makers, n.rng) for kind, makers in legacy.SECONDARY.items()}

    def _pool(self, makers: tuple[Callable[[Names], str], ...], size: int) -> list[bytes]:
        pool = []
        names = [name.encode() for name in legacy.LEGACY_NAMES]
        for i in range(size):
            chunk = makers[i % len(makers)](self.n).encode()
            # Word lists are chosen so this never triggers; the check keeps plain files honest.
            if not any(name in chunk for name in names):
                pool.append(chunk)
        return pool

    def data_share(self, size: int, scale: float, test: bool) -> float:
        """Byte share of long-literal chunks that gives a file of `size` its target line count."""
        code = self.bytes_per_line["test" if test else "app"]
        data = self.bytes_per_line["data"]
        full_size = max(size / scale, 1)
        lines = MAX_FILE_LINES * (full_size / MAX_FILE_BYTES) ** 0.5
        code_share = (lines / full_size - 1 / data) / (1 / code - 1 / data)
        return max(DATA_SHARE, min(1.0, 1 - code_share))

    def build(self, slot: Slot, scale: float) -> bytes:
        n = self.n
        if slot.kind == "init" and slot.path in definitions.REEXPORTS and slot.role == "legacy":
            return definitions.REEXPORTS[slot.path].encode()
        if slot.kind == "init":
            return (
                b""
                if n.rng.random() < 0.6
                else f'"""{n.noun().capitalize()} package."""\n'.encode()
            )
        test = slot.kind == "test"
        bodies: list[bytes] = []
        extra = ""
        future = n.rng.random() < 0.4
        if slot.path in definitions.DEFINITIONS and slot.role == "legacy":
            head = definitions.DEFINITIONS[slot.path]().encode()
        else:
            if slot.role == "legacy":
                extra, bodies, needs_future = self._legacy(slot)
                future = future or needs_future
            elif slot.role == "decoy":
                name = n.pick(legacy.LEGACY_NAMES)
                bodies.append(plain.decoy_chunk(n, name).encode())
            head = plain.header(n, future=future, test=test, extra=extra).encode()
        parts = [head]
        size = len(head) + sum(len(b) + 2 for b in bodies)
        pool = self.pools["test" if test else "app"]
        data_share = self.data_share(slot.size, scale, test)
        data_bytes = 0
        while size < slot.size:
            use_data = data_bytes < data_share * size
            source = self.pools["data"] if use_data else pool
            chunk = source[n.rng.randrange(len(source))]
            room = slot.size - size
            # Keep the last chunk with probability room/len: sizes then average the target.
            if len(chunk) > room and n.rng.random() * len(chunk) > room:
                break
            parts.append(chunk)
            size += len(chunk) + 2
            data_bytes += len(chunk) if use_data else 0
        for body in bodies:
            parts.insert(n.rng.randint(1, len(parts)), body)
        if slot.kind == "script":
            parts.append(plain.script_tail(n).encode())
        data = b"\n\n".join(parts)
        if slot.damage:
            data = damage.DAMAGE[slot.damage][0](data, n.rng)
        return data

    def _legacy(self, slot: Slot) -> tuple[str, list[bytes], bool]:
        n = self.n
        category = slot.kind if slot.kind in ("agent", "test") else "service"
        count = 1 + (n.rng.random() < 0.4) + (slot.size > 30_000) + (slot.size > 120_000)
        snippets: list[legacy.Snippet] = []
        bound: dict[str, str] = {}  # name -> module: one meaning per name in a file
        for _ in range(count * 3):
            if len(snippets) == count:
                break
            snippet = self.decks[category].draw()(n)
            if all(bound.get(need.name, need.module) == need.module for need in snippet.needs):
                snippets.append(snippet)
                bound.update((need.name, need.module) for need in snippet.needs)
        snippets += [
            self.secondary[category].draw()(n) for _ in range(count) if n.rng.random() < 0.35
        ]
        package = None
        if slot.path.startswith("netra_backend/app/"):
            package = slot.path.rsplit("/", 1)[0].replace("/", ".")
        rendered = imports.render(n, [need for s in snippets for need in s.needs], package)
        extra_lines = list(dict.fromkeys(line for s in snippets for line in s.extra_imports))
        extra = "\n".join(extra_lines) + ("\n\n" if extra_lines else "") + rendered.text
        bodies = []
        for s in snippets:
            own = {
                k: v for k, v in rendered.renames.items() if any(k == need.name for need in s.needs)
            }
            bodies.append(imports.apply_renames(s.body, own).encode())
        return extra, bodies, rendered.needs_future


def _bytes_per_line(pool: list[bytes]) -> float:
    """Counting the two newlines that join chunks."""
    newlines = sum(chunk.count(b"\n") + 2 for chunk in pool)
    return (sum(map(len, pool)) + 2 * len(pool)) / newlines


IGNORED_FILES = {
    "venv/pyvenv.cfg": "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.7\n",
    "venv/lib/python3.11/site-packages/ws_helpers/__init__.py": (
        "from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge\n"
    ),
    "venv/lib/python3.11/site-packages/ws_helpers/compat.py": (
        "from netra_backend.app.agents.base_agent import BaseAgent\n\n\n"
        "class Helper(BaseAgent):\n    async def run(self) -> None:\n"
        '        await self.emit_thinking("vendored copy")\n'
    ),
    "frontend/node_modules/@netra/ws-client/python/bridge_client.py": (
        "from netra_backend.app.services.agent_websocket_bridge import (\n"
        "    create_agent_websocket_bridge,\n)\n"
        "\nBRIDGE = create_agent_websocket_bridge()\n"
    ),
    "frontend/node_modules/node-gyp/gyp/pylib/gyp/__init__.py": '"""gyp (vendored)."""\n',
    "build/lib/netra_backend/app/services/agent_websocket_bridge.py": "",  # filled below
}
ROOT_FILES = {
    ".gitignore": "# Python\n__pycache__/\n*.py[cod]\nvenv/\n.venv/\nbuild/\ndist/\n\n# Frontend\n"
    "node_modules/\n",
    "README.md": "# netra (synthetic)\n\nGenerated by benchmarks/make_repo.py.\n",
    "pyproject.toml": '[project]\nname = "netra-backend"\nrequires-python = ">=3.11"\n',
    "frontend/package.json": '{"name": "frontend", "private": true}\n',
}


def generate(
    out_dir: Path,
    *,
    files: int = 8000,
    seed: int = 1,
    legacy_fraction: float = 0.08,
    scale: float = 1.0,
) -> RepoStats:
    """Write the repo into `out_dir` (must be missing or empty) and describe what was written."""
    if files < MIN_FILES:
        raise ValueError(f"files must be at least {MIN_FILES}")
    if not 0 <= legacy_fraction <= 1 or scale <= 0:
        raise ValueError("legacy_fraction must be in [0, 1] and scale positive")
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty")
    rng = random.Random(seed)
    n = Names(rng)
    budget = round(files * legacy_fraction)
    reserved = list(definitions.DEFINITIONS)[:budget]
    slots = plan_layout(n, files, reserved)
    assign_roles(rng, slots, legacy_fraction)
    draw_sizes(rng, slots, scale)
    builder = Builder(n)
    stats = RepoStats(files=len(slots), bytes=0, legacy_files=0, broken_files=0, max_file_bytes=0,
                      mean_file_bytes=0.0)  # fmt: skip
    ignored = dict(IGNORED_FILES)
    ignored["build/lib/netra_backend/app/services/agent_websocket_bridge.py"] = (
        definitions.agent_websocket_bridge()
    )
    extras = {**ignored, **ROOT_FILES}
    # All folders first: mkdir next to concurrent file creation is several times slower.
    for folder in sorted({(out_dir / p).parent for p in [*(s.path for s in slots), *extras]}):
        folder.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(WRITER_THREADS) as pool:
        writes = [_record(stats, slot, pool, out_dir, builder.build(slot, scale)) for slot in slots]
        writes += [pool.submit((out_dir / p).write_bytes, t.encode()) for p, t in extras.items()]
        for write in writes:
            write.result()  # surface the first write error
    stats.ignored_paths = sorted(p for p in ignored if p.endswith(".py"))
    stats.legacy_files, stats.decoy_files = len(stats.legacy_paths), len(stats.decoy_paths)
    stats.broken_files, stats.ignored_files = len(stats.broken_paths), len(stats.ignored_paths)
    stats.mean_file_bytes = stats.bytes / stats.files
    return stats


def _record(
    stats: RepoStats, slot: Slot, pool: ThreadPoolExecutor, out_dir: Path, data: bytes
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
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        stats = generate(args.out_dir, files=args.files, seed=args.seed,
                         legacy_fraction=args.legacy_fraction, scale=args.scale)  # fmt: skip
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
