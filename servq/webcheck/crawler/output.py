"""The report as JSON, CSV and JUnit XML (for CI), and as a short summary for people."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree

from servq.webcheck.crawler.model import LinkResult, Report


def broken_entry(result: LinkResult) -> dict:
    return {
        "url": result.url,
        "status": result.status,
        "error": result.error,
        "sources": [{"page": s.page, "line": s.line} for s in result.sources],
    }


def to_json(report: Report) -> str:
    return json.dumps(
        {
            "pages": report.pages,
            "links": report.links,
            "broken": [broken_entry(r) for r in report.broken],
            "redirects": [{"url": r.url, "chain": r.redirects} for r in report.redirected],
            "notes": report.notes,
            "seconds": report.seconds,
        },
        ensure_ascii=False,
        indent=2,
    )


def to_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["url", "status", "error", "page", "line"])
    for result in report.broken:
        places: list[tuple[str, int | str]] = [(s.page, s.line) for s in result.sources] or [("", "")]
        for page, line in places:
            writer.writerow([result.url, result.status or "", result.error or "", page, line])
    return buffer.getvalue()


def to_junit(report: Report) -> str:
    suite = ElementTree.Element(
        "testsuite",
        name="servq-webcheck",
        tests=str(report.links),
        failures=str(len(report.broken)),
        time=f"{report.seconds:.3f}",
    )
    for result in sorted(report.results.values(), key=lambda r: r.url):
        case = ElementTree.SubElement(suite, "testcase", classname="links", name=result.url)
        if result.broken:
            failure = ElementTree.SubElement(case, "failure", message=result.error or f"HTTP {result.status}")
            failure.text = "\n".join(f"{s.page}:{s.line}" for s in result.sources)
    return ElementTree.tostring(suite, encoding="unicode", xml_declaration=True)


def summary(report: Report) -> str:
    lines = [
        f"{report.pages} pages, {report.links} links, {len(report.broken)} broken, "
        f"{len(report.redirected)} redirected, {report.seconds:.1f} s"
    ]
    for result in report.broken:
        why = result.error or f"HTTP {result.status}"
        lines.append(f"BROKEN {result.url} ({why})")
        lines += [f"  on {s.page} line {s.line}" for s in result.sources[:5]]
    lines += [f"note: {note}" for note in report.notes]
    return "\n".join(lines)


FORMATS = {"json": to_json, "csv": to_csv, "junit": to_junit, "text": summary}
