"""TEMPORARY interface placeholder until the rules branch lands (replaced wholesale at merge)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Deadline:
    raw: str
    kind: str = "text"
    due: dt.date | None = None
    start: dt.date | None = None
    every: str | None = None
    milestones: tuple = field(default_factory=tuple)

    @property
    def meaning(self) -> str:
        return self.raw

    def as_dict(self) -> dict[str, Any]:
        return {"raw": self.raw, "kind": self.kind, "due": self.due.isoformat() if self.due else None}


def parse_deadline(raw: str, *, years: tuple[int, int] | None = None) -> Deadline:
    return Deadline(raw=raw.strip())
