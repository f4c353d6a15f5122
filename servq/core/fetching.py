"""Fetching a document a user pasted the address of (a plan on an agency's site), with the outgoing
safety rules of the website-health checker: a registry like the citations', so the modules below
webcheck (plans) can fetch without depending on it. webcheck registers the one downloader (webcheck.fetching)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Downloaded:
    url: str  # where it was found, after redirects
    name: str  # a file name for it: the address's last part, or page.html
    content_type: str
    data: bytes


class DownloadError(Exception):
    """Why the address gave no document, in words for the user (zh-Hant)."""


_DOWNLOADER: list[Callable[[str, int], Downloaded]] = []


def downloader(fetch: Callable[[str, int], Downloaded]) -> Callable[[str, int], Downloaded]:
    _DOWNLOADER[:] = [fetch]
    return fetch


def download(url: str, max_bytes: int) -> Downloaded:
    """The document at ``url`` (at most ``max_bytes``), or DownloadError saying why not."""
    if not _DOWNLOADER:
        raise DownloadError("這個系統沒有啟用網址下載，請改為上傳檔案。")
    return _DOWNLOADER[0](url, max_bytes)
