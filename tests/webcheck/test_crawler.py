"""The link checker against real HTTP servers on 127.0.0.1: what it finds, and that bad sites end cleanly."""

from __future__ import annotations

import asyncio
import json
from xml.etree import ElementTree

from aiohttp import web

from servq.webcheck.crawler import check_site
from servq.webcheck.crawler.output import to_csv, to_json, to_junit
from tests.webcheck.conftest import html, options, run_async, site, status


def broken_urls(base, report):
    return {r.url.replace(base, ""): (r.status, r.error) for r in report.broken}


def test_finds_broken_pages_and_images_with_their_page_and_line(check):
    base, report = check(
        {
            "/": html('<a href="/ok">ok</a>\n<a href="/missing">gone</a>\n<img src="/broken.png" alt="">'),
            "/ok": html("fine"),
            "/missing": html("no", status=404),
            "/broken.png": status(500),
        }
    )
    assert broken_urls(base, report) == {"/missing": (404, None), "/broken.png": (500, None)}
    missing = next(r for r in report.broken if r.url.endswith("/missing"))
    assert [(s.page, s.line) for s in missing.sources] == [(base + "/", 3)]
    assert report.pages == 2


def test_every_link_is_checked_once(check):
    hits = {"n": 0}

    async def counted(request):
        hits["n"] += 1
        return web.Response(text="x", content_type="text/plain")

    base, report = check(
        {
            "/": html('<a href="/a">a</a> <a href="/file.txt">f</a>'),
            "/a": html('<a href="/file.txt">again</a> <a href="/">home</a>'),
            "/file.txt": counted,
        }
    )
    assert hits["n"] == 1
    working = report.results[base + "/file.txt"]
    assert (working.sources, working.more_sources) == ([], 2), "a working link keeps the count of its places"


def test_redirect_chains_are_followed_and_reported_and_loops_end(check):
    base, report = check(
        {
            "/": html('<a href="/old">old</a> <a href="/loop1">loop</a>'),
            "/old": status(301, Location="/older"),
            "/older": status(302, Location="/new"),
            "/new": html("here"),
            "/loop1": status(302, Location="/loop2"),
            "/loop2": status(302, Location="/loop1"),
        }
    )
    old = report.results[base + "/old"]
    assert old.redirects == [base + "/older", base + "/new"] and not old.broken
    assert "redirect loop" in report.results[base + "/loop1"].error


def test_anchors_are_checked_against_the_target_ids(check):
    base, report = check(
        {
            "/": html('<a href="/doc#part2">ok</a> <a href="/doc#nowhere">bad</a> <a href="#top">top</a>'),
            "/doc": html('<h2 id="part2">Part 2</h2>'),
        }
    )
    assert list(broken_urls(base, report)) == ["/doc#nowhere"]


def test_srcset_base_href_and_relative_urls(check):
    base, report = check(
        {
            "/": html('<base href="/sub/">\n<img src="a.png" srcset="b.png 1x, /c.png 2x" alt="">'),
            "/sub/a.png": status(200),
            "/sub/b.png": status(404),
            "/c.png": status(200),
        }
    )
    assert set(broken_urls(base, report)) == {"/sub/b.png"}
    assert base + "/c.png" in report.results


def test_head_refused_falls_back_to_get(check):
    async def get_only(request):
        if request.method == "HEAD":
            return web.Response(status=405)
        return web.Response(text="x", content_type="text/plain")

    _base, report = check({"/": html('<a href="/f.txt">f</a>'), "/f.txt": get_only})
    assert report.broken == []


def test_429_is_retried_after_the_time_the_server_asks(check):
    calls = {"n": 0}

    async def busy(request):
        calls["n"] += 1
        if calls["n"] == 1:
            return web.Response(status=429, headers={"Retry-After": "1"})
        return web.Response(text="x", content_type="text/plain")

    _base, report = check({"/": html('<a href="/busy.txt">b</a>'), "/busy.txt": busy})
    assert report.broken == [] and calls["n"] == 2


def test_robots_txt_is_honoured(check):
    async def robots(request):
        return web.Response(text="User-agent: *\nDisallow: /private/\n", content_type="text/plain")

    base, report = check(
        {
            "/robots.txt": robots,
            "/": html('<a href="/private/page">p</a>'),
            "/private/page": html('<a href="/never-seen">x</a>'),
        }
    )
    assert base + "/never-seen" not in report.results


