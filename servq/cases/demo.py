"""Demo cases: the default categories for the demo city, a routing rule, cases in every state."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from servq.agencies.models import Agency
from servq.cases import services
from servq.cases.models import Case, CaseCategory, Channel, RoutingRule
from servq.cases.services import load_default_categories
from servq.core import demo

DEMO_CASES = [
    (
        "repair",
        "北區中山路二段的路燈壞了好幾天，晚上很暗很危險。",
        "示範市北區中山路二段100號",
        Channel.HOTLINE,
    ),
    ("petition", "希望戶政事務所延長週三的服務時間，上班族很難請假辦理。", "", Channel.WEB),
    ("inquiry", "請問換發身分證需要帶哪些證件？可以線上預約嗎？", "", Channel.PHONE),
    (
        "report",
        "北區民生路人行道常有機車違規停放，行人只能走到車道。",
        "示範市北區民生路45號",
        Channel.MAILBOX,
    ),
    ("repair", "中山路二段路燈仍然不亮，已經一週了。", "示範市北區中山路二段102號", Channel.WEB),
]


@transaction.atomic
def ensure_demo_cases() -> bool:
    body = Agency.objects.filter(code="demo").first()
    if body is None or Case.objects.filter(body=body).exists():
        return False
    supervisor = get_user_model().objects.filter(username="supervisor").first()
    load_default_categories(by=supervisor, body=body)
    agencies = Agency.objects.in_bulk(
        ["demo-civil", "demo-pw", "demo-pw-maint", "demo-north", "demo-north-civ", "demo-north-con"],
        field_name="code",
    )
    # Petitions and questions go to 民政局; repairs to the unit that repairs (工務局養護工程科, in
    # 北區 its 建設課); other 北區 matters to the district office's 民政課.
    CaseCategory.objects.filter(body=body).update(agency=agencies["demo-civil"])
    CaseCategory.objects.filter(body=body, code="repair").update(
        agency=agencies["demo-pw"], unit=agencies["demo-pw-maint"]
    )
    categories = {c.code: c for c in CaseCategory.objects.filter(body=body)}
    RoutingRule.objects.create(
        body=body,
        category=categories["repair"],
        area="北區",
        agency=agencies["demo-north"],
        unit=agencies["demo-north-con"],
    )
    RoutingRule.objects.create(
        body=body, area="北區", agency=agencies["demo-north"], unit=agencies["demo-north-civ"]
    )
    made = []
    for code, text, address, channel in DEMO_CASES:
        case, _token = services.submit_case(
            channel=channel,
            body=body,
            category=categories[code],
            description=text,
            address=address,
            name="王小明",
            email="citizen@example.tw",
            phone="0912-345-678",
        )
        made.append(case)
    services.start(
        by=supervisor,
        case=services.assign(
            by=supervisor, case=made[0], unit=made[0].unit or Agency.objects.get(code="demo-north-civ")
        ),
    )
    services.reply(
        by=supervisor,
        case=made[2],
        outcome="explained",
        text="換發身分證請攜帶舊證、戶口名簿與相片一張，可於戶政網路預約。",
    )
    return True


@demo.part(50, "cases")
def _load_demo_part(log: demo.Log) -> str | None:
    return "demo: case categories, a routing rule and five citizen cases" if ensure_demo_cases() else None
