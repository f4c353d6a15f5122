"""`python -m servq.webcheck`: formats, options and the exit codes CI relies on (0 good, 1 broken, 2 failed)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.webcheck.conftest import html, site, status

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def served():
    """A site on 127.0.0.1 in a background thread, for a command run as its own process."""
    started = threading.Event()
    stop = threading.Event()
    holder = {}

    def serve(routes):
        async def main():
            async with site(routes) as base:
                holder["base"] = base
                started.set()
                while not stop.is_set():
                    await asyncio.sleep(0.05)

        thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
        thread.start()
        assert started.wait(10)
        return holder["base"]

    yield serve
    stop.set()


def webcheck(*args):
    return subprocess.run(
        [sys.executable, "-m", "servq.webcheck", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_exit_0_when_all_links_work(served):
    base = served({"/": html('<a href="/a">a</a>'), "/a": html("a")})
    result = webcheck(base + "/", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["broken"] == []


def test_exit_1_with_broken_links_and_exclude_skips_them(served):
    base = served({"/": html('<a href="/gone">x</a>'), "/gone": status(404)})
    broken = webcheck(base + "/", "--format", "json", "--concurrency", "4")
    assert broken.returncode == 1
    assert json.loads(broken.stdout)["broken"][0]["url"] == base + "/gone"
    skipped = webcheck(base + "/", "--exclude", "/gone$")
    assert skipped.returncode == 0


def test_exit_2_when_the_check_itself_cannot_run(served):
    assert webcheck("ftp://example.org/").returncode == 2
    assert "not an http(s) URL" in webcheck("not a url").stderr
    assert "--exclude" in webcheck("http://127.0.0.1:9/", "--exclude", "(").stderr
    closed = webcheck("http://127.0.0.1:9/", "--timeout", "2")  # nothing listens on port 9
    assert closed.returncode == 2 and "no page could be read" in closed.stderr


def test_csv_and_junit_to_a_file(served, tmp_path):
    base = served({"/": html('<a href="/gone">x</a>'), "/gone": status(404)})
    target = tmp_path / "report.xml"
    assert webcheck(base + "/", "--format", "junit", "-o", str(target)).returncode == 1
    junit = target.read_text(encoding="utf-8")
    assert "<failure" in junit and 'type="BrokenLink"' in junit
    for attribute in ("errors=", "timestamp=", "hostname="):
        assert attribute in junit.split("<testcase")[0]  # the strict JUnit schema requires them
    first = webcheck(base + "/", "--format", "csv").stdout.splitlines()[0]
    assert first == "\ufeffurl,status,error,page,line"  # a BOM: Excel reads the Chinese as UTF-8


# --- issue 21.5: reports for CI ------------------------------------------------------------------


def test_sarif_output_is_valid_sarif_2_1_0_with_each_place(served):
    """Validated against the SARIF 2.1.0 schema (npm @microsoft/jest-sarif, MIT, kept beside this test)."""
    import jsonschema

    base = served(
        {
            "/": html('<a href="/gone">x</a>\n<a href="/members">m</a>'),
            "/gone": status(404),
            "/members": status(401),
        }
    )
    result = webcheck(base + "/", "--format", "sarif")
    assert result.returncode == 1
    sarif = json.loads(result.stdout)
    schema = json.loads((Path(__file__).with_name("sarif-2.1.0-rtm.5.json")).read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(sarif)
    found = {
        (r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in sarif["runs"][0]["results"]
    }
    assert found == {("broken-link", "error", 2), ("unverified-link", "note", 3)}


def test_a_baseline_reports_only_what_is_new_and_what_was_fixed(served, tmp_path):
    baseline = tmp_path / "baseline.json"
    base = served(
        {"/": html('<a href="/old">o</a> <a href="/new">n</a>'), "/old": status(404), "/new": status(500)}
    )
    assert webcheck(base + "/", "--write-baseline", str(baseline)).returncode == 1
    recorded = json.loads(baseline.read_text(encoding="utf-8"))
    assert recorded == {"broken": [base + "/new", base + "/old"], "unverified": []}
    # Nothing new since the baseline: CI passes although links are still broken.
    assert webcheck(base + "/", "--baseline", str(baseline)).returncode == 0
    # A baseline that knew /old and a link since fixed: /new is new (fails, named), the other fixed.
    baseline.write_text(json.dumps({"broken": [base + "/old", base + "/was-broken"]}), encoding="utf-8")
    result = webcheck(base + "/", "--baseline", str(baseline))
    assert result.returncode == 1
    assert f"NEW BROKEN {base}/new" in result.stderr and f"FIXED BROKEN {base}/was-broken" in result.stderr


def test_an_unreadable_baseline_is_named(served, tmp_path):
    base = served({"/": html("ok")})
    bad = tmp_path / "baseline.json"
    bad.write_text("{not json", encoding="utf-8")
    result = webcheck(base + "/", "--baseline", str(bad))
    assert result.returncode == 2 and "--baseline" in result.stderr


def test_sarif_uris_are_uri_references_even_for_chinese_page_names():
    """Issue 36.3: a raw IRI (…/服務.html) is not a SARIF uri-reference."""
    from urllib.parse import unquote

    from servq.webcheck.crawler.output import _sarif_result

    page = "http://example.gov.tw/服務 說明.html?q=申辦#第一段"
    uri = _sarif_result("broken-link", "error", "x", page, 3)["locations"][0]["physicalLocation"][
        "artifactLocation"
    ]["uri"]
    assert uri.isascii() and " " not in uri and unquote(uri) == page
