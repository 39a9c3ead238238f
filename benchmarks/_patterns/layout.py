"""The plan of the repo: where each file goes, what it holds (role, damage) and its size."""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import definitions
from .words import Names

# The real codebase: ~7,700 files, 138 MB, mean ~18 KB, largest ~500 KB.
MEAN_FILE_BYTES = 18_000
MAX_FILE_BYTES = 500_000
SIZE_SIGMA = 1.1  # lognormal spread; gives a long tail reaching the cap at ~8,000 files
DECOY_SHARE = 0.01
MIN_FILES = 80
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
class Slot:
    path: str
    kind: str  # init | app | agent | service | test | script
    size: int = 0
    role: str = "plain"  # plain | legacy | decoy
    damage: str | None = None


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
    """Mark legacy, decoy and damaged files; definitions and re-exports come first."""
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
        # Odd files are mostly ones a migration must touch, so the tool meets them.
        if name != "python2-print" and budget > 0:
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


def reserved_paths(files: int, legacy_fraction: float) -> list[str]:
    """Legacy definition modules the layout must hold (the first ones of the legacy budget)."""
    return list(definitions.DEFINITIONS)[: round(files * legacy_fraction)]
