"""The demo's inspections: the city's criteria, a plan that ranks its agencies, a regular visit to
民政局 scored, approved and sent (its findings waiting for a reply), and a coaching visit."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from servq.agencies.models import Agency
from servq.core import demo
from servq.inspections import services
from servq.inspections.models import CriteriaSet

CRITERIA = """A1｜服務流程簡化及便民措施｜20｜2
A2｜服務禮儀及專業（電話禮貌、臨櫃服務）｜20｜2
A3｜洽公環境及網站資訊正確更新｜20｜1
A4｜民意回應及陳情案件如期處理｜20｜2
A5｜創新服務及跨機關合作｜20｜1"""


def ensure_demo_inspections() -> bool:
    users = (
        get_user_model()
        .objects.filter(username__in=["supervisor", "reviewer"])
        .in_bulk(field_name="username")
    )
    body = Agency.objects.filter(code="demo").first()
    civil = Agency.objects.filter(code="demo-civil").first()
    north = Agency.objects.filter(code="demo-north").first()
    if (
        body is None
        or civil is None
        or north is None
        or "supervisor" not in users
        or CriteriaSet.objects.exists()
    ):
        return False
    supervisor = users["supervisor"]
    criteria = services.save_criteria(by=supervisor, body=body, name="市政服務品質考核", lines=CRITERIA)
    today = timezone.localdate()
    services.note_criticism(
        by=supervisor,
        body=body,
        agency=north,
        noted_on=today - dt.timedelta(days=40),
        source="市民信箱及地方新聞",
        note="戶籍謄本臨櫃等候逾 40 分鐘",
    )
    services.record_award_entry(by=supervisor, body=body, agency=civil, year=today.year)
    plan = services.make_plan(
        by=supervisor,
        body=body,
        year=today.year,
        title=f"{today.year - 1911}年度服務品質實地考核計畫",
        chosen_rules=["no_award", "criticism", "entering", "overdue_findings"],
    )
    visit = services.schedule_visit(
        by=supervisor,
        body=body,
        kind="regular",
        on=today - dt.timedelta(days=14),
        agencies=[civil],
        criteria=criteria,
        reply_rule="1個月",
        plan=plan,
    )
    if "reviewer" in users:
        services.add_panelist(by=supervisor, visit=visit, user=users["reviewer"], role="expert")
    for criterion, score in zip(criteria.criteria.all(), ["17", "16", "14", "18", "15"], strict=True):
        services.save_score(
            by=supervisor, visit=visit, agency=civil, criterion=criterion, score=score, comment=""
        )
    services.add_finding(
        by=supervisor,
        visit=visit,
        agency=civil,
        text="網站「最新消息」逾 3 個月未更新，請訂定更新頻率並指定專人檢查。",
    )
    services.add_finding(
        by=supervisor,
        visit=visit,
        agency=civil,
        recommendation=True,
        text="建議戶政事務所推廣跨機關「一處收件、全程服務」，並於網站公開各項服務的標準作業流程。",
    )
    services.advance_visit(
        by=supervisor,
        visit=visit,
        action="submit",
        approver=supervisor,
        summary="整體服務品質良好，網站資訊更新仍待加強。",
    )
    services.advance_visit(by=supervisor, visit=visit, action="approve")
    services.advance_visit(by=supervisor, visit=visit, action="send")
    services.schedule_visit(
        by=supervisor, body=body, kind="coaching", on=today + dt.timedelta(days=10), agencies=[north]
    )
    return True


@demo.part(70, "inspections")
def _load_demo_part(log: demo.Log) -> str | None:
    if not ensure_demo_inspections():
        return None
    return "demo: criteria, an inspection plan, a visit to 民政局 sent with two findings, a coaching visit"
