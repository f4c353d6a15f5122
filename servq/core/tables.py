"""Tables people upload (CSV in UTF-8 or Big5, an ODS or an XLSX sheet) read as a header and numbered rows,
with refusals that name the file and line. Shared by every bulk import of rows."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from servq.core.errors import ServiceError


class TableError(ServiceError):
    pass


@dataclass(frozen=True)
class Table:
    name: str
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (line number in the file, cells), blank rows skipped

    def columns(self, required: tuple[str, ...]) -> dict[str, int]:
        """Where each named column is; refuses, naming them, when required ones are missing."""
        where = {name: i for i, name in enumerate(self.header) if name}
        missing = [name for name in required if name not in where]
        TableError.require(not missing, f"{self.name} 第 1 列：缺少欄位「{'」「'.join(missing)}」。", "file")
        return where


def heading_columns(header: Sequence[str], headings: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Where each field's column is, by any of the headings lists use for it (full-width letters,
    spaces and case ignored): the first column that matches each field."""
    folded = [unicodedata.normalize("NFKC", h).replace(" ", "").lower() for h in header]
    found: dict[str, int] = {}
    for key, names in headings.items():
        wanted = {n.lower() for n in names}
        index = next((i for i, heading in enumerate(folded) if heading in wanted), None)
        if index is not None:
            found[key] = index
    return found


def missing_headings(
    found: Mapping[str, int], headings: Mapping[str, Sequence[str]], required: Sequence[str]
) -> list[str]:
    """The usual heading of each required field no column was found for."""
    return [headings[key][0] for key in required if key not in found]


