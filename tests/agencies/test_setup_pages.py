"""A body sets itself up on its own pages (issue 34.2): the agency list previewed then applied, its
levels, each agency's units; a refusal names the line and writes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from servq.agencies.models import Agency, AgencyLevel
from servq.core.models import AuditEntry
from tests.agencies.test_tree_import import CITY
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def body():
    return AgencyFactory(code="376440000H", name="新竹縣政府", kind="parent_body", parent=None)


@pytest.fixture
def supervisor(body, user_with_role):
    return user_with_role(body, "supervisor")


def preview(client, data: bytes, name: str = "機關.csv"):
    return client.post(
        reverse("agencies:import"), {"step": "preview", "file": SimpleUploadedFile(name, data)}
    )


def xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_big5_list_is_previewed_then_applied_only_when_confirmed(client, body, supervisor):
    client.force_login(supervisor)
    page = preview(client, CITY.encode("cp950"))
    html = page.content.decode()
    assert page.status_code == 200 and "新增 4 個機關或單位" in html and "竹東鎮公所" in html
    assert Agency.objects.count() == 1  # a preview writes nothing
    held = page.context["held"]

    client.post(reverse("agencies:import"), {"step": "apply", "held": held, "body": body.pk})
    assert Agency.objects.count() == 1  # not confirmed
    done = client.post(
        reverse("agencies:import"),
        {"step": "apply", "held": held, "body": body.pk, "confirm": "yes"},
        follow=True,
    )
    assert "新增 4" in done.content.decode()
    assert Agency.objects.get(code="376440101A").kind == "unit"
    assert AuditEntry.objects.filter(action="agency.import", actor=supervisor).count() == 1
    again = client.post(
        reverse("agencies:import"),
        {"step": "apply", "held": held, "body": body.pk, "confirm": "yes"},
        follow=True,
    )
    assert "預覽已失效" in again.content.decode()  # a held file is applied once


def test_an_xlsx_list_reads_like_the_csv(client, body, supervisor):
    client.force_login(supervisor)
    rows = [
        ["機關代碼", "機關名稱", "上級機關代碼", "層級"],
        ["376440100A", "新竹縣政府民政處", None, "一級機關"],
    ]
    page = preview(client, xlsx(rows), "機關.xlsx")
    assert page.status_code == 200 and "新增 1 個機關或單位" in page.content.decode()


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("機關.csv", (CITY + "376440100A,重複,,一級機關\n").encode(), "第 6 列：機關代碼 376440100A 重複"),
        (
            "機關.csv",
            '機關代碼,機關名稱,上級機關代碼\n376440100A,=HYPERLINK("x"),\n'.encode(),
            "像是試算表公式",
        ),
        ("機關.csv", b"\xff\xfe\x00garbage", "不是 CSV 文字檔"),
        ("機關.xlsx", b"PK\x03\x04truncated", "不是可讀的 XLSX"),
        ("機關.csv", "機關代碼,機關名稱,上級機關代碼\n3764,短,\n".encode(), "不是 10 碼"),
        ("機關.exe", b"MZ", "請選擇機關清單檔"),
    ],
)
def test_a_bad_list_is_refused_naming_the_line_and_nothing_is_written(
    client, body, supervisor, name, data, said
):
    client.force_login(supervisor)
    page = preview(client, data, name)
    assert page.status_code == 400 and said in page.content.decode()
    assert Agency.objects.count() == 1 and not AuditEntry.objects.filter(action="agency.import").exists()


def test_a_held_list_is_only_its_uploaders(client, body, supervisor, user_with_role):
    client.force_login(supervisor)
    held = preview(client, CITY.encode()).context["held"]
    colleague = user_with_role(body, "supervisor")
    client.force_login(colleague)
    client.post(
        reverse("agencies:import"), {"step": "apply", "held": held, "body": body.pk, "confirm": "yes"}
    )
    assert Agency.objects.count() == 1


def test_coordinators_do_not_import_lists_or_set_levels(client, body, user_with_role):
    agency = AgencyFactory(code="376440100A", name="民政處", kind="agency", parent=body)
    client.force_login(user_with_role(agency, "coordinator"))
    assert client.get(reverse("agencies:import")).status_code == 403
    assert client.post(reverse("agencies:levels"), {"name": "一級機關", "rank": "1"}).status_code == 403
    assert not AgencyLevel.objects.exists()


def test_a_supervisor_names_the_bodys_levels(client, body, supervisor):
    client.force_login(supervisor)
    client.post(reverse("agencies:levels"), {"body": body.pk, "name": "區公所", "rank": "1"})
    refused = client.post(reverse("agencies:levels"), {"body": body.pk, "name": "稽徵所", "rank": "12"})
    assert refused.status_code == 400 and "層次須介於 1 到 9" in refused.content.decode()
    assert 'value="稽徵所"' in refused.content.decode()  # typed text kept
    assert list(AgencyLevel.objects.values_list("name", "rank")) == [("區公所", 1)]


def test_a_coordinator_keeps_their_agencys_units(client, body, user_with_role):
    agency = AgencyFactory(code="376440100A", name="民政處", kind="agency", parent=body)
    other = AgencyFactory(code="376440200A", name="財政處", kind="agency", parent=body)
    coordinator = user_with_role(agency, "coordinator")
    client.force_login(coordinator)
    client.post(reverse("agencies:units", args=[agency.code]), {"name": " 戶政科 "})
    unit = Agency.objects.get(parent=agency, name="戶政科")
    assert unit.kind == "unit" and unit.code == "376440100A-u1"
    client.post(reverse("agencies:rename_unit", args=[agency.code, unit.pk]), {"name": "戶籍科"})
    unit.refresh_from_db()
    assert unit.name == "戶籍科"
    hostile = client.post(reverse("agencies:units", args=[agency.code]), {"name": "=cmd|' /C calc'!A0"})
    assert hostile.status_code == 400 and "像是試算表公式" in hostile.content.decode()
    assert client.get(reverse("agencies:units", args=[other.code])).status_code == 404
    assert agency.children.count() == 1
