"""Unrelated code: top-level chunks of varied shapes that never use a legacy emitter.

Every chunk is a complete top-level statement group that parses on Python 3.11 (no
3.12-only f-strings). Chunks are generated once per run into pools and reused.
"""

from __future__ import annotations

from collections.abc import Callable

from .words import Names, camel, fill

FIELD_TYPES = (
    ("str", '""'),
    ("int", "0"),
    ("float", "0.0"),
    ("bool", "False"),
    ("list[str]", "field(default_factory=list)"),
    ("dict[str, Any]", "field(default_factory=dict)"),
    ("datetime | None", "None"),
    ("Optional[UUID]", "None"),
)


def dataclass_chunk(n: Names) -> str:
    names = n.distinct(n.var, n.rng.randint(3, 8))
    lines = [f"@dataclass(frozen={n.rng.random() < 0.4}, slots=True)", f"class {n.cls()}:"]
    lines.append(f'    """{n.sentence()}."""')
    lines.append("")
    required = n.rng.randint(0, 2)
    for index, name in enumerate(names):
        type_, default = FIELD_TYPES[n.rng.randrange(len(FIELD_TYPES))]
        lines.append(f"    {name}: {type_}" + ("" if index < required else f" = {default}"))
    first, second = names[0], names[-1]
    lines += [
        "",
        "    @property",
        f"    def is_{first}_set(self) -> bool:",
        f"        return bool(self.{first}) and self.{second} is not None",
        "",
        "    def to_dict(self) -> dict[str, Any]:",
        "        return {",
        *(f'            "{name}": self.{name},' for name in names),
        "        }",
    ]
    return "\n".join(lines) + "\n"


def service_class_chunk(n: Names) -> str:
    repo, item, fn1, fn2 = n.cls(), n.noun(), n.func(), n.func()
    return fill(
        '''class $cls:
    """$doc.

    Keeps a small in-process cache in front of the repository; entries expire after
    ``ttl_seconds``.
    """

    def __init__(self, repository: $repo, *, ttl_seconds: float = $ttl) -> None:
        self._repository = repository
        self._ttl = ttl_seconds
        self._cache: dict[str, tuple[float, Any]] = {}
        self._hits = 0

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> "$cls":
        return cls($repo(settings["dsn"]), ttl_seconds=float(settings.get("ttl", $ttl)))

    @staticmethod
    def _key(tenant_id: str, ${item}_id: str) -> str:
        return f"{tenant_id}:{${item}_id}"

    def $fn1(self, tenant_id: str, ${item}_id: str) -> Any | None:
        key = self._key(tenant_id, ${item}_id)
        cached = self._cache.get(key)
        if cached and time.monotonic() - cached[0] < self._ttl:
            self._hits += 1
            return cached[1]
        value = self._repository.get(tenant_id, ${item}_id)
        self._cache[key] = (time.monotonic(), value)
        return value

    async def $fn2(self, tenant_id: str, ids: Iterable[str]) -> dict[str, Any]:
        results = {}
        for ${item}_id in ids:
            try:
                results[${item}_id] = await asyncio.to_thread(self.$fn1, tenant_id, ${item}_id)
            except KeyError:
                logger.debug("missing %s %s for %s", "$item", ${item}_id, tenant_id)
        return {k: v for k, v in results.items() if v is not None}
''',
        cls=n.cls(),
        doc=n.sentence(),
        repo=repo,
        ttl=n.number(5, 900),
        item=item,
        fn1=fn1,
        fn2=fn2 if fn2 != fn1 else fn2 + "_many",
    )