def cell_text(cells: Sequence[str], where: Mapping[str, int], key: str) -> str:
    """A field's text in a row, NFKC-normalised with its runs of spaces folded; empty when the row
    is short or the column absent."""
    index = where.get(key)
    text = cells[index] if index is not None and index < len(cells) else ""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without a BOM), else Big5 (cp950) as older office software writes it."""
    for encoding in ("utf-8-sig", "cp950"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(f"{name}：不是 UTF-8 或 Big5 編碼的文字檔。", "file")


def read_table(data: bytes, name: str, *, max_bytes: int) -> Table:
    TableError.require(len(data) <= max_bytes, f"{name}：檔案超過 {max_bytes // 1_000_000} MB。", "file")
    TableError.require(bool(data.strip()), f"{name}：檔案是空的。", "file")
    if name.lower().endswith(".ods"):
        return _read_ods(data, name)
    if name.lower().endswith(".xlsx"):
        return _read_xlsx(data, name)
    TableError.require(
        b"\x00" not in data[:4096], f"{name}：不是 CSV 文字檔（請存成 CSV、ODS 或 XLSX）。", "file"
    )
    text = decode(data, name)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [cell.strip() for cell in next(reader)]
    except (StopIteration, csv.Error) as error:
        raise TableError(f"{name} 第 1 列：讀不到欄位名稱（{error}）。", "file") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    yield reader.line_num, cells
        except csv.Error as error:
            raise TableError(f"{name} 第 {reader.line_num} 列：{error}", "file") from None

    return Table(name, header, rows())


# An ODS sheet says how often a cell or a row repeats (number-columns-repeated="1000"); a 1 MB file
# of such cells once took a web process from 372 MB to 1.7 GB. The sheet is read as a stream of XML
# events (nothing of it held but the row being read), empty runs are never written out, and what is
# written out is capped: a table of people's rows is never wider or larger than this.
MAX_COLUMNS = 200
MAX_CELLS = 2_000_000

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _read_ods(data: bytes, name: str) -> Table:
    from servq.core.archives import ArchiveRefused, open_zip

    try:
        archive = open_zip(data, name=name)  # the capped reader refuses bombs before anything inflates
        content = archive.open("content.xml")
    except (ArchiveRefused, KeyError) as error:
        raise TableError(f"{name}：不是可讀的 ODS 試算表（{error}）。", "file") from None
    with content:
        lines = list(_ods_rows(content, name))
    TableError.require(bool(lines), f"{name}：工作表是空的。", "file")
    header = [cell.strip() for cell in lines[0][1]]
    numbered = ((line, cells) for line, cells in lines[1:] if any(cells))
    return Table(name, header, numbered)


def _ods_rows(content, name: str) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows as (row number, cells), trailing empty cells dropped, empty rows not
    yielded (their numbers counted), every repeat expanded only up to the caps."""
    from defusedxml.ElementTree import iterparse

    line, cells_out, tables = 0, 0, 0
    row: list[str] = []
    pending_empty = 0
    try:
        for event, element in iterparse(content, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == _TABLE + "table":
                    tables += 1
                elif tag == _TABLE + "table-row" and tables == 1:
                    row, pending_empty = [], 0
                continue
            if tables != 1:
                if tag == _TABLE + "table" and tables > 1:
                    break
                continue
            if tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
                repeat = _repeat(element, "number-columns-repeated")
                text = _cell_text(element)
                if not text:
                    pending_empty += repeat  # written out only if something follows in the row
                else:
                    width = len(row) + pending_empty + repeat
                    TableError.require(
                        width <= MAX_COLUMNS,
                        f"{name} 第 {line + 1} 列：超過 {MAX_COLUMNS} 欄，請只留需要的欄位。",
                        "file",
                    )
                    row.extend([""] * pending_empty + [text] * repeat)
                    pending_empty = 0
                element.clear()
            elif tag == _TABLE + "table-row":
                repeat = _repeat(element, "number-rows-repeated")
                if not row:
                    line += repeat
                else:
                    cells_out += len(row) * repeat
                    TableError.require(
                        cells_out <= MAX_CELLS,
                        f"{name} 第 {line + 1} 列：試算表超過 {MAX_CELLS:,} 個儲存格，請分批匯入。",
                        "file",
                    )
                    for _ in range(repeat):
                        line += 1
                        yield line, list(row)
                element.clear()
            elif tag == _TABLE + "table":
                break
    except TableError:
        raise
    except Exception as error:  # malformed XML, entities (defusedxml), a truncated stream
        raise TableError(f"{name}：不是可讀的 ODS 試算表（{type(error).__name__}）。", "file") from None
    TableError.require(tables > 0, f"{name}：試算表沒有工作表。", "file")


def _repeat(element, attribute: str) -> int:
    raw = element.get(_TABLE + attribute) or "1"
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


def _cell_text(cell) -> str:
    """A cell's text as typed: its paragraphs on lines of their own, <text:s/> as spaces."""
    paragraphs = []
    for paragraph in cell.iter(_TEXT + "p"):
        paragraphs.append("".join(_inline_text(paragraph)))
    return "\n".join(paragraphs).strip()


def _inline_text(node) -> Iterator[str]:
    if node.text:
        yield node.text
    for child in node:
        if child.tag == _TEXT + "s":
            yield " " * _count(child)
        elif child.tag == _TEXT + "tab":
            yield "\t"
        elif child.tag == _TEXT + "line-break":
            yield "\n"
        else:
            yield from _inline_text(child)
        if child.tail:
            yield child.tail


def _count(node) -> int:
    raw = node.get(_TEXT + "c") or "1"
    return min(int(raw), 100) if raw.isdigit() else 1


def _read_xlsx(data: bytes, name: str) -> Table:
    """The first sheet of an Excel workbook, its cells as text (a whole number without its ``.0``,
    a date as ISO), within the same caps as an ODS sheet; a formula is read as the text it is."""
    import datetime as dt

    from openpyxl import load_workbook

    from servq.core.archives import ArchiveRefused, open_zip

    try:
        open_zip(data, name=name)  # refuses a bomb before openpyxl inflates anything
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except ArchiveRefused as error:
        raise TableError(f"{name}：不是可讀的 XLSX 試算表（{error}）。", "file") from None
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise TableError(f"{name}：不是可讀的 XLSX 試算表（{type(error).__name__}）。", "file") from None

    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, (dt.datetime, dt.date)):
            return value.isoformat()
        return str(value)

    lines: list[tuple[int, list[str]]] = []
    cells = 0
    for number, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
        values = [text(value) for value in row[:MAX_COLUMNS]]
        while values and not values[-1]:
            values.pop()
        cells += len(values)
        TableError.require(
            cells <= MAX_CELLS, f"{name} 第 {number} 列：儲存格超過 {MAX_CELLS:,} 個。", "file"
        )
        if values:
            lines.append((number, values))
    workbook.close()
    TableError.require(bool(lines), f"{name}：工作表是空的。", "file")
    header = [cell.strip() for cell in lines[0][1]]
    return Table(name, header, iter(lines[1:]))
