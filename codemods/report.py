"""Sites and reports: what a run found, did and could not do.

A Site is one place in the code that uses a legacy API. Its status is `auto`
when a stage of the plan rewrites it and `manual` when it will not, in which
case `reason` tells the developer what to do.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

AUTO = "auto"
MANUAL = "manual"

# Site kinds, as they appear in JSON output.
KINDS = (
    "import",
    "call",
    "constructor",
    "string",
    "attribute",
    "annotation",
    "definition",
    "reference",
)


@dataclass(frozen=True, order=True)
class Site:
    path: str  # root-relative posix path
    line: int
    col: int  # 1-based, as editors and GitHub annotations count
    kind: str
    symbol: str  # what is used, e.g. "AgentWebSocketBridge.notify_tool_executing"
    status: str  # AUTO or MANUAL
    reason: str = ""  # for MANUAL: what the developer should do; for AUTO: what the stage does
    stage: str = ""  # the stage that rewrites it (AUTO) or reported it (MANUAL)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FileError:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


@dataclass
class Report:
    sites: list[Site] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files_scanned: int = 0
    files_parsed: int = 0  # candidates the stages ran on (not answered by the cache)
    files_cached: int = 0  # candidates answered by the result cache
    files_changed: list[str] = field(default_factory=list)
    diffs: dict[str, str] = field(default_factory=dict)  # path -> unified diff text
    diff_encodings: dict[str, str] = field(default_factory=dict)  # path -> its encoding

    @property
    def files_failed(self) -> int:
        return len(self.errors)

    def summary(self) -> dict[str, Any]:
        return {
            "kind": dict(sorted(Counter(s.kind for s in self.sites).items())),
            "status": dict(sorted(Counter(s.status for s in self.sites).items())),
            "files_scanned": self.files_scanned,
            "files_failed": self.files_failed,
        }
