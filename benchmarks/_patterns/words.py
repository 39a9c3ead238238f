"""Word lists and identifier makers for generated code.

Nothing here may spell a legacy emitter name: plain files are built from these words and
must stay invisible to a byte prefilter. (No "base", "emitter", "bridge" or "unified".)
"""

from __future__ import annotations

import random
from collections.abc import Callable
from string import Template

NOUNS = (
    "user", "thread", "message", "invoice", "quota", "session", "tenant", "workflow",
    "report", "metric", "cache", "token", "billing", "corpus", "pipeline", "schedule",
    "account", "payment", "document", "prompt", "completion", "embedding", "vector",
    "index", "supply", "demand", "forecast", "budget", "alert", "incident", "audit",
    "permission", "role", "team", "project", "dataset", "trace", "span", "request",
    "response", "setting", "feature", "webhook", "subscription", "usage", "limit",
    "cluster", "node", "job", "task", "queue", "worker", "notification", "channel",
    "connection", "credential", "region", "latency", "cost", "recommendation", "insight",
    "summary", "goal", "action", "step", "snapshot", "artifact", "ledger", "catalog",
)  # fmt: skip
VERBS = (
    "get", "fetch", "load", "build", "create", "update", "delete", "sync", "resolve",
    "compute", "validate", "render", "parse", "normalize", "merge", "apply", "refresh",
    "collect", "publish", "retry", "archive", "export", "score", "rank", "filter",
    "aggregate", "summarize", "estimate", "reconcile", "dispatch", "enqueue", "prune",
    "hydrate", "serialize", "register", "expire", "throttle", "lookup",
)  # fmt: skip
ADJECTIVES = (
    "active", "pending", "stale", "cached", "remote", "local", "default", "primary",
    "secondary", "batch", "partial", "raw", "scoped", "shared", "daily", "hourly",
    "global", "internal", "external", "recent", "archived", "weighted", "effective",
)  # fmt: skip
CLASS_SUFFIXES = (
    "Service", "Manager", "Repository", "Client", "Handler", "Processor", "Builder",
    "Registry", "Policy", "Validator", "Scheduler", "Resolver", "Adapter", "Store",
    "Gateway", "Controller", "Monitor", "Tracker", "Formatter", "Collector", "Config",
)  # fmt: skip
# Strings a real backend logs or shows users; several are non-ASCII on purpose.
INTL_PHRASES = (
    "Größe überschritten", "Änderungen gespeichert ✅", "Échec de la connexion",
    "Données mises à jour", "Обработка завершена", "Ошибка авторизации",
    "処理が完了しました", "データを読み込み中…", "请稍候", "¡Listo! 🎉",
    "🚀 deployment started", "⚠️ quota almost used", "🔍 analysing costs",
    "💡 new recommendation", "✨ optimisation ready", "🧠 reasoning…", "Café au lait ☕",
    "naïve façade — résumé", "Ångström → µm", "≥ 95 % SLA",
)  # fmt: skip
ENGLISH_PHRASES = (
    "could not reach the upstream service", "request took longer than expected",
    "falling back to the cached value", "retrying with exponential backoff",
    "skipping record without identifier", "tenant has no active subscription",
    "the budget for this month is exhausted", "recomputed the forecast window",
    "nothing to do for this batch", "permission denied for this workspace",
    "received an empty payload", "scheduled the next run", "dropping duplicate event",
)  # fmt: skip
AGENT_NAMES = (
    "triage", "data_helper", "optimizations_core", "reporting", "supply_researcher",
    "synthetic_data", "corpus_admin", "goals_triage", "actions_to_meet_goals",
    "cost_analyst", "summary_writer", "quality_reviewer",
)  # fmt: skip
TOOL_NAMES = (
    "search_corpus", "fetch_metrics", "run_sql", "summarize_usage", "cost_analyzer",
    "latency_profiler", "vector_lookup", "plan_generator", "web_search", "read_file",
)  # fmt: skip
SERVICE_NAMES = ("llm", "postgres", "redis", "clickhouse", "auth", "vector_store", "billing")
REGIONS = ("us-east-1", "eu-west-1", "ap-south-1", "eu-central-1")


def fill(template: str, **values: object) -> str:
    """Substitute ``$name`` placeholders; a missing one is a bug in the pattern, so raise."""
    return Template(template).substitute({k: str(v) for k, v in values.items()})


def camel(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


class Names:
    """Draws identifiers and literals from one random stream (so output follows the seed)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, options: tuple[str, ...]) -> str:
        return options[self.rng.randrange(len(options))]

    def noun(self) -> str:
        return self.pick(NOUNS)

    def plural(self) -> str:
        noun = self.noun()
        return (
            noun[:-1] + "ies"
            if noun.endswith("y")
            else noun + ("es" if noun.endswith("s") else "s")
        )

    def func(self) -> str:
        if self.rng.random() < 0.4:
            return f"{self.pick(VERBS)}_{self.pick(ADJECTIVES)}_{self.noun()}"
        return f"{self.pick(VERBS)}_{self.noun()}"

    def var(self) -> str:
        if self.rng.random() < 0.3:
            return f"{self.pick(ADJECTIVES)}_{self.noun()}"
        return self.noun()

    def cls(self) -> str:
        prefix = camel(self.noun())
        if self.rng.random() < 0.35:
            prefix = camel(self.pick(ADJECTIVES)) + prefix
        return prefix + self.pick(CLASS_SUFFIXES)

    def const(self) -> str:
        kind = self.pick(("LIMIT", "MAP", "KEYS", "TTL"))
        return f"{self.pick(ADJECTIVES)}_{self.noun()}_{kind}".upper()

    def distinct(self, make: Callable[[], str], count: int) -> list[str]:
        """`count` different names from `make` (one of this class's makers)."""
        seen: list[str] = []
        while len(seen) < count:
            name = make()
            if name not in seen:
                seen.append(name)
        return seen

    def phrase(self) -> str:
        if self.rng.random() < 0.3:
            return self.pick(INTL_PHRASES)
        return self.pick(ENGLISH_PHRASES)

    def sentence(self) -> str:
        phrase = self.phrase()
        return phrase[0].upper() + phrase[1:]

    def number(self, low: int = 1, high: int = 500) -> int:
        return self.rng.randint(low, high)

    def ratio(self) -> float:
        return round(self.rng.uniform(0.05, 0.95), 2)

    def agent(self) -> str:
        return self.pick(AGENT_NAMES)

    def tool(self) -> str:
        return self.pick(TOOL_NAMES)
