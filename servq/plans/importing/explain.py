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
    (
        re.compile(
            r"the line was read as cells separated by runs of spaces; later line numbers count those cells"
        ),
        "整行以連續空白分隔為儲存格讀取；其後的行號以分出的儲存格計算",
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
        re.compile(r"the section 「(.+)」 has no field; not imported"),
        "「{0}」一節沒有對應的欄位，未匯入（請在計畫頁補入需要保留的內容）",
    ),
    (
        re.compile(r"a table outside the plan content under 「(.+)」 is not plan items; not imported"),
        "「{0}」下的表格不在計畫內容中，未匯入",
    ),
]


# Why a file was refused, for the web (the command line keeps the English): the file's name first.
FILE_REFUSALS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(.+): the file is empty"), "{0}：檔案是空的"),
    (re.compile(r"(.+): no text in the file"), "{0}：檔案裡沒有文字"),
    (
        re.compile(r"(.+): ([\d,]+) bytes is larger than the ([\d,]+) bytes a plan may have"),
        "{0}：檔案 {1} 位元組，超過上限 {2}",
    ),
    (
        re.compile(r"(.+): not an old Word \(\.doc\) file, whatever its name says"),
        "{0}：副檔名是 .doc，內容卻不是舊版 Word 檔",
    ),
    (
        re.compile(r"(.+): an old Word \(\.doc\) file; .*"),
        "{0}：舊版 Word（.doc）檔，這台伺服器沒有安裝 LibreOffice 可以轉換；請以 Word 或 LibreOffice 另存為 .docx 或 .odt 後再匯入",
    ),
    (
        re.compile(r"(.+): LibreOffice could not convert this \.doc file; .*"),
        "{0}：LibreOffice 無法轉換這個 .doc 檔，請另存為 .docx 後再匯入",
    ),
    (re.compile(r"(.+): a binary file, not plan text .*"), "{0}：不是文字或文件檔"),
    (
        re.compile(r"(.+), line (\d+): not UTF-8 or Big5 text .*"),
        "{0} 第 {1} 行：不是 UTF-8 或 Big5 編碼的文字",
    ),
    (
        re.compile(r"(.+): not UTF-8 text, and not Chinese text in Big5 either"),
        "{0}：不是 UTF-8 或 Big5 編碼的文字",
    ),
    (re.compile(r"(.+): truncated or damaged (\S+) file .*"), "{0}：{1} 檔案不完整或已損壞"),
    (re.compile(r"(.+): (\S+) file too large when unpacked, refused .*"), "{0}：{1} 檔解壓後過大，已拒絕"),
    (re.compile(r"(.+): not a readable \.(docx|odt) file .*"), "{0}：無法讀取的 .{1} 檔"),
    (re.compile(r"(.+): an empty web page"), "{0}：網頁沒有內容"),
    (re.compile(r"(.+): the PDF is encrypted"), "{0}：PDF 已加密，無法讀取"),
    (re.compile(r"(.+): truncated or damaged PDF .*"), "{0}：PDF 不完整或已損壞"),
    (
        re.compile(r"(.+): the PDF has no text layer .*"),
        "{0}：PDF 沒有文字層（可能是掃描檔），請匯出含文字的 PDF 或改用 .docx",
    ),
    (
        re.compile(r"(.+?)(?: .*)? no items \(no table of items and no numbered outline\)"),
        "{0}：找不到任何計畫項目（沒有項目表格，也沒有編號大綱）",
    ),
]


def explain_refusal(message: str) -> str:
    """Why a plan file was refused, in zh-Hant."""
    return explained(message, FILE_REFUSALS)


def explain(message: str) -> str:
    """A warning in zh-Hant; a message not listed (already Chinese, or new) is shown as it is."""
    return explained(message, EXPLANATIONS)
