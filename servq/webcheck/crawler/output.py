"""The report as JSON, CSV, JUnit XML and SARIF (for CI and code-scanning tools), and as a short
summary for people; and the baseline a CI run compares itself with, so it reports what is new."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import socket
from urllib.parse import quote
from xml.etree import ElementTree

from servq.webcheck.crawler.model import LinkResult, Report


def broken_entry(result: LinkResult) -> dict:
    return {
        "url": result.url,
        "status": result.status,
        "error": result.error,
        "sources": [{"page": s.page, "line": s.line} for s in result.sources],
        **({"more_sources": result.more_sources} if result.more_sources else {}),
    }


def to_json(report: Report) -> str:
    return json.dumps(
        {
            "pages": report.pages,
            "links": report.links,
            "broken": [broken_entry(r) for r in report.broken],
            "unverified": [broken_entry(r) for r in report.unverified],
            "mixed_content": [
                {"url": url, "sources": [{"page": s.page, "line": s.line} for s in sources]}
                for url, sources in sorted(report.mixed_content.items())
            ],
            "redirects": [{"url": r.url, "chain": r.redirects} for r in report.redirected],
            "link_accessibility": {
                rule: [{"page": page, "line": line, "link": link} for page, line, link in found]
                for rule, found in sorted(report.link_issues.items())
            },
            "certificates": [
                {"host": host, "problem": why} for host, why in sorted(report.certificates.items())
            ],
            "notes": report.notes,
            "seconds": report.seconds,
        },
        ensure_ascii=False,
        indent=2,
    )


def to_csv(report: Report) -> str:
    """CSV with a byte-order mark, so Excel opens the Chinese page names as UTF-8 (issue 36.3)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(["url", "status", "error", "page", "line"])
    for result in report.broken:
        places: list[tuple[str, int | str]] = [(s.page, s.line) for s in result.sources] or [("", "")]
        for page, line in places:
            writer.writerow([result.url, result.status or "", result.error or "", page, line])
    return buffer.getvalue()


def to_junit(report: Report) -> str:
    # Every attribute the strict JUnit schema requires (issue 36.3): errors, timestamp, hostname,
    # a time per test (a link's own time is not kept: 0), and a failure type.
    suite = ElementTree.Element(
        "testsuite",
        name="servq-webcheck",
        tests=str(report.links),
        failures=str(len(report.broken)),
        errors="0",
        time=f"{report.seconds:.3f}",
        timestamp=dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None).isoformat(),
        hostname=socket.gethostname() or "localhost",
    )
    for result in sorted(report.results.values(), key=lambda r: r.url):
        case = ElementTree.SubElement(suite, "testcase", classname="links", name=result.url, time="0")
        if result.broken:
            failure = ElementTree.SubElement(
                case, "failure", message=result.error or f"HTTP {result.status}", type="BrokenLink"
            )
            failure.text = "\n".join(f"{s.page}:{s.line}" for s in result.sources)
    return ElementTree.tostring(suite, encoding="unicode", xml_declaration=True)


def summary(report: Report) -> str:
    lines = [
        f"{report.pages} pages, {report.links} links, {len(report.broken)} broken, "
        f"{len(report.unverified)} could not be verified, {len(report.redirected)} redirected, "
        f"{report.seconds:.1f} s"
    ]
    for result in report.broken:
        why = result.error or f"HTTP {result.status}"
        lines.append(f"BROKEN {result.url} ({why})")
        lines += [f"  on {s.page} line {s.line}" for s in result.sources[:5]]
    for result in report.unverified:
        why = "bot challenge" if result.challenge else result.error or f"HTTP {result.status}"
        lines.append(f"UNVERIFIED {result.url} ({why})")
    for url, sources in sorted(report.mixed_content.items()):
        lines.append(f"MIXED CONTENT {url} on {sources[0].page} line {sources[0].line}")
    lines += [f"CERTIFICATE {host}: {why}" for host, why in sorted(report.certificates.items())]
    lines += [f"note: {note}" for note in report.notes]
    return "\n".join(lines)


SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
RULES = {
    "broken-link": "A link or resource that answers an error or cannot be reached",
    "unverified-link": "A link the checker was kept out of (login, bot challenge, rate limit, slow host)",
    "mixed-content": "An http: resource on an https page",
    "certificate": "A host whose certificate is expired, for another name, untrusted or expiring soon",
}


def to_sarif(report: Report) -> str:
    """SARIF 2.1.0: one result per place a broken or unverifiable link stands (page and line)."""
    results = []
    for rule, level, found in (
        ("broken-link", "error", report.broken),
        ("unverified-link", "note", report.unverified),
    ):
        for result in found:
            why = result.error or f"HTTP {result.status}"
            for source in result.sources or []:
                results.append(_sarif_result(rule, level, f"{result.url}: {why}", source.page, source.line))
    for url, sources in sorted(report.mixed_content.items()):
        for source in sources:
            results.append(
                _sarif_result("mixed-content", "warning", f"http: resource {url}", source.page, source.line)
            )
    for host, why in sorted(report.certificates.items()):
        results.append(_sarif_result("certificate", "warning", f"{host}: {why}", f"https://{host}/", 0))
    return json.dumps(
        {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "servq-webcheck",
                            "informationUri": "https://servq.example/",
                            "rules": [
                                {"id": rule, "shortDescription": {"text": text}}
                                for rule, text in RULES.items()
                            ],
                        }
                    },
                    "results": results,
                }
            ],
        },
        ensure_ascii=False,
        indent=2,
    )


def _sarif_result(rule: str, level: str, message: str, page: str, line: int) -> dict:
    region = {"startLine": line} if line > 0 else {}
    # A SARIF uri is a URI reference: an IRI's non-ASCII characters percent-encoded (issue 36.3).
    uri = quote(page, safe=":/?#[]@!$&'()*+,;=%~")
    location = {
        "physicalLocation": {"artifactLocation": {"uri": uri}, **({"region": region} if region else {})}
    }
    return {"ruleId": rule, "level": level, "message": {"text": message}, "locations": [location]}


def baseline_of(report: Report) -> dict:
    """What a later run compares itself with: the broken and unverified URLs, by state."""
    return {
        "broken": sorted(r.url for r in report.broken),
        "unverified": sorted(r.url for r in report.unverified),
    }


def compared_with(report: Report, baseline: dict) -> dict:
    """New since the baseline and fixed since it, by state."""
    now = baseline_of(report)
    return {
        state: {
            "new": sorted(set(now[state]) - set(baseline.get(state, []))),
            "fixed": sorted(set(baseline.get(state, [])) - set(now[state])),
        }
        for state in now
    }


FORMATS = {"json": to_json, "csv": to_csv, "junit": to_junit, "sarif": to_sarif, "text": summary}
