"""The platform's one downloader (core.fetching): a document whose address a user pasted, fetched
under the outgoing policy the link checker keeps (no internal addresses unless the operator allowed
their network; every redirect checked), its refusals worded for the user."""

from __future__ import annotations

import re

from servq.core import fetching
from servq.core.rules import explained
from servq.webcheck.crawler.download import Refused, download
from servq.webcheck.services import outgoing_limits, run_async

# The checker's English reasons, as the user reads them (core.rules.explained: whole messages).
REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"not an http or https address"), "只能匯入 http:// 或 https:// 開頭的網址。"),
    (re.compile(r"refused: .*"), "這個網址指向內部網路，基於安全不由系統下載；請先下載檔案再上傳。"),
    (
        re.compile(r"host \S+ does not resolve|no such host|malformed URL.*"),
        "找不到這個網址的主機，請確認網址。",
    ),
    (re.compile(r"HTTP (\d+)"), "網站回應 HTTP {0}，沒有取得文件。"),
    (re.compile(r"larger than (\d+) bytes"), "文件超過 {0} 位元組的上限。"),
    (re.compile(r"timeout after (\S+) s"), "網站在 {0} 秒內沒有回應，請稍後再試或上傳檔案。"),
    (re.compile(r"more than \d+ redirects"), "網址轉址太多次，沒有取得文件。"),
]


def explain(reason: str) -> str:
    words = explained(reason, REASONS)
    return words if words != reason else f"無法下載這個網址（{reason[:100]}）。"


@fetching.downloader
def download_document(url: str, max_bytes: int) -> fetching.Downloaded:
    try:
        return run_async(download(url.strip(), outgoing_limits(allow_private=True), max_bytes))
    except Refused as refused:
        raise fetching.DownloadError(explain(str(refused))) from refused