def test_external_links_are_checked_but_not_crawled_and_excludes_are_skipped():
    async def scenario():
        async with site({"/": html('<a href="/deep">d</a>'), "/deep": html("d")}, host="127.0.0.2") as other:
            routes = {"/": html(f'<a href="{other}/">ext</a> <a href="/skip-me">s</a>')}
            async with site(routes) as base:
                report = await check_site([base + "/"], options(allow_private=True, excludes=["skip-me"]))
                return base, other, report

    base, other, report = run_async(scenario())
    assert report.results[other + "/"].status == 200
    assert other + "/deep" not in report.results
    assert base + "/skip-me" not in report.results


def test_private_addresses_are_refused_unless_allowed():
    async def scenario(allow):
        async with (
            site({"/": html("inside")}, host="127.0.0.2") as other,
            site({"/": html(f'<a href="{other}/">internal host</a>')}) as base,
        ):
            return other, await check_site([base + "/"], options(allow_private=allow))

    other, refused = run_async(scenario(False))
    assert "private or loopback" in refused.results[other + "/"].error
    other, allowed = run_async(scenario(True))
    assert not allowed.results[other + "/"].broken


def test_mailto_and_tel_are_checked_for_their_form(check):
    _base, report = check(
        {
            "/": html(
                '<a href="mailto:service@gov.tw">ok</a> <a href="mailto:nobody">bad</a> '
                '<a href="tel:+886-2-1999">ok</a> <a href="tel:call-me">bad</a>'
            )
        }
    )
    assert {r.url for r in report.broken} == {"mailto:nobody", "tel:call-me"}


def test_a_crawler_trap_is_bounded(check):
    async def calendar(request):
        month = int(request.query.get("month", "0"))
        return web.Response(text=f'<a href="/calendar?month={month + 1}">next</a>', content_type="text/html")

    _base, report = check(
        {"/": html('<a href="/calendar?month=1">cal</a>'), "/calendar": calendar}, max_queries_per_path=20
    )
    assert report.pages <= 22
    assert any("crawler trap" in note for note in report.notes)


def test_huge_pages_are_read_only_up_to_the_cap(check):
    async def huge(request):
        body = "<a href='/ok'>x</a>" + ("<p>filler</p>" * 200_000) + "<a href='/after-the-cap'>y</a>"
        return web.Response(text=body, content_type="text/html")

    base, report = check({"/": huge, "/ok": html("ok")}, max_page_bytes=100_000)
    assert base + "/ok" in report.results
    assert base + "/after-the-cap" not in report.results


