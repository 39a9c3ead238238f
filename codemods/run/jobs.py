"""What the engine sends a worker and gets back: a job, the run's work, an outcome.

No LibCST here: a run answered from the cache builds jobs and reads outcomes only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from codemods.analysis.project_index import ProjectIndex
from codemods.plan import Plan
from codemods.report import Site

if TYPE_CHECKING:
    from codemods.stages.base import StageCodemod

__all__ = ["Job", "Outcome", "Work"]

Stages = list[tuple[str, "type[StageCodemod]"]]


@dataclass(frozen=True)
class Job:
    path: str  # path to open
    rel: str  # root-relative posix path, as reported
    module: str | None
    digest: str
    size: int
    # A module defining a legacy API: only codemods with `edits_definitions` touch it.
    legacy: bool = False


@dataclass
class Outcome:
    rel: str
    digest: str
    changed: bool = False
    new_text: str | None = None  # mode write: the text to write
    diff: str | None = None  # mode diff: the unified diff
    sites: list[Site] = field(default_factory=list)
    error: str | None = None
    pending: dict[str, int] = field(default_factory=dict)  # prerequisite stage -> auto sites
    cacheable: bool = True  # False when the result depends on more than the bytes
    # The file's own encoding: its diff lines are written in it, so `git apply` matches
    # the bytes of a file declared, say, `# -*- coding: latin-1 -*-`.
    diff_encoding: str = "utf-8"

    def to_json(self) -> bytes:
        doc = {
            "digest": self.digest,
            "changed": self.changed,
            "new_text": self.new_text,
            "diff": self.diff,
            "sites": [
                [s.line, s.col, s.kind, s.symbol, s.status, s.reason, s.stage] for s in self.sites
            ],
            "error": self.error,
            "pending": self.pending,
            "diff_encoding": self.diff_encoding,
        }
        return json.dumps(doc, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, rel: str, data: bytes) -> Outcome:
        doc = json.loads(data)
        sites = [Site(rel, *row) for row in doc["sites"]]
        return cls(
            rel,
            doc["digest"],
            doc["changed"],
            doc["new_text"],
            doc["diff"],
            sites,
            doc["error"],
            doc["pending"],
            diff_encoding=doc.get("diff_encoding", "utf-8"),
        )


@dataclass(frozen=True)
class Work:
    """Everything a worker needs besides the job (sent once per worker)."""

    plan: Plan
    project: ProjectIndex
    mode: str
    stages: list[tuple[str, type[StageCodemod]]]
    prerequisites: list[tuple[str, type[StageCodemod]]]
    # A codemod of the run acts on the legacy modules' names (stages.MODULE_NAMES_MATTER).
    module_names: bool = True

    def for_file(self, job: Job) -> tuple[Stages, Stages]:
        """(stages, prerequisites) that act on the job's file: a legacy module's
        definitions are edited only by codemods made for it, and its internals by none."""
        return self._split[job.legacy]

    @cached_property
    def _split(self) -> dict[bool, tuple[Stages, Stages]]:
        def acting(stages: Stages, legacy: bool) -> Stages:
            return [(n, c) for n, c in stages if getattr(c, "edits_definitions", False) == legacy]

        return {
            legacy: (acting(self.stages, legacy), acting(self.prerequisites, legacy))
            for legacy in (False, True)
        }
