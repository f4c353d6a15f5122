"""Files the platform hands out: one way to name them, one way to write CSV that spreadsheets
cannot run (a cell starting with = + - @ is a formula to Excel and LibreOffice)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse, HttpResponseBase
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs: formula starts get a leading apostrophe."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def as_download(response: HttpResponseBase, filename: str, *, inline: bool = False) -> HttpResponseBase:
    """Name the file (UTF-8 names included, RFC 6266) and say whether to save or show it."""
    header = content_disposition_header(not inline, filename)
    if header:
        response["Content-Disposition"] = header
    return response


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[Any]]) -> HttpResponse:
    """A CSV download with a BOM (Excel opens UTF-8 Chinese correctly) and neutralised cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([neutralize(str(value)) for value in row] for row in rows)
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    as_download(response, filename)
    return response
