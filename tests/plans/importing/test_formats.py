"""A plan reads the same from text, .docx, .odt and a PDF with a text layer; exports import back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from servq.plans.exporting import export
from servq.plans.importing import parse_file
from tests.plans.importing.test_bad_input import SMALL_PLAN

pytestmark = pytest.mark.django_db


def items_of(path: Path):
    plan = parse_file(path, max_bytes=settings.SERVQ_IMPORT_MAX_BYTES)
    return [
        (
            i.path,
            " ".join(i.text.split()),
            " ".join(i.deadline_raw.split()),
            i.units,
            " ".join(i.expected_benefit.split()),
        )
        for i in plan.items
    ]


def imported(tmp_path, text=SMALL_PLAN):
    from servq.agencies.models import Agency
    from servq.plans import services
    from servq.plans.importing import parse_file as parse

    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    parsed = parse(path, max_bytes=settings.SERVQ_IMPORT_MAX_BYTES)
    program = services.program_for(
        by=None, name=parsed.program_name, years=(parsed.first_year, parsed.last_year)
    ).program
    plan = services.import_plan(
        by=None, parsed=parsed, agency=Agency.objects.get(code="mof"), program=program
    )
    return path, plan


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_an_exported_document_imports_back_to_the_same_items(tmp_path, agency_tree, fmt):
    source, plan = imported(tmp_path)
    exported = tmp_path / f"exported.{fmt}"
    exported.write_bytes(export(plan, fmt))
    assert items_of(exported) == items_of(source)


def test_a_seed_survives_the_docx_round_trip(tmp_path, agency_tree):
    seed = Path(settings.SERVQ_SEEDS_DIR) / "002_18bbe963d1c4ca37.txt"
    if not seed.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{seed} missing under CI")
        pytest.skip(f"{seed} missing")
    _, plan = imported(tmp_path, seed.read_text(encoding="utf-8"))
    exported = tmp_path / "seed.docx"
    exported.write_bytes(export(plan, "docx"))
    assert items_of(exported) == items_of(seed)


OUTLINE = """示範區公所 115 年度提升服務品質工作計畫

115年1月20日訂定

壹、計畫依據

「政府服務躍升方案」。

肆、具體措施

一、完備基礎服務

- (一) 櫃檯設置單一窗口，受理各項申請。
- (二) 每年1月底前更新網站之服務項目。

二、重視意見回饋

