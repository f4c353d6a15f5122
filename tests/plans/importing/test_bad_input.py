"""Bad files: one line naming the file and the line or row, a non-zero exit, and nothing written."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from servq.core.models import AuditEntry
from servq.plans.models import Plan

pytestmark = pytest.mark.django_db

SMALL_PLAN = """示範機關 115 年度提升服務品質執行計畫

壹、計畫依據

「政府服務躍升方案」。

肆、計畫內容

實施要項\t推動作法\t完成期限\t承辦機關(單位)\t預期效益
一、服務一致\t(一)建置常見問題集\t115年6月30日\t資訊科\t◎減少重複詢問。
\t(二)<script>alert(1)</script>\t經常辦理\t秘書室\t◎=cmd|' /C calc'!A0
"""


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def refused(path, match):
    plans, entries = Plan.objects.count(), AuditEntry.objects.count()
    with pytest.raises(CommandError, match=match) as error:
        call_command("import_plan", str(path), "--agency", "mof")
    message = str(error.value)
    assert "\n" not in message, "the message is one line"
    assert (Plan.objects.count(), AuditEntry.objects.count()) == (plans, entries), "nothing was written"
    return message


def test_empty_file(tmp_path, agency_tree):
    refused(write(tmp_path, "empty.txt", b""), r"empty\.txt: the file is empty")


def test_whitespace_only_file(tmp_path, agency_tree):
    refused(write(tmp_path, "blank.txt", "\n \n\t\n"), r"blank\.txt")


def test_binary_file(tmp_path, agency_tree):
    refused(
        write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50),
        r"image\.txt: a binary file",
    )


def test_big5_text_is_converted(tmp_path, agency_tree):
    path = write(tmp_path, "big5.txt", SMALL_PLAN.encode("cp950", errors="ignore"))
    call_command("import_plan", str(path), "--agency", "mof")
    assert Plan.objects.get().items.count() == 2


def test_utf16_text_is_converted(tmp_path, agency_tree):
    path = write(tmp_path, "utf16.txt", SMALL_PLAN.encode("utf-16"))
    call_command("import_plan", str(path), "--agency", "mof")
    assert Plan.objects.get().items.count() == 2


def test_latin1_garbage_names_the_line(tmp_path, agency_tree):
    data = "第一行\n第二行\n".encode() + bytes([0xE9, 0x80, 0x41, 0xFF, 0xFE, 0x41]) * 3
    refused(write(tmp_path, "latin.txt", data), r"latin\.txt")


def test_a_file_with_no_table_or_items(tmp_path, agency_tree):
    text = "某機關115年度提升服務品質執行計畫\n\n壹、計畫依據\n\n依法辦理。\n\n貳、計畫目標\n\n提升品質。\n"
    refused(write(tmp_path, "notable.txt", text), r"notable\.txt has no items")


def test_content_section_without_items_names_its_line(tmp_path, agency_tree):
    text = "某機關115年度提升服務品質執行計畫\n\n壹、計畫依據\n\n依法。\n\n貳、計畫內容\n\n另案辦理。\n"
    refused(write(tmp_path, "noitems.txt", text), r"noitems\.txt, line 7")


def test_truncated_docx(tmp_path, agency_tree):
    import docx

    document = docx.Document()
    document.add_paragraph("某機關115年度提升服務品質執行計畫")
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    refused(write(tmp_path, "cut.docx", data[: len(data) // 2]), r"cut\.docx: truncated or damaged \.docx")


def test_zip_that_is_not_a_docx(tmp_path, agency_tree):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    refused(write(tmp_path, "fake.docx", buffer.getvalue()), r"fake\.docx: not a readable \.docx")


def test_a_50_mb_file_is_refused_before_reading(tmp_path, agency_tree, settings):
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(50 * 1024 * 1024)
    message = refused(path, r"huge\.txt: 52,428,800 bytes is larger than")
    assert "bytes a plan may have" in message


def test_a_path_that_does_not_exist(tmp_path, agency_tree):
    refused(tmp_path / "missing.txt", r"missing\.txt: no such file")


def test_a_directory(tmp_path, agency_tree):
    refused(tmp_path, "not a file")


def test_unknown_agency_names_the_option(tmp_path, agency_tree):
    path = write(tmp_path, "plan.txt", SMALL_PLAN)
    with pytest.raises(CommandError, match="--agency"):
        call_command("import_plan", str(path))
    with pytest.raises(CommandError, match="--agency"):
        call_command("import_plan", str(path), "--agency", "nope")
    assert Plan.objects.count() == 0


def test_the_same_plan_twice_is_refused_naming_replace(tmp_path, agency_tree):
    path = write(tmp_path, "plan.txt", SMALL_PLAN)
    call_command("import_plan", str(path), "--agency", "mof")
    refused(path, "--replace")
    call_command("import_plan", str(path), "--agency", "mof", "--replace")
    plan = Plan.objects.get()
    assert plan.items.count() == 2
    assert AuditEntry.objects.filter(action="plan.replace", object_id=str(plan.pk)).exists()


def test_hostile_text_is_kept_as_text(tmp_path, agency_tree, client):
    path = write(tmp_path, "plan.txt", SMALL_PLAN)
    call_command("import_plan", str(path), "--agency", "mof", "--publish")
    plan = Plan.objects.get()
    texts = list(plan.items.values_list("text", "expected_benefit"))
    assert texts[1] == ("(二)<script>alert(1)</script>", "◎=cmd|' /C calc'!A0")
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page


def test_dry_run_writes_nothing(tmp_path, agency_tree, capsys):
    path = write(tmp_path, "plan.txt", SMALL_PLAN)
    call_command("import_plan", str(path), "--dry-run", "--json")
    assert Plan.objects.count() == 0 and AuditEntry.objects.filter(action="plan.import").count() == 0
    assert '"kind": "date"' in capsys.readouterr().out


@pytest.mark.parametrize("name", ["bomb.docx", "bomb.odt"])
def test_a_zip_bomb_is_refused_by_the_command(tmp_path, agency_tree, name):
    from tests.bombs import docx_bomb, odt_bomb

    data = docx_bomb() if name.endswith(".docx") else odt_bomb()
    refused(write(tmp_path, name, data), rf"{name}: \.\w+ file too large when unpacked")