def async_function_chunk(n: Names) -> str:
    return fill(
        '''async def $fn(
    client: httpx.AsyncClient, $var: str, *, attempts: int = $tries
) -> dict[str, Any]:
    """Fetch one $noun, retrying transient failures with backoff."""
    delay = $delay
    for attempt in range(1, attempts + 1):
        try:
            request = client.get(f"/api/v1/${noun}s/{$var}")
            response = await asyncio.wait_for(request, timeout=$timeout)
            response.raise_for_status()
            return response.json()
        except (httpx.TransportError, asyncio.TimeoutError) as exc:
            logger.warning(f"attempt {attempt}/{attempts} for {$var!r}: {exc} — $phrase")
            if attempt == attempts:
                raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, $cap)
    return {}
''',
        fn=n.func(),
        var=f"{n.noun()}_id",
        noun=n.noun(),
        tries=n.number(2, 6),
        delay=n.ratio(),
        timeout=n.number(2, 30),
        phrase=n.phrase(),
        cap=n.number(5, 60),
    )


def typed_function_chunk(n: Names) -> str:
    item, key = n.noun(), n.var()
    return fill(
        '''def $fn(
    ${item}s: Sequence[Mapping[str, Any]],
    *,
    min_score: float = $ratio,
    limit: int | None = None,
) -> list[tuple[str, float]]:
    """Rank ${item}s by weighted score.

    Args:
        ${item}s: raw rows as returned by the repository.
        min_score: rows scoring below this are dropped.
        limit: keep at most this many rows (all when None).

    Returns:
        (identifier, score) pairs, best first.
    """
    scored = (
        (str(row["id"]), float(row.get("$key", 0)) * $weight + len(row.get("tags", ())) / $div)
        for row in ${item}s
        if row.get("id") is not None
    )
    ranked = sorted((pair for pair in scored if pair[1] >= min_score), key=lambda p: -p[1])
    if (count := len(ranked)) > $warn:
        logger.info("ranking %d ${item}s", count)
    return ranked[:limit] if limit is not None else ranked
''',
        fn=n.func(),
        item=item,
        key=key,
        ratio=n.ratio(),
        weight=n.ratio(),
        div=n.number(2, 20),
        warn=n.number(100, 10_000),
    )


def enum_chunk(n: Names) -> str:
    members = n.distinct(n.var, n.rng.randint(3, 9))
    body = "\n".join(f'    {m.upper()} = "{m}"' for m in members)
    name = camel(n.noun()) + n.pick(("Status", "Kind", "Tier", "Phase"))
    return fill(
        '''class $name(str, Enum):
    """Values stored in the ``$column`` column."""

$body

    @classmethod
    def parse(cls, raw: str) -> "$name":
        try:
            return cls(raw.strip().lower())
        except ValueError:
            return cls.$first
''',
        name=name,
        column=n.noun() + "_status",
        body=body,
        first=members[0].upper(),
    )


def route_chunk(n: Names) -> str:
    noun = n.noun()
    return fill(
        """@router.get("/${noun}s/{${noun}_id}", response_model=$model)
async def read_$noun(
    ${noun}_id: UUID,
    db: AsyncSession = Depends(get_db),
    current_user: User = Depends(get_current_user),
) -> $model:
    row = await db.get(${model}Row, ${noun}_id)
    if row is None or row.tenant_id != current_user.tenant_id:
        raise HTTPException(status_code=404, detail="$noun not found")
    return $model.model_validate(row)


@router.post("/${noun}s", status_code=201)
async def create_$noun(
    payload: ${model}Create, db: AsyncSession = Depends(get_db)
) -> dict[str, str]:
    row = ${model}Row(**payload.model_dump(exclude_unset=True))
    db.add(row)
    await db.commit()
    logger.info("created $noun %s — %s", row.id, "$phrase")
    return {"id": str(row.id)}
""",
        noun=noun,
        model=camel(noun),
        phrase=n.phrase(),
    )


def backslash_chunk(n: Names) -> str:
    a, b, c = n.distinct(n.var, 3)
    return fill(
        """def $fn($a: int, $b: int, $c: int, path: str = "$path") -> bool:
    total = $a + \\
        $b + \\
        $c
    if total > $limit and \\
            $a != $b:
        return True
    with open(path, encoding="utf-8") as source, \\
            open(path + ".bak", "w", encoding="utf-8") as backup:
        backup.write(source.read())
    message = "line one of a long message that keeps going " \\
              "and continues on the next line"
    return bool(message) and total % $mod == 0
""",
        fn=n.func(),
        a=a,
        b=b,
        c=c,
        path=f"/var/lib/{n.noun()}/{n.noun()}.json",
        limit=n.number(),
        mod=n.number(2, 9),
    )


