from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from servq.webcheck import rules

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<p>更新日期：113-05-01</p>", D(2024, 5, 1)),
        ("更新日期:2024/05/01", D(2024, 5, 1)),
        ("最後更新 113年5月1日", D(2024, 5, 1)),
        ("資料更新時間：１１３．０５．０１", D(2024, 5, 1)),
        ("Last updated: 2023-12-31", D(2023, 12, 31)),
        ("更新日期：113-05-01 … 更新日期：112-01-01", D(2024, 5, 1)),  # the latest one
        ("電話 02-2345-6789", None),
        ("更新日期：113-02-30", None),  # no such day
    ],
)
def test_shown_update_dates(text, expected):
    assert rules.shown_update_date(text) == expected


def test_http_dates():
    assert rules.http_date("Wed, 21 Oct 2015 07:28:00 GMT") == D(2015, 10, 21)
    assert rules.http_date("yesterday") is None
    assert rules.http_date(None) is None


def test_the_page_date_wins_over_the_header_and_staleness_counts_days():
    assert rules.last_update(D(2020, 1, 1), D(2026, 1, 1)) == D(2020, 1, 1)
    assert rules.last_update(None, D(2026, 1, 1)) == D(2026, 1, 1)
    assert rules.is_stale(D(2025, 1, 1), D(2026, 1, 2), 365)
    assert not rules.is_stale(D(2025, 1, 2), D(2026, 1, 2), 365)
    assert not rules.is_stale(None, D(2026, 1, 2), 365)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://www.gov.tw/", None),
        ("http://127.0.0.1:8080/a", None),
        ("ftp://files.gov.tw/", "http"),
        ("javascript:alert(1)", "http"),
        ("https://", "主機"),
        ("https://user:pw@gov.tw/", "帳號"),
        ("https://gov.tw/ a", "空白"),
        ("https://gov.tw:99999/", "格式|埠號"),
        ("", "請輸入"),
    ],
)
def test_start_url_problems(url, problem):
    found = rules.start_url_problem(url)
    if problem is None:
        assert found is None
    else:
        import re

        assert found and re.search(problem, found)


def test_owner_is_the_longest_matching_prefix():
    owners = [("/", 1), ("/news/", 2), ("/news/2024/", 3)]
    assert rules.owner_of("https://a.gov.tw/news/2024/x.html", owners) == 3
    assert rules.owner_of("https://a.gov.tw/news/y", owners) == 2
    assert rules.owner_of("https://a.gov.tw/about", owners) == 1
    assert rules.owner_of("https://a.gov.tw/about", []) is None


def test_schedule_and_rates():
    now = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    assert rules.next_run_due(None, "weekly", now)
    assert not rules.next_run_due(now - dt.timedelta(days=6), "weekly", now)
    assert rules.next_run_due(now - dt.timedelta(days=7), "weekly", now)
    assert not rules.next_run_due(now - dt.timedelta(days=29), "monthly", now)
    assert rules.valid_link_rate(200, 3) == Decimal("98.5")
    assert rules.valid_link_rate(0, 0) is None


@pytest.mark.parametrize(
    ("tags", "level"),
    [
        (["wcag2a", "cat.text-alternatives"], "A"),
        (["wcag21aa"], "AA"),
        (["best-practice"], None),
        (["wcag2aaa"], None),
    ],
)
def test_wcag_levels_from_axe_tags(tags, level):
    assert rules.wcag_level(tags) == level


@pytest.mark.parametrize(
    ("note", "shown"),
    [
        ("stopped after 1800 s", "檢測在 1800 秒後停止（已達時間上限）"),
        ("host www.example.invalid does not resolve", "主機 www.example.invalid 查無 DNS 紀錄"),
        (
            "refused: intra.gov.tw is a private or loopback address (10.0.0.5)",
            "已拒絕：intra.gov.tw 指向內部網址（10.0.0.5）",
        ),
        ("timeout after 15 s", "逾時（15 秒無回應）"),
        (
            "page cap of 2000 reached: further pages checked, not read",
            "已達 2000 頁上限：其後的頁面只檢查是否有效，不再讀取其中的連結",
        ),
        ("something new", "something new"),
    ],
)
def test_the_checkers_notes_are_shown_in_chinese(note, shown):
    from servq.webcheck.rules import explain

    assert explain(note) == shown


def test_freshness_rules_are_read_and_the_longest_matching_word_wins():
    from servq.webcheck.rules import DEFAULT_FRESHNESS_RULES, parse_freshness_rules, stale_after_for

    kinds = parse_freshness_rules("news｜30\nnews/archive|3650\n公告｜14")
    assert stale_after_for("https://x.gov.tw/news/1.html", kinds, 365) == 30
    assert stale_after_for("https://x.gov.tw/NEWS/archive/1.html", kinds, 365) == 3650
    assert stale_after_for("https://x.gov.tw/%E5%85%AC%E5%91%8A/9", kinds, 365) == 14  # 公告, percent-encoded
    assert stale_after_for("https://x.gov.tw/about", kinds, 365) == 365
    assert ("news", 30) in parse_freshness_rules(DEFAULT_FRESHNESS_RULES)


@pytest.mark.parametrize(
    ("text", "message"),
    [("news", "第 1 列"), ("news｜0", "1 到 3650"), ("｜30", "第 1 列"), ("a｜b｜c", "第 1 列")],
)
def test_a_bad_freshness_rule_names_its_line(text, message):
    from servq.webcheck.rules import parse_freshness_rules

    with pytest.raises(ValueError, match=message):
        parse_freshness_rules(text)


def test_a_missing_browser_is_explained_with_its_fix_in_chinese():
    from servq.webcheck.a11y import BrowserMissing

    note = f"accessibility not checked: {BrowserMissing('/usr/bin/chromium is missing (SERVQ_CHROMIUM); install Debian' + chr(39) + 's chromium')}"
    shown = rules.explain(note)
    assert "這台伺服器沒有 Chromium（/usr/bin/chromium）" in shown and "apt-get install chromium" in shown
    assert "install" not in shown.replace("apt-get install", "")


def test_line_numbers_are_right_however_the_values_repeat():
    """The line finder counts lines between finds instead of indexing every character."""
    from servq.webcheck.crawler.parse import line_finder

    html = 'a\n<a href="/x">\nb\n<a href="/y">\n<a href="/x">\n'
    line_of = line_finder(html)
    assert [line_of('"/x"'), line_of('"/y"'), line_of('"/x"'), line_of('"/z"'), line_of('"/x"')] == [
        2,
        4,
        5,
        0,
        2,
    ]


def test_common_links_resolve_as_urljoin_would():
    from urllib.parse import urljoin

    from servq.webcheck.crawler.parse import absolute

    raws = ["/docs/c.html", "/x/../y", "c.html", "../d", "https://other.tw/p?q#f", "//cdn.tw/x.js"]
    raws += ["/p?q=1#top", "?page=2", "#s", "./e/f.html"]
    for base in ("https://www.example.gov.tw/docs/a/b.html?x=1", "https://www.example.gov.tw/docs/a/b.html"):
        for raw in raws:
            assert absolute(base, raw) == urljoin(base, raw), (base, raw)


def test_a_date_far_inside_a_long_page_is_not_read_but_the_foot_is():
    body = "<p>x</p>" * 20000
    assert rules.shown_update_date(
        f"<p>更新日期：113-05-01</p>{body}<footer>更新日期：115年1月2日</footer>"
    ) == dt.date(2026, 1, 2)
    assert rules.shown_update_date(f"{body}<p>更新日期：113-05-01</p>{body}") is None
