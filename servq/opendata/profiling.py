"""Reading an uploaded resource without trusting its name: a CSV is profiled in one streaming pass
(encoding, delimiter, columns, rows, each column's type, empty columns, personal-looking columns) and
converted to UTF-8 when it came in Big5; JSON, XML and ODS are checked to be what they say. Pure
Python over binary streams, so a 200 MB file is never held in memory."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from dataclasses import asdict, dataclass, field
from typing import IO

from defusedxml import ElementTree

from servq.opendata import rules

HEAD_BYTES = 64 * 1024
SAMPLE_VALUES = 200  # values per column kept to judge whether it is personal
CHUNK = 1024 * 1024


class NotWhatItSays(ValueError):
    """The file cannot be taken; the message names the file and, where there is one, the line."""


@dataclass
class Column:
    name: str
    type: str = "empty"  # empty → integer → number → date → text, widening as values are seen
    filled: int = 0
    personal: str | None = None


@dataclass
class Profile:
    encoding: str
    delimiter: str
    rows: int
    columns: list[Column] = field(default_factory=list)
    ragged_rows: int = 0

    @property
    def empty_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.filled == 0]

    def as_dict(self) -> dict:
        return {**asdict(self), "empty_columns": self.empty_columns}


_INTEGER = re.compile(r"[+-]?\d[\d,]*")
_NUMBER = re.compile(r"[+-]?(\d[\d,]*)?\.?\d+([eE][+-]?\d+)?")
# ISO dates, slashed dates and 民國 dates (113/05/01, 1130501).
_DATE = re.compile(r"\d{2,4}[-/.]\d{1,2}[-/.]\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2})?)?|\d{7}")
_WIDER = {"empty": 0, "integer": 1, "number": 2, "date": 3, "text": 4}


def _type_of(value: str) -> str:
    if _INTEGER.fullmatch(value):
        return "integer"
    if _NUMBER.fullmatch(value):
        return "number"
    if _DATE.fullmatch(value):
        return "date"
    return "text"


def _widen(current: str, value: str) -> str:
    seen = _type_of(value)
    if current in ("empty", seen):
        return seen
    if {current, seen} == {"integer", "number"}:
        return "number"
    return "text"


def sniff_kind(head: bytes, name: str) -> None:
    """Refuses a file whose first bytes say it is something else (an HTML page renamed to .csv)."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        raise NotWhatItSays(f"{name}：內容是網頁（HTML），不是它的副檔名所說的格式。")