def match_chunk(n: Names) -> str:
    return fill(
        """def $fn(event: Mapping[str, Any]) -> str:
    match event:
        case {"type": "$t1", "id": str(ident)}:
            return f"$t1:{ident}"
        case {"type": "$t2", "items": [first, *rest]}:
            return f"{first} (+{len(rest)})"
        case {"type": str(kind)} if kind.startswith("$prefix"):
            return kind.removeprefix("$prefix")
        case _:
            return "unknown"
""",
        fn=n.func(),
        t1=n.noun() + "_created",
        t2=n.noun() + "_batch",
        prefix=n.noun() + ".",
    )


def generic_chunk(n: Names) -> str:
    cls = n.cls()
    return fill(
        '''T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


class Supports$proto(Protocol):
    def $method(self, key: str) -> Awaitable[bytes | None]: ...


class $cls(Generic[K, T]):
    """Bounded LRU keyed by ``K``; evicts the least recently used entry."""

    def __init__(self, capacity: int = $cap) -> None:
        self._data: OrderedDict[K, T] = OrderedDict()
        self._capacity = capacity

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: K, default: T | None = None) -> T | None:
        if key in self._data:
            self._data.move_to_end(key)
            return self._data[key]
        return default

    def put(self, key: K, value: T) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self._capacity:
            self._data.popitem(last=False)
''',
        proto=camel(n.noun()),
        method=n.func(),
        cls=cls,
        cap=n.number(16, 4096),
    )


def fstring_chunk(n: Names) -> str:
    return fill(
        '''def $fn(row: Mapping[str, Any], items: Sequence[str], ratio: float, ok: bool) -> str:
    # Single-quoted keys inside double-quoted f-strings: the 3.11 grammar allows only this.
    header = f"{row['name']!r:>20} | {row.get('count', 0):>6,d} | {ratio:.1%}"
    joined = f'{", ".join(items)}'
    state = f"{'✅' if ok else '❌'} $phrase"
    nested = f"{f'{ratio:.2f}'} €"
    raw = rf"C:\\reports\\{row['name']}\\{len(items)}"
    block = f"""
    {header}
    {joined} — {state} {nested}
    """
    return block + raw
''',
        fn="format_" + n.noun(),
        phrase=n.pick(("fertig", "terminé", "完了", "готово", "done 🎉")),
    )


def contextmanager_chunk(n: Names) -> str:
    return fill(
        """@contextmanager
def $fn(name: str, *, warn_after: float = $warn) -> Iterator[dict[str, float]]:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    try:
        yield timings
    finally:
        timings[name] = elapsed = time.perf_counter() - started
        if elapsed > warn_after:
            logger.warning("%s took %.3fs (%s)", name, elapsed, "$phrase")
""",
        fn="timed_" + n.noun(),
        warn=n.ratio(),
        phrase=n.phrase(),
    )


def exceptions_chunk(n: Names) -> str:
    root = camel(n.noun()) + "Error"
    subs = []
    for sub in n.distinct(n.noun, 3):
        state = n.pick(("missing", "invalid", "locked", "expired"))
        subs.append(
            f"class {camel(sub)}{root}({root}):\n"
            f'    """Raised when the {sub} is {state}."""\n\n'
            f"    code = {n.number(1000, 9999)}"
        )
    return fill(
        '''class $root(Exception):
    """Base of the $noun failures; carries a machine-readable ``code``."""

    code = 1000

    def __init__(self, message: str = "", *, detail: Mapping[str, Any] | None = None) -> None:
        super().__init__(message or self.__doc__)
        self.detail = dict(detail or {})


$body
''',
        root=root,
        noun=n.noun(),
        body="\n\n\n".join(subs),
    )


