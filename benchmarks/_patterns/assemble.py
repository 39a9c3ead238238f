"""Turns a planned file (a Slot) into bytes, from pooled plain chunks and legacy snippets."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from . import damage, definitions, imports, legacy, legacy_tests, plain
from .layout import MAX_FILE_BYTES, Slot
from .words import Names

POOL_SIZE = 1200
# Share of a file's bytes made of long-literal chunks. Big files get more, so line counts grow
# like sqrt(size) past ~50 KB and the ~500 KB file has ~MAX_FILE_LINES, as in the real repo.
DATA_SHARE = 0.05
MAX_FILE_LINES = 5_000

# Which snippets a file of each kind draws; secondary ones only join a primary one.
PRIMARY: dict[str, tuple[legacy.SnippetMaker, ...]] = {
    # agent_execute twice: plain `await self.emit_*` agents are the common case.
    "agent": (
        legacy.agent_execute,
        legacy.agent_concurrent,
        legacy.agent_override,
        legacy.agent_execute,
    ),
    "service": (
        legacy.agent_wiring,
        legacy.bridge_holder,
        legacy.annotated_param,
        legacy.typed_helper,
        legacy.old_unified,
        legacy.factory_and_pool,
        legacy.transparent,
        legacy.factory_emitter,
        legacy.generic_events,
        legacy.user_emitters,
    ),
    "test": (
        legacy_tests.dotted_patch_test,
        legacy_tests.patch_object_test,
        legacy_tests.mock_spec_test,
        legacy_tests.setup_method_test,
        legacy_tests.unannotated_fixture_test,
        legacy_tests.factory_emitter_test,
        legacy_tests.fake_agent_test,
    ),
}
SECONDARY: dict[str, tuple[legacy.SnippetMaker, ...]] = {
    "agent": (legacy.unclear_receivers, legacy.lazy_import, legacy.logger_name),
    "service": (legacy.unclear_receivers, legacy.lazy_import, legacy.logger_name),
    "test": (legacy_tests.module_alias_inside_test,),
}


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
        self.decks = {kind: Deck(makers, n.rng) for kind, makers in PRIMARY.items()}
        self.secondary = {kind: Deck(makers, n.rng) for kind, makers in SECONDARY.items()}

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
