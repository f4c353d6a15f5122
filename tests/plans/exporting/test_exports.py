"""Documents and data out: each format opens in its own reader and holds the plan."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from servq.plans.exporting import export
from tests.factories import FrameworkNodeFactory, PlanFactory, PlanItemFactory

pytestmark = pytest.mark.django_db
HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)"]


@pytest.fixture
def plan(agency_tree):
    plan = PlanFactory(
        agency=agency_tree["mof"],
        title="財政部115年度提升服務品質執行計畫",
        first_year=2026,
        last_year=2026,
        basis="「政府服務躍升方案」。",
        goals="提升便民服務。",
        scope="本部各單位",
        oversight="每半年自行考核。",
    )
    plan.revisions.create(date="2026-01-20", label="115年1月20日訂定")
    outer = FrameworkNodeFactory(plan=plan, title="一、完備基礎服務", position=0)
    inner = FrameworkNodeFactory(plan=plan, parent=outer, title="(一) 建立標準作業流程", position=1, depth=1)
    item = PlanItemFactory(
        plan=plan,
        node=inner,
        position=0,
        text="訂定申辦業務標準作業流程",
        deadline_raw="115年6月30日",
        deadline_kind="date",
        deadline_due="2026-06-30",
        expected_benefit="◎處理一致。",
    )
    item.units.create(name="秘書處", position=0)
    for n, text in enumerate([*HOSTILE, "<script>alert(1)</script>"], start=1):
        PlanItemFactory(plan=plan, node=inner, position=n, text=text, deadline_raw="經常辦理")
    indicator = plan.indicators.create(name="線上申辦件數", unit="件")
    indicator.targets.create(year=2026, value=1200)
    return plan


def test_csv_rows_and_neutralised_formulas(plan):
    data = export(plan, "csv")
    assert data.startswith(b"\xef\xbb\xbf"), "a BOM, so Excel reads the Chinese right"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["計畫", "機關", "架構", "項目"]
    first = rows[1]
    assert first[2] == "一、完備基礎服務 › (一) 建立標準作業流程"
    assert (first[3], first[5], first[6], first[7], first[8], first[9]) == (
        "訂定申辦業務標準作業流程",
        "115年6月30日",
        "日期",  # the kind in words, not the code
        "115年6月30日",  # the due date as offices read it
        "2026-06-30",  # and as machines do
        "秘書處",
    )
    assert [r[3] for r in rows[2:6]] == [f"'{h}" for h in HOSTILE]
    assert rows[6][3] == "<script>alert(1)</script>"


def test_xlsx_cells_are_typed_and_a_formula_is_text_shown_as_written(plan):
    """Issue 36.2: a neutralised formula showed a visible 「'」; 到期日（西元） was text; every column
    was 13 wide. Text is now typed as text (never run, shown as written), dates are dates."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export(plan, "xlsx"))).active
    values = [row[3].value for row in sheet.iter_rows(min_row=2)]
    assert values[0] == "訂定申辦業務標準作業流程"
    assert values[1:5] == list(HOSTILE), "as written, no apostrophe"
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value not in (None, "")]
    assert not [c for c in cells if c.data_type == "f"], "no formula anywhere"
    header = [c.value for c in sheet[1]]
    due = [row[header.index("到期日（西元）")] for row in sheet.iter_rows(min_row=2)]
    assert {c.data_type for c in due if c.value} == {"d"}
    widths = {sheet.column_dimensions[letter].width for letter in "ABCD"}
    assert len(widths) > 1, "columns fitted to their content"


def test_ods_holds_the_rows(plan):
    from odf import teletype
    from odf.opendocument import load
    from odf.table import TableCell, TableRow

    rows = load(io.BytesIO(export(plan, "ods"))).spreadsheet.getElementsByType(TableRow)
    texts = [teletype.extractText(r) for r in rows]
    assert "訂定申辦業務標準作業流程" in texts[1]
    hostile = [c for c in rows[2].getElementsByType(TableCell) if teletype.extractText(c) == HOSTILE[0]]
    assert hostile and hostile[0].getAttribute("valuetype") == "string", "a string cell, shown as written"
    assert not [c for r in rows for c in r.getElementsByType(TableCell) if c.getAttribute("formula")]


def test_docx_is_laid_out_like_the_seeds(plan):
    import docx

    document = docx.Document(io.BytesIO(export(plan, "docx")))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "財政部115年度提升服務品質執行計畫"
    assert "115年1月20日訂定" in paragraphs
    for heading in [
        "壹、依據",
        "貳、目標",
        "參、計畫期程",
        "肆、實施對象",
        "伍、計畫內容",
        "陸、量化指標",
        # After the table, in 003's order (伍、實施步驟 陸、考核作業 柒、獎勵方式).
        "柒、實施步驟",
        "捌、管制考核",
        "玖、獎勵方式",
    ]:
        assert heading in paragraphs
    items = document.tables[0]
    assert [c.text for c in items.rows[0].cells] == [
        "計畫要項",
        "執行策略",
        "執行方法",
        "完成期限",
        "承辦單位",
        "預期效益",
    ]
    assert [c.text for c in items.rows[1].cells][2:5] == [
        "訂定申辦業務標準作業流程",
        "115年6月30日",
        "秘書處",
    ]
    assert document.core_properties.title == plan.title


