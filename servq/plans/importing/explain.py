"""The importer's warnings in zh-Hant for the web pages (the command line keeps its English),
as webcheck.rules.explain does for the checker's notes."""

from __future__ import annotations

import re

from servq.core.rules import explained

EXPLANATIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"no plan years found: .*"), "找不到計畫年度，已依年度作業（或您指定的年度）匯入，請確認"),
    (
        re.compile(r"no plan content heading: items read from the table under 「(.+)」"),
        "沒有「計畫內容」標題：由「{0}」下的表格讀取項目",
    ),
    (
        re.compile(r"no plan content heading: items read from the sections 「(.+)」"),
        "沒有「計畫內容」標題：由「{0}」各節讀取項目",
    ),
    (re.compile(r"the table ends with an incomplete row of (\d+) cells"), "表格最後一列只有 {0} 格，不完整"),
    (
        re.compile(r"(\d+) cells where the header has (\d+); extra cells kept in the last column"),
        "這列有 {0} 格，表頭只有 {1} 格；多出的內容併入最後一欄",
    ),
    (
        re.compile(r"a row with no item text before any item; skipped"),
        "第一個項目之前有一列沒有項目內容，已略過",
    ),
    (
        re.compile(r"(\d+) methods after the last item could not be placed: (.+)"),
        "最後一個項目之後有 {0} 則作法無法歸屬：{1}",
    ),
    (
        re.compile(
            r"(\d+) methods \(lines (\d+)–(\d+)\) came before their item in the file; attached to 「(.+)」 — check them"
        ),
        "第 {1}–{2} 行的 {0} 則作法出現在項目之前，已歸入「{3}」，請檢查",
    ),
    (re.compile(r"text before any item: 「(.+)」"), "第一個項目之前的文字：「{0}」"),
    (re.compile(r"text outside any item: 「(.+)」"), "不屬於任何項目的文字：「{0}」"),
    (
        re.compile(r"a reporting template \(辦理情形及成效\) under 「(.+)」 is not plan items; not imported"),
        "「{0}」下的表格是填報範本（辦理情形及成效），不是計畫項目，未匯入",
    ),
    (
        re.compile(r"a calendar \(作業時程\) under 「(.+)」 is not plan items; not imported"),
        "「{0}」下的表格是作業時程，不是計畫項目，未匯入",
    ),
    (
        re.compile(r"a table outside the plan content under 「(.+)」 is not plan items; not imported"),
        "「{0}」下的表格不在計畫內容中，未匯入",
    ),
]


def explain(message: str) -> str:
    """A warning in zh-Hant; a message not listed (already Chinese, or new) is shown as it is."""
    return explained(message, EXPLANATIONS)