- (一) 每半年辦理洽公民眾滿意度調查。
"""


def test_a_pdf_with_a_text_layer(tmp_path):
    """A PDF made by Typst from the outline text reads back the same items."""
    import json

    import typst

    font_dir = Path(settings.SERVQ_PDF_FONT_DIR)
    if not any(font_dir.glob("**/NotoSansCJK*")):
        if os.environ.get("CI") == "true":
            pytest.fail("fonts-noto-cjk is missing under CI")
        pytest.skip("no CJK font to make a test PDF (apt-get install fonts-noto-cjk)")
    source = tmp_path / "outline.txt"
    source.write_text(OUTLINE, encoding="utf-8")
    template = tmp_path / "doc.typ"
    template.write_text(
        '#set text(font: "Noto Sans CJK TC")\n#for line in json(bytes(sys.inputs.lines)) [#line \\ ]\n',
        encoding="utf-8",
    )
    pdf = typst.compile(
        str(template),
        font_paths=[str(font_dir)],
        sys_inputs={"lines": json.dumps(OUTLINE.split("\n"), ensure_ascii=False)},
    )
    path = tmp_path / "outline.pdf"
    path.write_bytes(pdf)

    # PDF text extraction puts spaces between digits and CJK (「每年 1 月」); compare without spaces.
    def squeezed(items):
        return [tuple("".join(str(v).split()) for v in item) for item in items]

    assert squeezed(items_of(path)) == squeezed(items_of(source))
    assert len(items_of(path)) == 3


def test_a_pdf_without_text_is_refused(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as stream:
        writer.write(stream)
    from servq.plans.importing import PlanFileError

    with pytest.raises(PlanFileError, match=r"scan\.pdf: the PDF has no text layer"):
        parse_file(path, max_bytes=settings.SERVQ_IMPORT_MAX_BYTES)


def test_a_pdf_plan_table_imports_back_cell_by_cell(tmp_path, agency_tree):
    """Issue 22.4: a PDF's table read with its cell boundaries (pdfplumber), not the text layer alone,
    so units and deadlines stay in their columns; here servq's own PDF of a seed plan, whose table
    runs over several pages and repeats its header on each."""
    font_dir = Path(settings.SERVQ_PDF_FONT_DIR)
    if not any(font_dir.glob("**/NotoSansCJK*")) and not any(font_dir.glob("NotoSansHant*")):
        if os.environ.get("CI") == "true":
            pytest.fail("no CJK font under CI")
        pytest.skip("no CJK font to make a test PDF")
    seed = Path(settings.SERVQ_SEEDS_DIR) / "002_18bbe963d1c4ca37.txt"
    if not seed.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{seed} missing under CI")
        pytest.skip(f"{seed} missing")
    _, plan = imported(tmp_path, seed.read_text(encoding="utf-8"))
    exported = tmp_path / "seed.pdf"
    exported.write_bytes(export(plan, "pdf"))

    def squeezed(items):
        return [tuple("".join(str(v).split()) for v in item) for item in items]

    assert squeezed(items_of(exported)) == squeezed(items_of(seed))


def _fake_soffice(directory, docx_bytes: bytes):
    """A stand-in for LibreOffice: writes the prepared .docx where `--convert-to docx` would."""
    script = directory / "soffice"
    (directory / "out.docx").write_bytes(docx_bytes)
    script.write_text(
        "#!/bin/sh\n"
        "for last; do :; done\n"
        'outdir=""\nprev=""\nfor a in "$@"; do [ "$prev" = "--outdir" ] && outdir="$a"; prev="$a"; done\n'
        f'cp "{directory / "out.docx"}" "$outdir/plan.docx"\n'
    )
    script.chmod(0o755)


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def test_an_old_word_file_is_converted_through_libreoffice_when_installed(tmp_path, monkeypatch):
    import io as _io

    import docx

    from servq.plans.importing.readers import read_lines

    document = docx.Document()
    document.add_paragraph("臺北市政府115年提升服務品質實施計畫")
    buffer = _io.BytesIO()
    document.save(buffer)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_soffice(bin_dir, buffer.getvalue())
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    plan = tmp_path / "舊計畫.doc"
    plan.write_bytes(OLE2)
    assert "臺北市政府115年提升服務品質實施計畫" in "\n".join(read_lines(plan, max_bytes=10_000_000))


def test_an_old_word_file_without_libreoffice_says_how_to_save_it(tmp_path, monkeypatch):
    from servq.plans.importing.explain import explain_refusal
    from servq.plans.importing.model import PlanFileError
    from servq.plans.importing.readers import read_lines

    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    plan = tmp_path / "舊計畫.doc"
    plan.write_bytes(OLE2)
    with pytest.raises(PlanFileError) as refused:
        read_lines(plan, max_bytes=10_000_000)
    assert explain_refusal(str(refused.value)).startswith("舊計畫.doc：舊版 Word（.doc）檔")
    plan.write_bytes(b"<html>not a doc</html>")
    with pytest.raises(PlanFileError) as refused:
        read_lines(plan, max_bytes=10_000_000)
    assert explain_refusal(str(refused.value)) == "舊計畫.doc：副檔名是 .doc，內容卻不是舊版 Word 檔"


SEED_FILES = sorted(Path(settings.SERVQ_SEEDS_DIR).glob("*.txt"))


def every_section(path: Path) -> dict:
    """What an import keeps of a file: every section's text, the years, the history, the counts."""
    plan = parse_file(path, max_bytes=settings.SERVQ_IMPORT_MAX_BYTES)
    text = {
        name: " ".join(getattr(plan, name).split())
        for name in ("title", "basis", "goals", "scope", "steps", "oversight", "rewards")
    }
    return text | {
        "years": (plan.first_year, plan.last_year),
        "revisions": list(plan.revisions),
        "items": len(plan.items),
        "indicators": len(plan.indicators),
    }


@pytest.mark.seeds
@pytest.mark.parametrize("fmt", ["docx", "odt"])
@pytest.mark.parametrize("seed", SEED_FILES, ids=[s.name[:3] for s in SEED_FILES])
def test_our_own_export_of_a_seed_imports_back_with_every_section(tmp_path, agency_tree, seed, fmt):
    """Issue 33.5: goals, scope, steps, oversight and rewards numbered 一、二、… inside their section
    were read back as headings of their own, and dropped without a warning."""
    source, plan = imported(tmp_path, seed.read_text(encoding="utf-8"))
    exported = tmp_path / f"exported.{fmt}"
    exported.write_bytes(export(plan, fmt))
    assert every_section(exported) == every_section(source)
