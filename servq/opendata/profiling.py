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


def _all_of(value: str) -> re.Pattern[str]:
    """Every line of a column's joined values is empty or a ``value``: one C-speed match a batch."""
    return re.compile(rf"(?: *{value} *)?(?:\n(?: *{value} *)?)*")


# Narrowest first; 民國 dates (113/05/01, 1130501) count as dates.
_ALL_OF = [
    ("integer", _all_of(r"[+-]?\d[\d,]*")),
    ("number", _all_of(r"[+-]?(?:\d[\d,]*)?\.?\d+(?:[eE][+-]?\d+)?")),
    ("date", _all_of(r"(?:\d{2,4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?|\d{7})")),
]
# A line that may start a formula: each is then judged cell by cell (a - before a number is not one).
_FORMULA_CANDIDATE = re.compile(r"(?m)^[=+@\t\r-]")
BATCH_ROWS = 4096


def _type_of_batch(joined: str) -> str:
    for kind, pattern in _ALL_OF:
        if pattern.fullmatch(joined):
            return kind
    return "text"


def _join_types(current: str, seen: str) -> str:
    if current == "empty" or current == seen:
        return seen
    if seen == "empty":
        return current
    if {current, seen} == {"integer", "number"}:
        return "number"
    return "text"


def sniff_kind(head: bytes, name: str) -> None:
    """Refuses a file whose first bytes say it is something else (an HTML page renamed to .csv)."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        raise NotWhatItSays(f"{name}：內容是網頁（HTML），不是它的副檔名所說的格式。")


def refuse_xml_as_csv(head: bytes, name: str) -> None:
    """A CSV never starts with markup: an SVG image (which runs script when opened) renamed .csv."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<?xml", b"<svg", b"<!doctype svg")):
        raise NotWhatItSays(f"{name}：內容是 XML 或 SVG 圖檔，不是 CSV。")


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
    """One pass over a CSV; with ``converted``, a Big5 file is written there as UTF-8 by a second,
    C-speed pass (the caller keeps the original; a UTF-8 file needs no copy and gets none). Refuses
    formula cells and broken encodings by line."""
    head = source.read(HEAD_BYTES)
    if not head.strip():
        raise NotWhatItSays(f"{name}：檔案是空的。")
    sniff_kind(head, name)
    refuse_xml_as_csv(head, name)
    encoding = detect_encoding(head, name)
    delimiter = detect_delimiter(head.decode(encoding, errors="ignore"))
    source.seek(0)
    text = io.TextIOWrapper(source, encoding=encoding, newline="", errors="strict")
    try:
        profile = _Profiler(name, encoding, delimiter).read(text)
    finally:
        text.detach()  # the caller's stream stays open: it is stored next
    if converted is not None and profile.encoding != "UTF-8":
        source.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        while chunk := source.read(CHUNK):
            converted.write(decoder.decode(chunk).encode("utf-8"))
        converted.write(decoder.decode(b"", final=True).encode("utf-8"))
    return profile


class _Profiler:
    """Rows are read by csv (C) and judged a batch at a time, column by column, so the per-cell work
    is done by str.count, str.join and one regular-expression match, not by a Python loop."""

    def __init__(self, name: str, encoding: str, delimiter: str) -> None:
        self.name = name
        self.encoding = encoding
        self.profile = Profile(encoding=profile_encoding(encoding), delimiter=delimiter, rows=0)

    def read(self, text: io.TextIOWrapper) -> Profile:
        reader = csv.reader(text, delimiter=self.profile.delimiter, strict=True)
        try:
            header = [h.strip() for h in next(reader)]
            self.columns = [Column(h or f"第{i + 1}欄") for i, h in enumerate(header)]
            self.samples: list[list[str]] = [[] for _ in self.columns]
            batch: list[list[str]] = []
            lines: list[int] = []
            for cells in reader:
                if cells:
                    batch.append(cells)
                    lines.append(reader.line_num)
                    if len(batch) == BATCH_ROWS:
                        self.take(batch, lines)
                        batch, lines = [], []
            self.take(batch, lines)
        except UnicodeDecodeError as error:
            raise NotWhatItSays(
                f"{self.name} 第 {reader.line_num + 1} 列附近：不是 {self.profile.encoding} 編碼（{error.reason}）。"
            ) from None
        except csv.Error:
            raise NotWhatItSays(
                f"{self.name} 第 {reader.line_num} 列：CSV 格式錯誤（引號未成對或欄位分隔不一致）。"
            ) from None
        except StopIteration:
            raise NotWhatItSays(f"{self.name}：讀不到欄位名稱。") from None
        for column, sample in zip(self.columns, self.samples, strict=True):
            column.personal = rules.personal_kind(column.name, sample)
        self.profile.columns = self.columns
        return self.profile

    def take(self, batch: list[list[str]], lines: list[int]) -> None:
        if not batch:
            return
        width, rows = len(self.columns), len(batch)
        self.profile.rows += rows
        ragged = rows - list(map(len, batch)).count(width)
        if ragged:
            self.profile.ragged_rows += ragged
            batch = [(r + [""] * width)[:width] for r in batch]
        for index, values in enumerate(zip(*batch, strict=True)):
            empty = values.count("")
            if empty == rows:
                continue
            column = self.columns[index]
            column.filled += rows - empty
            joined = "\n".join(values)
            if _FORMULA_CANDIDATE.search(joined):
                self.refuse_formulas(column, values, lines)
            if _MARKUP.search(joined):
                self.refuse_markup(column, values, lines)
            if column.type != "text":
                column.type = _join_types(column.type, _type_of_batch(joined))
            sample = self.samples[index]
            if len(sample) < SAMPLE_VALUES:
                sample.extend([v for v in values[: SAMPLE_VALUES * 2] if v][: SAMPLE_VALUES - len(sample)])

    def refuse_formulas(self, column: Column, values: tuple[str, ...], lines: list[int]) -> None:
        for value, line in zip(values, lines, strict=True):
            if rules.formula_start(value):
                raise NotWhatItSays(
                    f"{self.name} 第 {line} 列「{column.name}」欄：「{value[:20]}」以 {value[0]!r} 開頭，"
                    "試算表會把它當成公式執行；請改為純文字（例如前面加上單引號）後再上傳。"
                )

    def refuse_markup(self, column: Column, values: tuple[str, ...], lines: list[int]) -> None:
        for value, line in zip(values, lines, strict=True):
            found = _MARKUP.search(value)
            if found:
                raise NotWhatItSays(
                    f"{self.name} 第 {line} 列「{column.name}」欄：含有網頁標記「{found.group(0)}」；"
                    "資料集不收網頁或圖檔內容，請移除後再上傳。"
                )


# Markup that makes a "CSV" a page or an image when a browser opens it: a renamed HTML or SVG file
# whose first line looks like a header passes the first-bytes check, so every cell is looked at.
_MARKUP = re.compile(
    r"<\s*(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta|link|style)\b", re.IGNORECASE
)


def profile_encoding(encoding: str) -> str:
    return "UTF-8" if encoding.startswith("utf-8") else "Big5"


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
