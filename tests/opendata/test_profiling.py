"""Profiling what agencies upload: encodings, delimiters, types, empty and personal columns, formula
cells and files that are not what they say, each refused with the file and line."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servq.opendata import profiling, rules
from tests.bombs import bomb


def profile(text: str, encoding: str = "utf-8", converted=None):
    return profiling.profile_csv(io.BytesIO(text.encode(encoding)), "data.csv", converted=converted)


def test_a_csv_is_profiled_columns_rows_types_and_empty_columns():
    found = profile(
        "區別,人口數,比率,統計日期,備註\n鹽埕區,22156,0.81,113/10/31,\n鼓山區,141203,1.2,2024-10-31,\n"
    )
    assert (found.encoding, found.delimiter, found.rows) == ("UTF-8", ",", 2)
    assert [(c.name, c.type) for c in found.columns] == [
        ("區別", "text"),
        ("人口數", "integer"),
        ("比率", "number"),
        ("統計日期", "date"),
        ("備註", "empty"),
    ]
    assert found.empty_columns == ["備註"]


def test_a_big5_file_is_read_and_converted_to_utf8_line_for_line():
    text = "區別;戶數\r\n鹽埕區;11234\r\n鼓山區;58321\r\n"
    out = io.BytesIO()
    found = profile(text, "cp950", converted=out)
    assert (found.encoding, found.delimiter, found.rows) == ("Big5", ";", 2)
    assert out.getvalue().decode("utf-8") == text


def test_a_big5_file_larger_than_the_sniffed_head_converts_whole():
    rows = "".join(f"第{i}區,{i}\n" for i in range(60_000))
    out = io.BytesIO()
    found = profile("區別,數\n" + rows, "cp950", converted=out)
    assert found.rows == 60_000
    assert out.getvalue().decode("utf-8") == "區別,數\n" + rows


def test_quoted_fields_with_newlines_count_as_one_row():
    found = profile('名稱,說明\n甲,"第一行\n第二行"\n乙,短\n')
    assert found.rows == 2 and found.ragged_rows == 0


@pytest.mark.parametrize("cell", ["=HYPERLINK(A1)", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\t=1"])
def test_a_formula_cell_is_refused_naming_line_and_column(cell):
    with pytest.raises(profiling.NotWhatItSays, match=r"data\.csv 第 3 列「金額」欄"):
        profile(f'項目,金額\n甲,100\n乙,"{cell}"\n')


@pytest.mark.parametrize("cell", ["-12", "-0.5", "+886", "-1,200"])
def test_negative_numbers_are_not_formulas(cell):
    assert profile(f'項目,金額\n甲,"{cell}"\n').rows == 1


def test_an_html_page_renamed_to_csv_is_refused():
    with pytest.raises(profiling.NotWhatItSays, match=r"data\.csv：內容是網頁"):
        profile("<!DOCTYPE html><html><body>找不到網頁</body></html>")


def test_html_after_a_header_like_first_line_is_refused_by_line():
    page = "名稱,說明\n甲,正常\n<html><body><script>alert(1)</script></body></html>\n"
    with pytest.raises(profiling.NotWhatItSays, match=r"data\.csv 第 3 列「名稱」欄：含有網頁標記「<html」"):
        profile(page)


def test_a_script_in_a_quoted_cell_is_refused_naming_its_column():
    with pytest.raises(profiling.NotWhatItSays, match=r"第 2 列「說明」欄：含有網頁標記「<script」"):
        profile('名稱,說明\n甲,"好<script src=//x.example/a.js></script>"\n')


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
    ],
)
def test_an_svg_renamed_to_csv_is_refused(svg):
    with pytest.raises(profiling.NotWhatItSays, match=r"data\.csv：內容是 XML 或 SVG"):
        profile(svg)


def test_a_less_than_sign_in_data_is_not_markup():
    assert profile("項目,條件\n甲,<5 人\n乙,a<b\n").rows == 2


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x00\x01binary\x00"])
def test_empty_or_binary_files_are_refused(data):
    with pytest.raises(profiling.NotWhatItSays, match=r"data\.csv"):
        profiling.profile_csv(io.BytesIO(data), "data.csv")


def test_a_file_that_turns_into_another_encoding_is_refused_by_line():
    head = "區別,數\n" + "".join(f"甲{i},{i}\n" for i in range(40_000))
    broken = head.encode("utf-8") + "乙,1\n".encode("cp950")
    with pytest.raises(profiling.NotWhatItSays, match="列附近：不是 UTF-8 編碼"):
        profiling.profile_csv(io.BytesIO(broken), "data.csv")


def test_a_truncated_quoted_field_is_refused_with_its_line():
    with pytest.raises(profiling.NotWhatItSays, match=r"data\.csv 第 .* 列"):
        profile('名稱,說明\n甲,"沒有結束的引號\n')


@pytest.mark.parametrize(
    ("header", "values", "kind"),
    [
        ("身分證字號", ["A123456789"], "id_number"),
        ("申請人姓名", ["王小明"], "name"),
        ("聯絡電話", ["02-2345-6789"], "phone"),
        ("E-mail", ["a@b.tw"], "email"),
        ("住址", ["中山路100號"], "address"),
        ("欄1", ["A123456789", "B234567890", "C123456789"], "id_number"),  # by values, whatever the name
        ("備註", ["x@example.com", "", "無"], "email"),
    ],
)
def test_personal_columns_are_found_by_name_or_by_values(header, values, kind):
    assert rules.personal_kind(header, values) == kind


def test_ordinary_columns_are_not_personal():
    assert rules.personal_kind("人口數", ["22156", "141203"]) is None
    assert rules.personal_kind("區別", ["鹽埕區", "鼓山區"]) is None


def test_an_unnamed_id_column_is_flagged_in_the_profile():
    found = profile("序號,欄A\n1,A123456789\n2,B223456789\n")
    assert [(c.name, c.personal) for c in found.columns] == [("序號", None), ("欄A", "id_number")]


def test_json_xml_and_ods_must_parse_as_what_they_say():
    def check(data: bytes, fmt: str) -> None:
        profiling.check_other(data[:100], io.BytesIO(data), fmt, f"x.{fmt.lower()}", max_bytes=1_000_000)

    check(b'{"a": 1}', "JSON")
    check(b"<a><b>1</b></a>", "XML")
    with pytest.raises(profiling.NotWhatItSays, match="不是有效的 JSON"):
        check(b'{"a": ', "JSON")
    with pytest.raises(profiling.NotWhatItSays, match=r"不被接受|不是有效的 XML"):
        check(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><x>&b;</x>', "XML")
    with pytest.raises(profiling.NotWhatItSays, match="不是 ODS"):
        check(b"PK\x03\x04 not really", "ODS")
    with pytest.raises(profiling.NotWhatItSays, match="內容是網頁"):
        check(b"<html><body>404</body></html>", "JSON")


def test_an_ods_zip_bomb_is_refused_without_inflating_it():
    with pytest.raises(profiling.NotWhatItSays, match="不是 ODS"):
        data = bomb()
        profiling.check_other(data[:100], io.BytesIO(data), "ODS", "x.ods", max_bytes=10**9)


@given(st.text(max_size=300))
def test_any_text_is_profiled_or_refused_with_a_message_never_a_crash(text):
    try:
        profiling.profile_csv(io.BytesIO(text.encode("utf-8")), "any.csv")
    except profiling.NotWhatItSays as refused:
        assert str(refused).startswith("any.csv")


def test_the_next_update_follows_the_frequency():
    import datetime as dt

    day = dt.date(2026, 1, 31)
    assert rules.next_update(day, "monthly") == dt.date(2026, 3, 3)
    assert rules.next_update(day, "irregular") is None
    assert rules.overdue(day, "weekly", dt.date(2026, 2, 8)) and not rules.overdue(
        day, "weekly", dt.date(2026, 2, 7)
    )


def test_the_workflow_has_no_way_around_approval():
    assert rules.next_move("planned", "publish") is None
    assert rules.next_move("in_review", "publish") is None
    assert rules.next_move("approved", "publish") == "published"
    assert rules.next_move("withdrawn", "submit") == "in_review"
