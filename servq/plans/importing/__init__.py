"""The plan importer: read a plan document (text, .docx, .odt, .pdf) into a ParsedPlan.

Parsing touches no database; `servq.plans.services.import_plan` saves a ParsedPlan.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from servq.plans.importing.layout import parse_plan
from servq.plans.importing.model import ParsedIndicator, ParsedItem, ParsedPlan, ParseWarning, PlanFileError
from servq.plans.importing.readers import read_lines

__all__ = [
    "ParseWarning",
    "ParsedIndicator",
    "ParsedItem",
    "ParsedPlan",
    "PlanFileError",
    "file_sha256",
    "parse_file",
]


def parse_file(path: Path, *, max_bytes: int) -> ParsedPlan:
    lines = read_lines(path, max_bytes=max_bytes)
    try:
        return parse_plan(path.name, lines)
    except PlanFileError as error:
        message = str(error)
        raise PlanFileError(
            message if message.startswith(path.name) else f"{path.name}: {message}"
        ) from error


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
