"""Inspection pages as the body's supervisor, an outside expert, the visited agency and citizens use them."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from servq.inspections import rules, services
from servq.inspections.models import Finding, Score, Visit


def test_an_outside_expert_sees_only_the_visits_they_sit_on(
    client, agency_tree, inspector, visit, criteria, user_with_role
):
    from django.contrib.auth import get_user_model

    expert = get_user_model().objects.create_user("professor", password="x")  # no agency at all
    other = services.schedule_visit(
        by=inspector,
        body=agency_tree["root"],
        kind="regular",
        on=timezone.localdate(),
        agencies=[agency_tree["moea"]],
        criteria=criteria,
    )
    services.add_panelist(by=inspector, visit=visit, user=expert, role="expert")
    client.force_login(expert)
    assert client.get(reverse("inspections:visit", args=[visit.pk])).status_code == 200
    assert client.get(reverse("inspections:visit", args=[other.pk])).status_code == 404
    assert list(client.get(reverse("inspections:index")).context["visits"]) == [visit]


def test_a_reviewer_saves_a_score_as_they_type_and_a_bad_one_keeps_what_they_typed(
    client, agency_tree, inspector, visit
):
    client.force_login(inspector)
    a1, a2 = visit.criteria.criteria.all()
    url = reverse("inspections:score", args=[visit.pk, agency_tree["ntbt"].pk])
    typed = {
        f"score-{a1.pk}": "8",
        f"comment-{a1.pk}": "流程清楚",
        f"score-{a2.pk}": "",
        f"comment-{a2.pk}": "",
    }
    saved = client.post(url, typed, headers={"HX-Request": "true"})
    assert saved.status_code == 200 and "已自動儲存" in saved.content.decode()
    assert Score.objects.get(criterion=a1).comment == "流程清楚"
    refused = client.post(url, {**typed, f"score-{a2.pk}": "99", f"comment-{a2.pk}": "禮儀佳"})
    assert refused.status_code == 400 and "「A2」的分數須介於 0 與 10" in refused.content.decode()
    assert "禮儀佳" in refused.content.decode() and 'value="99"' in refused.content.decode()


def test_autosave_refuses_a_score_out_of_range_visibly_and_keeps_the_comment(
    client, agency_tree, inspector, visit
):
    """Issue 33.2: 25 where the maximum is 20 said 「已自動儲存」, and a reload lost score and comment."""
    client.force_login(inspector)
    a1, a2 = visit.criteria.criteria.all()
    url = reverse("inspections:score", args=[visit.pk, agency_tree["ntbt"].pk])
    typed = {f"score-{a1.pk}": "8", f"comment-{a1.pk}": "", f"score-{a2.pk}": "", f"comment-{a2.pk}": ""}
    client.post(url, typed, headers={"HX-Request": "true"})
    typed.update({f"score-{a1.pk}": "25", f"comment-{a1.pk}": "流程清楚，但等候區標示不足"})
    answer = client.post(url, typed, headers={"HX-Request": "true"})
    said = answer.content.decode()
    # A 200, so htmx puts it where 「已自動儲存」 stood; it says what was not saved.
    assert answer.status_code == 200 and "分數未儲存" in said and "「A1」的分數須介於 0 與 10" in said
    assert "已自動儲存" not in said
    kept = Score.objects.get(criterion=a1)
    assert (kept.score, kept.comment) == (8, "流程清楚，但等候區標示不足")
    page = client.get(url).content.decode()
    assert "流程清楚，但等候區標示不足" in page and 'value="8' in page


def test_sending_and_publishing_ask_for_a_ticked_confirmation(client, agency_tree, inspector, visit):
    client.force_login(inspector)
    services.advance_visit(by=inspector, visit=visit, action="submit", approver=inspector)
    services.advance_visit(by=inspector, visit=visit, action="approve")
    url = reverse("inspections:advance", args=[visit.pk, "send"])
    client.post(url)
    visit.refresh_from_db()
    assert visit.state == rules.APPROVED, "not sent without the box ticked"
    client.post(url, {"confirm": "yes"})
    visit.refresh_from_db()
    assert visit.state == rules.SENT


def test_the_public_sees_published_results_only(client, agency_tree, inspector, visit, sent_finding):
    assert client.get(reverse("inspections:public_visit", args=[visit.pk])).status_code == 404
    services.advance_visit(by=inspector, visit=visit, action="publish")
    page = client.get(reverse("inspections:public_visit", args=[visit.pk])).content.decode()
    assert "網站最新消息逾期未更新" in page and "待改善" in page
    assert (
        client.get(
            reverse("inspections:public_report", args=[visit.pk, agency_tree["ntbt"].pk, "odt"])
        ).status_code
        == 200
    )


def test_the_report_as_docx_carries_scores_and_findings(client, agency_tree, inspector, visit):
    import io

    import docx

    a1 = visit.criteria.criteria.first()
    services.save_score(
        by=inspector, visit=visit, agency=agency_tree["ntbt"], criterion=a1, score="9", comment="便民"
    )
    services.add_finding(by=inspector, visit=visit, agency=agency_tree["ntbt"], text="等候區座位不足")
    client.force_login(inspector)
    got = client.get(reverse("inspections:report", args=[visit.pk, agency_tree["ntbt"].pk, "docx"]))
    document = docx.Document(io.BytesIO(got.content))
    text = "\n".join(p.text for p in document.paragraphs) + "".join(
        c.text for t in document.tables for row in t.rows for c in row.cells
    )
    assert "評核結果" in text and "A1 服務流程" in text and "便民" in text and "等候區座位不足" in text


def test_the_board_reads_one_query_for_all_findings(
    client, agency_tree, inspector, visit, django_assert_num_queries
):
    for n in range(5):
        services.add_finding(by=inspector, visit=visit, agency=agency_tree["ntbt"], text=f"缺失{n}")
    services.advance_visit(by=inspector, visit=visit, action="submit", approver=inspector)
    services.advance_visit(by=inspector, visit=visit, action="approve")
    services.advance_visit(by=inspector, visit=visit, action="send")
    Finding.objects.filter(text="缺失0").update(reply_due=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(inspector)
    client.get(reverse("inspections:board"))
    with django_assert_num_queries(6):
        rows = client.get(reverse("inspections:board")).context["rows"]
    assert [(r["agency__name"], r["open"], r["overdue"]) for r in rows] == [("臺北國稅局", 5, 1)]


def test_a_visit_not_in_reach_is_not_found_for_another_agency(client, agency_tree, visit, user_with_role):
    client.force_login(user_with_role(agency_tree["moea"], "supervisor"))
    assert client.get(reverse("inspections:visit", args=[visit.pk])).status_code == 404
    assert Visit.objects.filter(pk=visit.pk).exists()


def test_the_home_page_lists_findings_to_answer_and_reports_to_approve(
    client, agency_tree, inspector, visit, user_with_role
):
    head = user_with_role(agency_tree["root"], "head", username="approver")
    services.add_finding(by=inspector, visit=visit, agency=agency_tree["ntbt"], text="櫃檯等候過久")
    services.advance_visit(by=inspector, visit=visit, action="submit", approver=head)
    client.force_login(head)
    assert "待核定的訪查報告" in client.get("/").content.decode()
    services.advance_visit(by=head, visit=visit, action="approve")
    services.advance_visit(by=inspector, visit=visit, action="send")
    client.force_login(user_with_role(agency_tree["ntbt"], "coordinator"))
    page = client.get("/").content.decode()
    assert "待回復的缺失及建議事項" in page and "櫃檯等候過久" in page


def test_an_inspection_plans_year_is_typed_in_roc(client, agency_tree, inspector):
    """Issue 33.12: typing 116 was refused with 「請確認此數值是否大於或等於 2000」."""
    from servq.inspections.models import InspectionPlan

    client.force_login(inspector)
    page = client.get(reverse("inspections:plan_new")).content.decode()
    assert f'value="{timezone.localdate().year - 1911}"' in page
    client.post(
        reverse("inspections:plan_new"),
        {"title": "116年度考核", "year": "116", "chosen_rules": ["no_award"], "no_award_years": "3"},
    )
    assert InspectionPlan.objects.get().year == 2027
    refused = client.post(
        reverse("inspections:plan_new"),
        {"title": "錯年", "year": "5000", "chosen_rules": ["no_award"], "no_award_years": "3"},
    )
    assert refused.status_code == 400 and "年度須介於民國 89 年與 189 年之間" in refused.content.decode()