def test_garbage_answers_and_unknown_hosts_are_entries_not_crashes():
    async def scenario():
        async def garbage(reader, writer):
            await reader.read(1024)
            writer.write(b"this is not http\r\n\r\n")
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(garbage, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        links = f'<a href="http://127.0.0.1:{port}/">junk</a> <a href="http://nonexistent.invalid/">nx</a>'
        async with server, site({"/": html(links)}) as base:
            return port, await check_site([base + "/"], options(allow_private=True, retries=0))

    port, report = run_async(scenario())
    errors = {r.url: r.error for r in report.broken}
    assert errors[f"http://127.0.0.1:{port}/"]
    assert "does not resolve" in errors["http://nonexistent.invalid/"]


def test_reports_in_json_csv_and_junit(check):
    base, report = check({"/": html('<a href="/gone">x</a>'), "/gone": status(404)})
    data = json.loads(to_json(report))
    assert data["pages"] == 1 and data["links"] == 2
    assert data["broken"] == [
        {"url": base + "/gone", "status": 404, "error": None, "sources": [{"page": base + "/", "line": 2}]}
    ]
    assert to_csv(report).splitlines()[1].startswith(f"{base}/gone,404")
    suite = ElementTree.fromstring(to_junit(report))
    assert suite.get("failures") == "1" and len(suite.findall("testcase")) == 2


def test_past_the_page_cap_links_are_still_checked(check):
    routes = {"/": html("\n".join(f'<a href="/p{n}">p</a>' for n in range(10)))}
    routes.update({f"/p{n}": html(f'<a href="/deeper{n}">d</a>') for n in range(10)})
    routes["/p3"] = html("gone", status=404)
    base, report = check(routes, max_pages=3)
    assert report.results[base + "/p3"].status == 404  # checked although the cap was reached
    assert all(report.results[base + f"/p{n}"].status is not None for n in range(10))
    assert any("page cap" in note for note in report.notes)


# --- issue 21.2: links in stylesheets ---------------------------------------------------------------


def css(body: str):
    async def handler(request):
        return web.Response(text=body, content_type="text/css")

    return handler


def test_links_inside_stylesheets_are_checked_with_the_stylesheet_and_line(check):
    """The broken stylesheet reachable only through a CSS @import, which LinkChecker finds."""
    base, report = check(
        {
            "/": html(
                '<link rel="stylesheet" href="/main.css">\n'
                '<style>\n.hero { background: url("/img/hero.png"); }\n</style>\n'
                '<div style="background-image: url(/img/inline.png)">x</div>'
            ),
            "/main.css": css(
                '/* @import "/old.css"; */\n@import "/theme.css";\nbody { background: url(/img/ok.png); }\n'
            ),
            "/theme.css": css("h1 {\n  background: url('../img/gone.png');\n}\n@import url(/theme.css);\n"),
            "/img/ok.png": status(200),
            "/img/hero.png": status(404),
            "/img/inline.png": status(404),
        }
    )
    broken = {
        r.url.replace(base, ""): [(s.page.replace(base, ""), s.line) for s in r.sources]
        for r in report.broken
    }
    assert broken["/img/gone.png"] == [("/theme.css", 2)]
    assert broken["/img/hero.png"] == [("/", 4)]
    assert broken["/img/inline.png"] == [("/", 6)]
    assert "/old.css" not in "".join(report.results)  # a commented-out rule is no link
    assert report.pages == 1  # stylesheets are read for links, not counted as pages


def test_a_huge_stylesheet_is_read_only_up_to_the_page_cap(check):
    big = "a{color:red}\n" * 200_000 + "b{background:url(/late.png)}"
    base, report = check(
        {
            "/": html('<link rel="stylesheet" href="/big.css">'),
            "/big.css": css(big),
            "/late.png": status(404),
        },
        max_page_bytes=64 * 1024,
    )
    assert report.pages == 1 and base + "/late.png" not in report.results


# --- issue 21.3: states that tell the truth ---------------------------------------------------------


def test_kept_out_is_could_not_verify_not_broken(check):
    base, report = check(
        {
            "/": html(
                '<a href="/members">m</a> <a href="/challenge">c</a> <a href="/gone">g</a> <a href="/busy">b</a>'
            ),
            "/members": status(401),
            "/challenge": status(403, **{"cf-mitigated": "challenge"}),
            "/gone": status(404),
            "/busy": status(429, **{"Retry-After": "0"}),
        },
        retries=0,
    )
    assert broken_urls(base, report) == {"/gone": (404, None)}
    assert sorted(r.url.replace(base, "") for r in report.unverified) == ["/busy", "/challenge", "/members"]


def test_a_not_found_page_that_answers_200_is_a_soft_404(check):
    async def soft(request):
        return web.Response(
            text="<html><head><title>找不到網頁 - 某局</title></head><body><h1>很抱歉</h1></body></html>",
            content_type="text/html",
        )

    base, report = check({"/": html('<a href="/old-news">舊聞</a>'), "/old-news": soft})
    (gone,) = report.broken
    assert gone.url == base + "/old-news" and gone.error.startswith("soft 404")


def test_http_resources_on_https_pages_are_mixed_content():
    from servq.webcheck.crawler.parse import parse_page

    page = parse_page(
        '<img src="http://cdn.example.tw/a.png"><a href="http://other.example.tw/">x</a>'
        '<script src="https://cdn.example.tw/app.js"></script>',
        "https://www.example.gov.tw/",
    )
    resources = {link.url: link.resource for link in page.links}
    assert resources == {
        "http://cdn.example.tw/a.png": True,
        "http://other.example.tw/": False,  # a link a person follows is not mixed content
        "https://cdn.example.tw/app.js": True,
    }


# --- issue 21.4: accessible links ------------------------------------------------------------------


def test_links_a_screen_reader_cannot_use_are_found_with_their_line():
    from servq.webcheck.crawler.parse import parse_page

    page = parse_page(
        "<p>最新消息</p>\n"
        '<a href="/empty"></a>\n'
        '<a href="/logo"><img src="/logo.png"></a>\n'
        '<p><a href="/more">請點此</a></p>\n'
        '<p>申辦須知請見<a href="/rules">詳全文</a>，或電洽服務台。</p>\n'
        '<a href="/ok"><img src="/x.png" alt="首頁"></a>\n'
        '<a href="/named" aria-label="下載申請表">下載</a>\n',
        "https://www.example.gov.tw/",
    )
    assert sorted((rule, line) for rule, line, _ in page.link_issues) == [
        ("servq-image-link-alt", 3),
        ("servq-link-name", 2),
        ("servq-vague-link-text", 4),
    ]


# --- issue 21.5: sitemaps as start points -----------------------------------------------------------


def xml(body: bytes, content_type: str = "application/xml"):
    async def handler(request):
        return web.Response(body=body, content_type=content_type)

    return handler


def test_pages_only_a_sitemap_lists_are_checked_and_an_index_is_followed(check):
    import gzip

    urlset = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>BASE/orphan</loc></url></urlset>'

    async def robots(request):
        base = f"http://{request.host}"
        return web.Response(text=f"User-agent: *\nSitemap: {base}/index.xml\n", content_type="text/plain")

    async def index(request):
        base = f"http://{request.host}"
        body = f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{base}/pages.xml.gz</loc></sitemap></sitemapindex>'
        return web.Response(body=body.encode(), content_type="application/xml")

    async def pages(request):
        base = f"http://{request.host}"
        return web.Response(
            body=gzip.compress(urlset.replace(b"BASE", base.encode())), content_type="application/gzip"
        )

    base, report = check(
        {
            "/": html("home, no menu to the old page"),
            "/robots.txt": robots,
            "/index.xml": index,
            "/pages.xml.gz": pages,
            "/orphan": html('<a href="/gone">x</a>'),
            "/gone": status(404),
        }
    )
    assert broken_urls(base, report) == {"/gone": (404, None)}
    assert report.pages == 2


def test_a_hostile_sitemap_is_refused_and_the_run_goes_on():
    import gzip

    from servq.webcheck.crawler.sitemaps import read_sitemap

    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><urlset><url><loc>&b;</loc></url></urlset>'
    assert read_sitemap(bomb, 10).problem.startswith("not a sitemap")
    assert read_sitemap(gzip.compress(gzip.compress(b"<urlset/>")), 10).problem == "a gzip inside a gzip"
    many = (
        b"<urlset>"
        + b"".join(b"<url><loc>https://x.gov.tw/%d</loc></url>" % n for n in range(100))
        + b"</urlset>"
    )
    assert len(read_sitemap(many, 7).pages) == 7


def test_sites_run_together_fetch_each_external_link_once_and_each_report_keeps_its_own():
    """21.6: three sites linking to the same outside pages: each outside URL is fetched once for
    all of them, and each site's report lists it with that site's own pages and lines."""
    from servq.webcheck.crawler import Limits, check_sites

    hits: dict[str, int] = {}

    def counted(code: int):
        async def handler(request):
            hits[request.path] = hits.get(request.path, 0) + 1
            return web.Response(text="x", status=code, content_type="text/plain")

        return handler

    async def scenario():
        async with site({"/ok": counted(200), "/gone": counted(404)}) as outside:
            page = html(
                f'<a href="{outside}/ok">ok</a>\n<a href="{outside}/gone">gone</a>\n<a href="/b">b</a>'
            )
            inner = html(f'<a href="{outside}/gone">again</a>')
            async with (
                site({"/": page, "/b": inner}) as a,
                site({"/": page, "/b": inner}) as b,
                site({"/": page, "/b": inner}) as c,
            ):
                jobs = [([base + "/"], options(allow_private=True, use_sitemaps=False)) for base in (a, b, c)]
                reports = await check_sites(jobs, limits=Limits(allow_private=True, retries=0))
                return outside, (a, b, c), reports

    outside, bases, reports = run_async(scenario())
    assert hits == {"/ok": 1, "/gone": 1}, "each outside URL fetched once for all three sites"
    for base, report in zip(bases, reports, strict=True):
        gone = next(r for r in report.broken if r.url == outside + "/gone")
        assert sorted((s.page, s.line) for s in gone.sources) == [(base + "/", 3), (base + "/b", 2)]
        assert report.pages == 2 and len(report.broken) == 1


def test_a_link_on_every_page_keeps_a_bounded_list_of_places_and_counts_the_rest(check):
    """A broken menu link on every page: its places are kept up to the bound, the rest counted, so a
    night's memory follows the links, not every page they stand on."""
    pages = {f"/p{n}": html(f'<a href="/p{n + 1}">next</a>\n<a href="/gone">menu</a>') for n in range(30)}
    base, report = check(
        {"/": html('<a href="/p0">start</a>'), **pages, "/p30": html("end"), "/gone": status(404)},
        max_sources_per_link=10,
    )
    gone = report.results[base + "/gone"]
    assert len(gone.sources) == 10 and gone.more_sources == 20
    assert json.loads(to_json(report))["broken"][0]["more_sources"] == 20
