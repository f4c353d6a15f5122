"""Evidence files: what a file is, judged by its content (never its name), and a safe name for it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import puremagic

from servq.core.archives import ArchiveRefused, open_zip

# Office documents are zip archives; the member that names their type tells them apart.
ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
}
OOXML_TYPES = {
    "word/": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/": (".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
PLAIN_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg"}
ALLOWED_LABEL = "PDF、PNG、JPEG、ODT、ODS、ODP、DOCX、XLSX、PPTX"
UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


class EvidenceError(ValueError):
    pass


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str


def identify(content: bytes, name: str) -> FileKind:
    """The file's real type from its bytes; anything not on the allow-list is refused by name."""
    if not content:
        raise EvidenceError(f"「{name}」是空檔案。")
    if content.startswith(b"PK\x03\x04"):
        return _office_kind(content, name)
    try:
        guesses = puremagic.magic_string(content[:8192])
    except puremagic.PureError:
        guesses = []
    for guess in guesses:
        extension = ".jpg" if guess.extension in (".jpeg", ".jfif") else guess.extension
        if extension in PLAIN_TYPES and guess.offset == 0:
            return FileKind(extension, PLAIN_TYPES[extension])
    found = _described(guesses[0].extension) if guesses else "無法辨識的內容"
    raise EvidenceError(
        f"「{name}」的內容是{found}，不是允許的檔案類型（{ALLOWED_LABEL}）；檔名副檔名不算數。"
    )


# What a refused file turned out to be, in words (the detector's own names are English: "HTML File").
CONTENT_WORDS = {
    ".html": "HTML 網頁",
    ".htm": "HTML 網頁",
    ".xml": "XML 文件",
    ".svg": "SVG 圖檔（可含程式碼）",
    ".exe": "Windows 執行檔",
    ".dll": "Windows 程式庫",
    ".zip": "壓縮檔",
    ".gz": "壓縮檔",
    ".gif": "GIF 圖檔",
    ".bmp": "BMP 圖檔",
    ".tif": "TIFF 圖檔",
    ".doc": "舊版 Word 文件",
    ".xls": "舊版 Excel 試算表",
    ".mp4": "影片",
    ".mp3": "音訊",
}


def _described(extension: str) -> str:
    return CONTENT_WORDS.get(extension.lower(), f"其他格式（{extension.lstrip('.') or '未知'}）")


def _office_kind(content: bytes, name: str) -> FileKind:
    try:
        archive = open_zip(content, name=f"「{name}」")
        names = archive.namelist()
        if "mimetype" in names:
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
            if mimetype in ODF_TYPES:
                return FileKind(ODF_TYPES[mimetype], mimetype)
        if "[Content_Types].xml" in names:
            for prefix, (extension, mimetype) in OOXML_TYPES.items():
                if any(member.startswith(prefix) for member in names):
                    return FileKind(extension, mimetype)
    except ArchiveRefused as error:
        raise EvidenceError(str(error)) from None
    raise EvidenceError(f"「{name}」是一般壓縮檔，不是允許的檔案類型（{ALLOWED_LABEL}）。")


def safe_name(original: str, kind: FileKind, limit: int = 120) -> str:
    """A display name with no path, control or shell characters, ending in the type's real extension."""
    base = unicodedata.normalize("NFC", original).replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = UNSAFE_NAME.sub("_", stem).strip(" ._") or "evidence"
    return stem[: limit - len(kind.extension)] + kind.extension