def decorator_chunk(n: Names) -> str:
    return fill(
        '''def $deco(
    times: int = $times, *, exceptions: tuple[type[BaseException], ...] = (OSError,)
):
    """Retry an async callable ``times`` times on the given exceptions."""

    def decorate(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(fn)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            for attempt in range(times):
                try:
                    return await fn(*args, **kwargs)
                except exceptions:
                    if attempt == times - 1:
                        raise
                    await asyncio.sleep(0.1 * 2**attempt)
            raise AssertionError("unreachable")

        return wrapper

    return decorate


@$deco(times=$times2)
@functools.lru_cache(maxsize=$cache)
async def $fn(key: str) -> bytes:
    return key.encode("utf-8")
''',
        deco=n.pick(("retrying", "with_retries", "resilient", "backoff")),
        times=n.number(2, 5),
        times2=n.number(2, 5),
        cache=n.number(32, 1024),
        fn=n.func(),
    )


def orm_chunk(n: Names) -> str:
    noun = n.noun()
    return fill(
        """class ${cls}Row(Base):
    __tablename__ = "${noun}s"
    __table_args__ = (UniqueConstraint("tenant_id", "slug", name="uq_${noun}_slug"),)

    id = Column(PgUUID(as_uuid=True), primary_key=True, default=uuid4)
    tenant_id = Column(String(64), nullable=False, index=True)
    slug = Column(String($len), nullable=False)
    $col = Column(Numeric(12, 4), default=0)
    created_at = Column(DateTime(timezone=True), server_default=func.now())
    payload = Column(JSONB, nullable=False, default=dict)

    def __repr__(self) -> str:
        return f"<${cls}Row {self.slug!r} tenant={self.tenant_id}>"
""",
        cls=camel(noun),
        noun=noun,
        len=n.number(32, 255),
        col=n.var(),
    )


def pydantic_chunk(n: Names) -> str:
    a, b, c = n.distinct(n.var, 3)
    return fill(
        """class $cls(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    $a: str = Field(..., min_length=1, description="$phrase")
    $b: int = Field($num, ge=0, le=$max)
    $c: list[str] = Field(default_factory=list)
    note: str | None = Field(None, description="Optional — $intl")

    @field_validator("$a")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()
""",
        cls=n.cls().replace("Config", "") + "Payload",
        a=a,
        b=b,
        c=c,
        phrase=n.phrase(),
        num=n.number(0, 10),
        max=n.number(100, 100_000),
        intl=n.pick(("Beschreibung", "description libre", "説明", "описание")),
    )


def comment_block_chunk(n: Names) -> str:
    return fill(
        """# ---------------------------------------------------------------------------
# $title
#
# The numbers below come from the $noun load test; keep them in sync with the
# dashboards. TODO($who): move to settings once the rollout is done.
# ---------------------------------------------------------------------------
$const = $value  # $phrase
${const}_FALLBACK = $const // 2
""",
        title=n.sentence(),
        noun=n.noun(),
        who=n.pick(("ops", "platform", "billing", "ml")),
        const=n.const(),
        value=n.number(10, 100_000),
        phrase=n.phrase(),
    )


def data_chunk(n: Names) -> str:
    """A long literal; its lines are long, as in the real repo's biggest modules."""
    rows = []
    for _ in range(n.rng.randint(10, 40)):
        key = f"{n.noun()}_{n.number(1, 9999)}"
        tags = ", ".join(f'"{n.noun()}"' for _ in range(n.rng.randint(1, 4)))
        rows.append(
            f'    "{key}": {{"label": "{n.phrase()}", "threshold": {n.ratio()}, '
            f'"tags": ({tags},), "region": "{n.pick(("us", "eu", "apac"))}", '
            f'"weight": {n.number(1, 100)}}},'
        )
    name = n.const()
    return f"{name}: dict[str, dict[str, Any]] = {{\n" + "\n".join(rows) + "\n}\n"


