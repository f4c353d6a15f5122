"""Issue 33.5: a plan file servq already holds is refused with a link to what it duplicates, and can
come in as that plan's next version; our own export edited in Word loses no section on the way."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from servq.core.models import AuditEntry
from servq.plans.exporting import export
from servq.plans.models import Plan
from tests.plans.importing.test_formats import imported

pytestmark = pytest.mark.django_db

GOALS = "一、提升為民服務品質。\n二、落實政府 E 化。"


@pytest.fixture
def published(tmp_path, agency_tree):
    _, plan = imported(tmp_path)
    Plan.objects.filter(pk=plan.pk).update(status="published", goals=GOALS, rewards="一、記功。\n二、嘉獎。")
    plan.refresh_from_db()
    return plan


@pytest.fixture
def coordinator(agency_tree, user_with_role):
    return user_with_role(agency_tree["mof"], "coordinator")


def docx_of(plan: Plan, name: str = "115年計畫.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, export(plan, "docx"))


def test_the_duplicate_refusal_links_to_the_plan_it_matched(client, published, coordinator, agency_tree):
    from tests.factories import open_cycle

    boss_cycle = open_cycle(agency_tree, None)
    Plan.objects.filter(pk=published.pk).update(program=boss_cycle.program)  # last year's, same program
    client.force_login(coordinator)
    page = client.post(
        reverse("plans:cycle_import", args=[boss_cycle.pk]),
        {"agency": agency_tree["mof"].pk, "plan_file": docx_of(published)},
        follow=True,
    ).content.decode()
    assert "已經匯入過" in page
    assert f'href="{reverse("plans:detail", args=[published.pk])}"' in page
    assert "以檔案匯入新版本" in page
    assert Plan.objects.count() == 1


def test_our_own_export_comes_back_as_the_next_version_with_every_section(client, published, coordinator):
    client.force_login(coordinator)
    detail = client.get(reverse("plans:detail", args=[published.pk])).content.decode()
    assert reverse("plans:import_version", args=[published.pk]) in detail

    response = client.post(
        reverse("plans:import_version", args=[published.pk]), {"plan_file": docx_of(published)}
    )
    new = Plan.objects.exclude(pk=published.pk).get()
    assert response["Location"] == reverse("plans:edit", args=[new.pk])
    assert (new.version, new.status, new.first_version_id) == (2, "draft", published.pk)
    assert (new.goals, new.rewards, new.basis) == (published.goals, published.rewards, published.basis)
    assert [i.text for i in new.items.all()] == [i.text for i in published.items.all()]
    published.refresh_from_db()
    assert published.status == "published"  # in force until the new version is published
    entry = AuditEntry.objects.get(action="plan.import_version")
    assert entry.object_id == str(new.pk) and entry.actor_id == coordinator.pk


def test_no_new_version_while_one_is_still_a_draft(client, published, coordinator):
    client.force_login(coordinator)
    client.post(reverse("plans:import_version", args=[published.pk]), {"plan_file": docx_of(published)})
    again = client.post(
        reverse("plans:import_version", args=[published.pk]), {"plan_file": docx_of(published)}, follow=True
    )
    assert "第 2 版仍是「草稿」" in again.content.decode()
    assert Plan.objects.count() == 2


def test_only_the_plans_author_brings_a_version_and_others_do_not_learn_it_exists(
    client, published, agency_tree, user_with_role
):
    other = user_with_role(agency_tree["moea"], "coordinator")
    staff = user_with_role(agency_tree["mof_unit"], "unit_staff")
    url = reverse("plans:import_version", args=[published.pk])
    client.force_login(other)
    assert client.post(url, {"plan_file": docx_of(published)}).status_code in (403, 404)
    client.force_login(staff)
    assert client.post(url, {"plan_file": docx_of(published)}).status_code == 403
    assert Plan.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.exe", b"MZ\x90\x00", "只接受"),
        ("plan.docx", b"PK\x03\x04broken", "plan.docx：.docx 檔案不完整或已損壞"),
        ("plan.txt", "<script>alert(1)</script>".encode("big5"), "plan.txt"),
    ],
)
def test_a_bad_file_for_a_new_version_says_why_and_changes_nothing(
    client, published, coordinator, name, content, message
):
    client.force_login(coordinator)
    page = client.post(
        reverse("plans:import_version", args=[published.pk]),
        {"plan_file": SimpleUploadedFile(name, content)},
        follow=True,
    ).content.decode()
    assert message in page and "<script>alert(1)" not in page
    assert Plan.objects.count() == 1


def test_a_section_no_field_takes_is_said_not_dropped(tmp_path, agency_tree):
    """004's 「捌、其他」 had vanished without a word (「0 則提醒」)."""
    text = (
        "示範區公所115年度提升服務品質執行計畫\n\n壹、計畫依據\n\n「政府服務躍升方案」。\n\n"
        "貳、計畫內容\n\n一、完備基礎服務\n\n- (一) 櫃檯設置單一窗口。\n\n"
        "參、經費\n\n由各單位年度預算支應。\n"
    )
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    from django.conf import settings

    from servq.plans.importing import parse_file

    parsed = parse_file(path, max_bytes=settings.SERVQ_IMPORT_MAX_BYTES)
    assert [w.message for w in parsed.warnings] == ["the section 「經費」 has no field; not imported"]
