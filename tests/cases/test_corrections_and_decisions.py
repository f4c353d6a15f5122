"""Issue 33.8: the 補正 loop finished online, and an application ending with a decision."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from servq.cases import rules, services
from servq.cases.defaults import APPEAL_REMEDY
from servq.cases.models import Case, CaseAttachment, CaseCategory, CategoryKind
from servq.core.models import AuditEntry, Notification


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def waiting_case(file_case, handler, agency_tree, user_with_role):
    """A case assigned to 財政部's unit, whose staff asked the citizen to supply a photo."""
    staff = user_with_role(agency_tree["mof_unit"], "unit_staff", username="unit-staff")
    case, token = file_case(name="王小明", email="ming@example.tw")
    case = services.assign(by=handler, case=case, unit=agency_tree["mof_unit"])
    case = services.start(by=handler, case=case)
    case = services.ask_citizen(by=handler, case=case, question="請提供路燈編號或照片")
    return case, token, staff


def track(client, case, token):
    return client.post(reverse("cases:track"), {"number": case.number, "password": token})


# --- the 補正 letter and the query page ------------------------------------------------------------


def test_the_correction_letter_says_what_is_asked_and_where_to_answer(waiting_case, settings):
    from servq.cases.models import CitizenMail

    case, _token, _staff = waiting_case
    letter = CitizenMail.objects.get(subject__contains="補充資料")
    assert "請提供路燈編號或照片" in letter.body and case.number in letter.body
    assert f"{settings.SERVQ_SITE_URL.rstrip('/')}/cases/track/" in letter.body
    assert "暫停計算" in letter.body and letter.body.count("\n") > 4  # a letter, not one bare line


def test_the_citizen_answers_a_correction_from_the_query_page_and_the_clock_resumes(
    client, waiting_case, settings
):
    settings.RATELIMIT_ENABLE = False
    case, token, staff = waiting_case
    page = track(client, case, token).content.decode()
    assert "請提供路燈編號或照片" in page and "送出補正" in page
    answered = client.post(
        reverse("cases:supplement", args=[case.number]),
        {"text": "編號 A-1234，照片如附", "attachments": [SimpleUploadedFile("lamp.png", png())]},
    )
    assert answered.status_code == 302
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == rules.IN_PROGRESS and fresh.paused_since is None
    assert [a.name for a in CaseAttachment.objects.filter(case=case)] == ["lamp.png"]
    assert AuditEntry.objects.filter(action="case.supplement", object_id=str(case.pk)).exists()
    # The unit's staff are told, and the public timeline says what came.
    assert Notification.objects.filter(recipient=staff, kind="case.supplement").exists()
    shown = client.get(answered["Location"]).content.decode()
    assert "民眾補正：編號 A-1234，照片如附（附件 1 個）" in shown and "送出補正" not in shown


def test_a_correction_needs_the_number_and_password_given_in_this_session(client, waiting_case):
    case, _token, _staff = waiting_case
    got = client.post(reverse("cases:supplement", args=[case.number]), {"text": "我是別人"})
    assert got.status_code == 404
    assert client.get(reverse("cases:track") + f"?number={case.number}").context.get("case") is None
    assert Case.objects.get(pk=case.pk).state == rules.WAITING


@pytest.mark.parametrize(
    ("text", "files", "said"),
    [
        ("", [], "請寫下補正說明或附上檔案"),
        ("<script>alert(1)</script>", [], "純文字"),
        ("看附件", [("lamp.png", b"MZ\x90\x00not an image")], "lamp.png"),
        ("看附件", [(f"p{n}.png", None) for n in range(4)], "最多附加 3 個"),
    ],
)
def test_a_refused_correction_names_the_fault_keeps_the_words_and_changes_nothing(
    client, waiting_case, settings, text, files, said
):
    settings.RATELIMIT_ENABLE = False
    case, token, _staff = waiting_case
    track(client, case, token)
    uploads = [SimpleUploadedFile(name, data if data is not None else png()) for name, data in files]
    got = client.post(reverse("cases:supplement", args=[case.number]), {"text": text, "attachments": uploads})
    page = got.content.decode()
    assert got.status_code == 400 and said in page
    if text and "<" not in text:
        assert text in page  # what was typed is still in the box
    assert Case.objects.get(pk=case.pk).state == rules.WAITING
    assert not CaseAttachment.objects.filter(case=case).exists()


def test_a_case_not_waiting_takes_no_correction(client, file_case, settings):
    settings.RATELIMIT_ENABLE = False
    case, token = file_case()
    assert "送出補正" not in track(client, case, token).content.decode()
    got = client.post(reverse("cases:supplement", args=[case.number]), {"text": "補充"}, follow=True)
    assert "目前不需要補正" in got.content.decode()
    assert not case.events.filter(kind="supplemented").exists()


# --- how a case ends ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "application", "remedy", "refused"),
    [
        ("approved", True, "", False),
        ("rejected", True, APPEAL_REMEDY, False),
        ("rejected", True, "  ", True),  # a 駁回 must say how to contest it
        ("resolved", True, "", True),  # an application is decided, not "handled"
        ("resolved", False, "", False),
        ("approved", False, "", True),  # a petition is not an administrative act
    ],
)
def test_which_outcomes_may_close_which_case(outcome, application, remedy, refused):
    assert (rules.outcome_refusal(outcome, application=application, remedy=remedy) is not None) is refused


@pytest.fixture
def application(file_case, body, categories, agency_tree):
    kind = CaseCategory.objects.create(
        body=body,
        code="svc-tax",
        name="納稅證明書申請",
        limit_days=3,
        kind=CategoryKind.APPLICATION,
        agency=agency_tree["mof"],
    )
    categories["svc-tax"] = kind
    return file_case("svc-tax", text="申請納稅證明", name="王小明", email="ming@example.tw")


def test_a_rejected_application_tells_the_applicant_the_reasons_and_the_remedy(
    client, application, handler, settings
):
    from servq.cases.models import CitizenMail

    settings.RATELIMIT_ENABLE = False
    case, token = application
    with pytest.raises(services.CaseError, match="救濟方法"):
        services.reply(by=handler, case=case, outcome="rejected", text="查無稅籍資料")
    assert Case.objects.get(pk=case.pk).closed_at is None
    services.reply(by=handler, case=case, outcome="rejected", text="查無稅籍資料", remedy=APPEAL_REMEDY)
    letter = CitizenMail.objects.get(subject__contains="審查結果")
    assert "駁回" in letter.subject and "查無稅籍資料" in letter.body and "訴願" in letter.body
    page = track(client, case, token).content.decode()
    assert "審查結果：駁回" in page and "救濟方法" in page and "訴願法" in page


def test_staff_are_offered_the_decisions_for_an_application_and_answers_for_a_petition(
    client, application, file_case, handler
):
    client.force_login(handler)
    case, _token = application
    page = client.get(reverse("cases:detail", args=[case.number]))
    assert [v for v, _label in page.context["outcomes"]] == ["approved", "rejected"]
    assert APPEAL_REMEDY in page.content.decode()
    petition, _token = file_case()
    page = client.get(reverse("cases:detail", args=[petition.number]))
    assert "approved" not in [v for v, _label in page.context["outcomes"]]
    assert "救濟方法" not in page.content.decode()