def long_string_chunk(n: Names) -> str:
    noun = n.noun()
    columns = ", ".join(f"{noun}.{n.var()}" for _ in range(n.rng.randint(4, 12)))
    return fill(
        '''${const}_SQL = """
SELECT $columns
FROM ${noun}s AS $noun
JOIN tenants AS t ON t.id = ${noun}.tenant_id
WHERE ${noun}.created_at >= %(since)s AND t.tier IN ('pro', 'enterprise')
  AND ${noun}.deleted_at IS NULL
ORDER BY ${noun}.created_at DESC
LIMIT $limit
"""

${const}_PROMPT = (
    "You are an assistant that explains $noun costs to a finance team. "
    "Answer in the user's language (e.g. «$intl»), cite the numbers you were given, "
    "and never invent figures that are not in the context."
)
''',
        const=n.const(),
        columns=columns,
        noun=noun,
        limit=n.number(10, 5000),
        intl=n.pick(("Kosten pro Monat", "coût mensuel", "月額費用", "стоимость")),
    )


def pytest_chunk(n: Names) -> str:
    fn, noun = n.func(), n.noun()
    return fill(
        """@pytest.fixture
def $noun() -> dict[str, Any]:
    return {"id": "$noun-$num", "tenant_id": "t-$num", "score": $ratio, "name": "$intl"}


def test_${fn}_keeps_the_tenant($noun: dict[str, Any]) -> None:
    result = $fn(dict($noun))
    assert result["tenant_id"] == $noun["tenant_id"]
    assert "score" in result


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", None),
        ("  $noun  ", "$noun"),
        ("ÄÖÜ", "äöü"),
    ],
)
def test_${fn}_normalises_names(raw: str, expected: str | None) -> None:
    assert normalise_name(raw) == expected


def test_${fn}_rejects_negative_limits() -> None:
    with pytest.raises(ValueError, match="limit"):
        $fn({"limit": -$num})
""",
        fn=fn,
        noun=noun,
        num=n.number(),
        ratio=n.ratio(),
        intl=n.pick(("Zoë", "José", "Łukasz", "渡辺", "Дмитрий")),
    )


def pytest_class_chunk(n: Names) -> str:
    cls, noun = n.cls(), n.noun()
    return fill(
        """class Test$cls:
    def setup_method(self) -> None:
        self.repository = Mock(spec=$cls)
        self.repository.get.return_value = {"id": "$noun-1", "value": $num}
        self.notifier = AsyncMock()

    def test_get_uses_the_repository(self) -> None:
        service = ${cls}Facade(self.repository, notifier=self.notifier)
        assert service.get("$noun-1")["value"] == $num
        self.repository.get.assert_called_once_with("$noun-1")

    def test_refresh_notifies_once(self) -> None:
        service = ${cls}Facade(self.repository, notifier=self.notifier)
        asyncio.run(service.refresh("$noun-1"))
        self.notifier.send.assert_awaited_once()
""",
        cls=cls,
        noun=noun,
        num=n.number(),
    )


def script_tail(n: Names) -> str:
    return fill(
        """def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="$phrase")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--limit", type=int, default=$limit)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    logger.info("starting (dry_run=%s, limit=%d)", args.dry_run, args.limit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
""",
        phrase=n.sentence(),
        limit=n.number(10, 10_000),
    )


