"""What the importer reads out of a plan document, before anything touches the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from servq.core.rules import parse_deadline


class PlanFileError(Exception):
    """A file the importer refuses; the message is one line naming the file and the line or row."""


@dataclass
class ParsedItem:
    path: list[str]
    text: str
    line: int
    actions: str = ""
    deadline_raw: str = ""
    units: list[str] = field(default_factory=list)
    expected_benefit: str = ""


@dataclass
class ParsedIndicator:
    name: str
    unit: str
    cumulative: bool
    targets: dict[int, Decimal]
    line: int
    item_index: int | None = None


@dataclass
class ParseWarning:
    line: int
    message: str


@dataclass
class ParsedPlan:
    title: str
    agency_name: str
    kind: str
    first_year: int
    last_year: int
    revisions: list[tuple[dt.date, str]] = field(default_factory=list)
    basis: str = ""
    goals: str = ""
    scope: str = ""
    oversight: str = ""
    steps: str = ""
    rewards: str = ""
    program_name: str = ""
    # The letter (文號 digits) the basis cites for that program, and the basis's first line.
    program_letter: str = ""
    basis_line: int = 0
    items: list[ParsedItem] = field(default_factory=list)
    indicators: list[ParsedIndicator] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The shape `import_plan --dry-run --json` prints."""
        years = (self.first_year, self.last_year)
        return {
            "plan": {
                "title": self.title,
                "agency": self.agency_name,
                "years": [self.first_year, self.last_year],
                "revised": [day.isoformat() for day, _ in self.revisions],
            },
            "items": [
                {
                    "path": item.path,
                    "text": item.text,
                    "deadline": _deadline_json(item.deadline_raw, years),
                    "units": item.units,
                    "expected_benefit": item.expected_benefit,
                }
                for item in self.items
            ],
            "warnings": [{"line": w.line, "message": w.message} for w in self.warnings],
        }


def _deadline_json(raw: str, years: tuple[int, int]) -> dict[str, Any]:
    deadline = parse_deadline(raw, years=years)
    return {
        "raw": deadline.raw,
        "kind": deadline.kind,
        "due": deadline.due.isoformat() if deadline.due else None,
    }