def detect_encoding(head: bytes, name: str) -> str:
    """UTF-8 (with or without a BOM), else Big5 (cp950); a cut multi-byte character at the end of the
    head is not an error."""
    if b"\x00" in head:
        raise NotWhatItSays(f"{name}：不是文字檔（含有二進位內容）。")
    for encoding in ("utf-8-sig", "cp950"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise NotWhatItSays(f"{name}：不是 UTF-8 或 Big5 編碼的文字檔。")


def detect_delimiter(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[:20000], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def profile_csv(source: IO[bytes], name: str, *, converted: IO[bytes] | None = None) -> Profile:
    """One pass over a CSV. With ``converted`` the text is also written there as UTF-8 (for a Big5
    file; the caller keeps the original). Refuses formula cells and broken encodings by line."""
    head = source.read(HEAD_BYTES)
    if not head.strip():
        raise NotWhatItSays(f"{name}：檔案是空的。")
    sniff_kind(head, name)
    encoding = detect_encoding(head, name)
    source.seek(0)
    text = io.TextIOWrapper(source, encoding=encoding, newline="", errors="strict")
    try:
        return _profile_text(text, name, encoding, converted)
    finally:
        text.detach()  # the caller's stream stays open: it is stored next


def _profile_text(text: io.TextIOWrapper, name: str, encoding: str, converted: IO[bytes] | None) -> Profile:
    first = text.read(HEAD_BYTES // 2)
    delimiter = detect_delimiter(first)
    reader = csv.reader(_Rejoined(first, text, converted), delimiter=delimiter, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
        columns = [Column(h or f"第{i + 1}欄") for i, h in enumerate(header)]
        samples: list[list[str]] = [[] for _ in columns]
        profile = Profile(
            encoding="UTF-8" if encoding == "utf-8-sig" else "Big5", delimiter=delimiter, rows=0
        )
        width = len(columns)
        for cells in reader:
            if not cells:
                continue
            profile.rows += 1
            if len(cells) != width:
                profile.ragged_rows += 1
            for index, cell in enumerate(cells[:width]):
                if not cell:
                    continue
                column = columns[index]
                if rules.formula_start(cell):
                    raise NotWhatItSays(
                        f"{name} 第 {reader.line_num} 列「{column.name}」欄：「{cell[:20]}」以 {cell[0]!r} 開頭，"
                        "試算表會把它當成公式執行；請改為純文字（例如前面加上單引號）後再上傳。"
                    )
                column.filled += 1
                if column.type != "text":
                    column.type = _widen(column.type, cell.strip())
                if len(samples[index]) < SAMPLE_VALUES:
                    samples[index].append(cell)
    except UnicodeDecodeError as error:
        raise NotWhatItSays(
            f"{name} 第 {reader.line_num + 1} 列附近：不是 {profile_encoding(encoding)} 編碼（{error.reason}）。"
        ) from None
    except csv.Error:
        raise NotWhatItSays(
            f"{name} 第 {reader.line_num} 列：CSV 格式錯誤（引號未成對或欄位分隔不一致）。"
        ) from None
    except StopIteration:
        raise NotWhatItSays(f"{name}：讀不到欄位名稱。") from None
    for column, sample in zip(columns, samples, strict=True):
        column.personal = rules.personal_kind(column.name, sample)
    profile.columns = columns
    return profile


def profile_encoding(encoding: str) -> str:
    return "UTF-8" if encoding.startswith("utf-8") else "Big5"


class _Rejoined:
    """The text already read for sniffing, then the rest, line by line for csv.reader; each chunk
    also goes to ``converted`` as UTF-8 when a conversion is wanted."""

    def __init__(self, first: str, rest: io.TextIOBase, converted: IO[bytes] | None) -> None:
        self.buffer = io.StringIO(first)
        self.rest = rest
        self.converted = converted

    def __iter__(self) -> _Rejoined:
        return self

    def __next__(self) -> str:
        line = self.buffer.readline()
        if not line or not line.endswith(("\n", "\r")):
            more = self.rest.read(CHUNK)
            if more:
                self.buffer = io.StringIO(line + more)
                line = self.buffer.readline()
        if not line:
            raise StopIteration
        if self.converted is not None:
            self.converted.write(line.encode("utf-8"))
        return line


def check_other(data_head: bytes, source: IO[bytes], fmt: str, name: str, *, max_bytes: int) -> None:
    """JSON, XML and ODS: the file must parse as what its format says (a parse bounded by size)."""
    sniff_kind(data_head, name)
    if fmt == "ODS":
        try:
            with zipfile.ZipFile(source) as archive, archive.open("mimetype") as member:
                mimetype = member.read(100).strip()  # never inflate more: an archive may be a bomb
        except (zipfile.BadZipFile, KeyError):
            raise NotWhatItSays(f"{name}：不是 ODS 試算表。") from None
        if mimetype != b"application/vnd.oasis.opendocument.spreadsheet":
            raise NotWhatItSays(f"{name}：不是 ODS 試算表（{mimetype.decode('ascii', 'replace')}）。")
        return
    data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise NotWhatItSays(f"{name}：{fmt} 檔超過 {max_bytes // 1_000_000} MB，請改用 CSV 或連結。")
    try:
        if fmt == "JSON":
            json.loads(data.decode("utf-8-sig"))
        else:
            ElementTree.fromstring(data)
    except (ValueError, ElementTree.ParseError) as error:
        raise NotWhatItSays(f"{name}：不是有效的 {fmt}（{error}）。") from None
    except Exception as error:  # defusedxml refuses entity bombs and external entities with its own errors
        raise NotWhatItSays(f"{name}：{fmt} 含有不被接受的內容（{type(error).__name__}）。") from None