HEADER_IMPORTS = (
    "import asyncio",
    "import functools",
    "import json",
    "import logging",
    "import time",
    "from collections import OrderedDict",
    "from collections.abc import Awaitable, Callable, Hashable, Iterable, Iterator",
    "from collections.abc import Mapping, Sequence",
    "from contextlib import contextmanager",
    "from dataclasses import dataclass, field",
    "from datetime import datetime, timezone",
    "from enum import Enum",
    "from typing import Any, Generic, Optional, ParamSpec, Protocol, TypeVar",
    "from uuid import UUID, uuid4",
)
THIRD_PARTY = (
    "import httpx",
    "from fastapi import APIRouter, Depends, HTTPException",
    "from pydantic import BaseModel, ConfigDict, Field, field_validator",
    "from sqlalchemy import Column, DateTime, Numeric, String, UniqueConstraint, func",
    "from sqlalchemy.dialects.postgresql import JSONB",
    "from sqlalchemy.dialects.postgresql import UUID as PgUUID",
    "from sqlalchemy.ext.asyncio import AsyncSession",
)
PROJECT_IMPORTS = (
    "from netra_backend.app.core.config import get_settings",
    "from netra_backend.app.db.session import Base, get_db",
    "from netra_backend.app.auth.dependencies import User, get_current_user",
    "from netra_backend.app.services.user_execution_context import UserExecutionContext",
)
TEST_STDLIB = (
    "import asyncio",
    "import logging",
    "from typing import Any",
    "from unittest import mock",
    "from unittest.mock import AsyncMock, Mock, patch",
)


def header(n: Names, *, future: bool, test: bool, extra: str = "") -> str:
    """Docstring and import groups; `extra` (e.g. legacy imports) is the last group.

    Every name the chunks use is imported, so the files also read as real modules.
    """
    role = n.pick(("helpers", "service", "routes", "tests"))
    groups = [f'"""{n.sentence()} ({n.noun()} {role})."""']
    if future:
        groups.append("from __future__ import annotations")
    if test:
        groups += ["\n".join(TEST_STDLIB), "import pytest"]
    else:
        project = [line for line in PROJECT_IMPORTS if n.rng.random() < 0.5]
        groups += ["\n".join(HEADER_IMPORTS), "\n".join(THIRD_PARTY), "\n".join(project)]
    groups.append(extra.strip("\n"))
    tail = ["logger = logging.getLogger(__name__)"]
    if not test:
        tail += [
            f'router = APIRouter(prefix="/api/v1", tags=["{n.noun()}"])',
            'P = ParamSpec("P")',
            'R = TypeVar("R")',
        ]
    groups.append("\n".join(tail))
    return "\n\n".join(group for group in groups if group) + "\n"


APP_CHUNKS: tuple[Callable[[Names], str], ...] = (
    dataclass_chunk,
    service_class_chunk,
    async_function_chunk,
    typed_function_chunk,
    enum_chunk,
    route_chunk,
    backslash_chunk,
    match_chunk,
    generic_chunk,
    fstring_chunk,
    contextmanager_chunk,
    exceptions_chunk,
    decorator_chunk,
    orm_chunk,
    pydantic_chunk,
    comment_block_chunk,
    long_string_chunk,
)
TEST_CHUNKS: tuple[Callable[[Names], str], ...] = (
    pytest_chunk,
    pytest_class_chunk,
    dataclass_chunk,
    fstring_chunk,
)
DATA_CHUNKS: tuple[Callable[[Names], str], ...] = (data_chunk, long_string_chunk)

# Decoys mention a legacy name only in a comment or an unrelated string: a byte
# prefilter lets them through, a real scan must find nothing in them.
DECOY_TEMPLATES = (
    "# Unlike the retired $name, this worker never pushes anything to the browser.\n"
    "WORKER_PUSHES_EVENTS = False\n",
    '_MIGRATION_NOTE = "docs/migrations.md explains why $name is gone"\n',
    "def ${fn}_help() -> str:\n"
    "    return \"Search the wiki for '$name' to read the old design.\"\n",
    "# TODO(platform): $name is mentioned in the runbook; update the screenshots.\n"
    "RUNBOOK_REV = $num\n",
)


def decoy_chunk(n: Names, legacy_name: str) -> str:
    template = DECOY_TEMPLATES[n.rng.randrange(len(DECOY_TEMPLATES))]
    return fill(template, name=legacy_name, fn=n.func(), num=n.number())


__all__ = ["APP_CHUNKS", "DATA_CHUNKS", "TEST_CHUNKS", "decoy_chunk", "header", "script_tail"]
