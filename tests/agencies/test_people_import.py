"""Bulk invitations from a list (issue 34.3): previewed, then sent only when confirmed; existing
accounts get the role directly; a bad line refuses the whole file, naming the line."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from servq.agencies.models import Invitation, Membership

pytestmark = pytest.mark.django_db
HEADER = "姓名,電子郵件,機關代碼,單位,角色\n"


@pytest.fixture
def supervisor(agency_tree, user_with_role):
    return user_with_role(agency_tree["root"], "supervisor")


def preview(client, text: str, *, encoding="utf-8", name="人員.csv"):
    return client.post(
        reverse("portal:import_people"),
        {"step": "preview", "file": SimpleUploadedFile(name, text.encode(encoding))},
    )


def test_a_big5_list_is_previewed_then_sent_and_granted(client, agency_tree, supervisor, user_with_role):
    existing = user_with_role(agency_tree["moea"], "coordinator", email="wang@moea.gov.tw")
    text = HEADER + (
        "林聯絡人,lin@mof.gov.tw,MOF,,機關聯絡人\n"
        "陳承辦,chen@mof.gov.tw,mof,秘書處,承辦人員\n"
        "王首長,WANG@moea.gov.tw,moea,,首長\n"
        "王首長,wang@moea.gov.tw,moea,,coordinator\n"
    )
    client.force_login(supervisor)
    page = preview(client, text, encoding="cp950")
    html = page.content.decode()
    assert page.status_code == 200 and "寄出 2 份邀請" in html and "直接授予 1 個角色" in html
    assert "1 列的角色原已生效" in html
    assert not Invitation.objects.exists()
    done = client.post(
        reverse("portal:import_people"),
        {"step": "apply", "held": page.context["held"], "confirm": "yes"},
        follow=True,
    )
    assert "已寄出 2 份邀請" in done.content.decode()
    assert set(Invitation.objects.values_list("email", "agency__code", "role")) == {
        ("lin@mof.gov.tw", "mof", "coordinator"),
        ("chen@mof.gov.tw", "mof-sec", "unit_staff"),
    }
    assert Membership.objects.filter(user=existing, agency=agency_tree["moea"], role="head").exists()


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        ("林,lin@mof.gov.tw,NOPE,,機關聯絡人\n", "第 2 列：機關代碼「NOPE」不存在"),
        ("林,not-an-email,mof,,機關聯絡人\n", "第 2 列：「not-an-email」不是有效的電子郵件地址"),
        ("林,lin@mof.gov.tw,mof,,老闆\n", "第 2 列：角色「老闆」不是"),
        ("林,lin@mof.gov.tw,mof,,承辦人員\n", "第 2 列：承辦人員須填單位"),
        ("林,lin@mof.gov.tw,mof,資訊室,承辦人員\n", "第 2 列：財政部沒有單位「資訊室」"),
        ('=HYPERLINK("http://x"),lin@mof.gov.tw,mof,,機關聯絡人\n', "第 2 列：姓名「=HYPERLINK"),
        ("林,a@mof.gov.tw,mof,,首長\n林,a@mof.gov.tw,mof,,首長\n", "第 3 列：與第 2 列重複"),
    ],
)
def test_a_bad_line_refuses_the_whole_list(client, agency_tree, supervisor, rows, said):
    client.force_login(supervisor)
    page = preview(client, HEADER + rows)
    assert page.status_code == 400 and said in page.content.decode()
    assert not Invitation.objects.exists()


def test_a_coordinator_lists_only_staff_of_their_own_units(client, agency_tree, user_with_role):
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    client.force_login(coordinator)
    ok = preview(client, HEADER + "陳,chen@mof.gov.tw,mof,秘書處,承辦人員\n")
    assert ok.status_code == 200
    above = preview(
        client, HEADER + "陳,chen@mof.gov.tw,mof,秘書處,承辦人員\n林,l@mof.gov.tw,mof,,機關首長\n"
    )
    assert above.status_code == 400 and "第 3 列：您不能在財政部授予「機關首長」" in above.content.decode()