def test_odt_holds_the_plan(plan):
    from odf import teletype
    from odf.opendocument import load
    from odf.text import P

    text = " ".join(
        teletype.extractText(p) for p in load(io.BytesIO(export(plan, "odt"))).getElementsByType(P)
    )
    assert "財政部115年度提升服務品質執行計畫" in text and "訂定申辦業務標準作業流程" in text


def needs_font():
    if not any(Path(settings.SERVQ_PDF_FONT_DIR).glob("**/NotoSansCJK*")):
        if os.environ.get("CI") == "true":
            pytest.fail("fonts-noto-cjk is missing under CI")
        pytest.skip("no CJK font for PDF export (apt-get install fonts-noto-cjk)")


def test_pdf_embeds_its_font_and_has_cjk_text_and_a_title(plan):
    from pypdf import PdfReader

    needs_font()
    reader = PdfReader(io.BytesIO(export(plan, "pdf")))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "訂定申辦業務標準作業流程" in "".join(text.split())
    assert "<script>alert(1)</script>" in text, "user text is printed as text, never run as Typst markup"
    assert reader.metadata.title == plan.title
    fonts = [f for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    descendants = [f.get_object()["/DescendantFonts"][0].get_object() for f in fonts]
    assert all(
        "/FontFile3" in d["/FontDescriptor"] or "/FontFile2" in d["/FontDescriptor"] for d in descendants
    )
    assert any("NotoSansCJK" in d["/BaseFont"] for d in descendants)


def test_pdf_without_the_font_says_which_setting(plan, settings, tmp_path):
    from servq.plans.exporting.pdf import FontMissing

    settings.SERVQ_PDF_FONT_DIR = str(tmp_path)
    with pytest.raises(FontMissing, match="SERVQ_PDF_FONT_DIR"):
        export(plan, "pdf")


def test_export_command_writes_the_file(plan, tmp_path):
    target = tmp_path / "plan.docx"
    call_command("export_plan", str(plan.pk), "--format", "docx", "-o", str(target))
    assert zipfile.is_zipfile(target)


@pytest.mark.parametrize(
    ("args", "message"),
    [(["999999", "--format", "csv"], "no plan with the id 999999")],
)
def test_export_command_bad_input(plan, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_plan", *args, "-o", str(tmp_path / "x.csv"))
    assert list(tmp_path.iterdir()) == []


def test_export_command_refuses_a_missing_directory(plan, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_plan", str(plan.pk), "--format", "csv", "-o", str(tmp_path / "no" / "x.csv"))


def test_export_command_refuses_an_unknown_format(plan, tmp_path):
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("export_plan", str(plan.pk), "--format", "wpd", "-o", str(tmp_path / "x.wpd"))


def test_download_headers_and_drafts_of_others_are_404(client, plan, agency_tree):
    response = client.get(f"/plans/{plan.pk}/export/csv/")
    assert response["Content-Type"].startswith("text/csv")
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    assert client.get(f"/plans/{plan.pk}/export/exe/").status_code == 404
    draft = PlanFactory(agency=agency_tree["moea"], status="draft")
    assert client.get(f"/plans/{draft.pk}/export/pdf/").status_code == 404


def test_odt_tables_have_ruled_padded_cells_and_keep_line_breaks(plan):
    """Issue 36.1: no borders or padding, and a \\n written inside text:p."""
    from odf import teletype
    from odf.namespaces import FONS
    from odf.opendocument import load
    from odf.style import Style, TableCellProperties
    from odf.table import TableCell
    from odf.text import P

    item = plan.items.order_by("position").first()
    item.actions = "第一步：盤點表單\n第二步：簡化流程"
    item.save()
    document = load(io.BytesIO(export(plan, "odt")))
    ruled = {
        style.getAttribute("name")
        for style in document.automaticstyles.getElementsByType(Style)
        for props in style.getElementsByType(TableCellProperties)
        if "solid" in (props.attributes.get((FONS, "border")) or "")
        and props.attributes.get((FONS, "padding"))
    }
    cells = document.getElementsByType(TableCell)
    assert cells and all(cell.getAttribute("stylename") in ruled for cell in cells)
    paragraphs = [teletype.extractText(p) for cell in cells for p in cell.getElementsByType(P)]
    assert "第一步：盤點表單" in paragraphs and "第二步：簡化流程" in paragraphs
    assert not any("\n" in text for text in paragraphs)


def test_format_names_are_in_the_readers_language(client, plan):
    """Issue 33.13: the English plan page offered 「ODF 文件」."""
    from django.urls import reverse

    plan.status = "published"
    plan.save()
    english = client.get(reverse("plans:detail", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ODF document (ODT)" in english and "ODF 文件" not in english
    chinese = client.get(
        reverse("plans:detail", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="zh-Hant"
    ).content.decode()
    assert "ODF 文件 (ODT)" in chinese
