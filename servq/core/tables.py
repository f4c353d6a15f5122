"""Tables people upload (CSV in UTF-8 or Big5, or an ODS sheet) read as a header and numbered rows,
with refusals that name the file and line. Shared by every bulk import of rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
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
    TableError.require(b"\x00" not in data[:4096], f"{name}：不是 CSV 文字檔（請存成 CSV 或 ODS）。", "file")
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


MAX_REPEAT = 1000  # an ODS row may say it repeats a million empty cells; never expand that


def _read_ods(data: bytes, name: str) -> Table:
    from odf.opendocument import load
    from odf.table import Table as OdsTable
    from odf.table import TableCell, TableRow

    from servq.core.archives import open_zip

    try:
        open_zip(data, name=name).close()  # the capped reader refuses bombs before odfpy inflates
        document = load(io.BytesIO(data))
    except Exception as error:
        raise TableError(f"{name}：不是可讀的 ODS 試算表（{error}）。", "file") from None
    tables = document.spreadsheet.getElementsByType(OdsTable)
    TableError.require(bool(tables), f"{name}：試算表沒有工作表。", "file")
    lines: list[list[str]] = []
    for row in tables[0].getElementsByType(TableRow):
        cells: list[str] = []
        for cell in row.getElementsByType(TableCell):
            repeat = min(int(cell.getAttribute("numbercolumnsrepeated") or 1), MAX_REPEAT)
            cells.extend([str(cell).strip()] * repeat)
        while cells and not cells[-1]:
            cells.pop()
        lines.append(cells)
    TableError.require(bool(lines), f"{name}：工作表是空的。", "file")
    header = [cell.strip() for cell in lines[0]]
    numbered = ((i, cells) for i, cells in enumerate(lines[1:], start=2) if any(cells))
    return Table(name, header, numbered)
