"""The one reader of uploaded tables: ODS read as a stream, repeats expanded only within caps."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from servq.core.sheets import to_ods
from servq.core.tables import MAX_CELLS, MAX_COLUMNS, TableError, read_table

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods(rows_xml: str) -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}><office:body>'
        f'<office:spreadsheet><table:table table:name="工作表1">{rows_xml}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return out.getvalue()


def cell(text: str = "", repeat: int = 1) -> str:
    attribute = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    body = f"<text:p>{text}</text:p>" if text else ""
    return f"<table:table-cell{attribute}>{body}</table:table-cell>"


def row(*cells: str, repeat: int = 1) -> str:
    attribute = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attribute}>{''.join(cells)}</table:table-row>"


def test_a_sheet_servq_wrote_reads_back_row_for_row():
    sheet = to_ods("名單", ["姓名", "電話"], [["王小明", "02-1234"], ["林美玲", ""]])
    table = read_table(sheet, "名單.ods", max_bytes=10**6)
    assert table.header == ["姓名", "電話"]
    assert list(table.rows) == [(2, ["王小明", "02-1234"]), (3, ["林美玲"])]


def test_spaces_line_breaks_and_repeats_are_read_as_typed():
    data = ods(
        row(cell("項目"), cell("說明"))
        + row(
            cell("甲"),
            '<table:table-cell><text:p>第一行<text:s text:c="2"/>尾</text:p><text:p>第二行</text:p></table:table-cell>',
        )
        + row(cell("同", repeat=2), repeat=2)
    )
    table = read_table(data, "a.ods", max_bytes=10**6)
    assert list(table.rows) == [(2, ["甲", "第一行  尾\n第二行"]), (3, ["同", "同"]), (4, ["同", "同"])]


def test_empty_runs_are_never_written_out_and_rows_keep_their_numbers():
    data = ods(
        row(cell("名稱"), cell(repeat=16000))
        + row(cell(repeat=1024), repeat=1_000_000)
        + row(cell("乙"), cell(repeat=16000))
    )
    table = read_table(data, "a.ods", max_bytes=10**6)
    assert table.header == ["名稱"]
    assert list(table.rows) == [(1_000_002, ["乙"])]


def test_a_repeated_cell_bomb_is_refused_in_little_memory():
    # 0.9 MB of cells each repeated 1000 times, as the probe sent: a billion cells if expanded.
    bomb = ods("".join(row(cell(f"{i:x}", repeat=150), cell(f"{i * 7:x}", repeat=40)) for i in range(20_000)))
    assert len(bomb) < 2_000_000
    tracemalloc.start()
    try:
        with pytest.raises(TableError, match=f"超過 {MAX_CELLS:,} 個儲存格"):
            list(read_table(bomb, "bomb.ods", max_bytes=10**8).rows)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024


def test_a_row_wider_than_any_table_of_people_is_refused():
    with pytest.raises(TableError, match=f"a.ods 第 2 列：超過 {MAX_COLUMNS} 欄"):
        read_table(ods(row(cell("名稱")) + row(cell("x", repeat=1000))), "a.ods", max_bytes=10**6)


def test_too_many_cells_in_all_are_refused_naming_the_row():
    data = ods(row(*[cell("v", repeat=100)]) + row(cell("v", repeat=100), repeat=MAX_CELLS // 100 + 5))
    with pytest.raises(TableError, match=r"a\.ods 第 \d+ 列：試算表超過"):
        read_table(data, "a.ods", max_bytes=10**8)


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 truncated",
        ods(row(cell("a")))[:-30],
        ods("<table:table-row><table:table-cell>").replace(b"", b""),
    ],
)
def test_broken_sheets_are_refused_by_name(data):
    with pytest.raises(TableError, match=r"a\.ods"):
        read_table(data, "a.ods", max_bytes=10**6)


def test_an_entity_bomb_is_refused():
    content = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f"<office:document-content {NS}><table:table><table:table-row><table:table-cell><text:p>&b;</text:p>"
        "</table:table-cell></table:table-row></table:table></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("content.xml", content)
    with pytest.raises(TableError, match=r"a\.ods：不是可讀的 ODS"):
        read_table(out.getvalue(), "a.ods", max_bytes=10**6)
