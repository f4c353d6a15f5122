"""The demo's agency tree and its users: a city government with bureaus, units, and a user for every role."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from servq.agencies import services as agency_services
from servq.agencies.models import Agency
from servq.core import demo

# (code, name, level as the body names it (or "parent_body" / "unit"), parent code, English name)
AGENCIES: list[tuple[str, str, str, str | None, str]] = [
    ("demo", "示範市政府", "parent_body", None, "Demo City Government"),
    (
        "demo-rdec",
        "研究發展考核委員會",
        "一級機關",
        "demo",
        "Research, Development and Evaluation Commission",
    ),
    ("demo-rdec-plan", "綜合計畫組", "unit", "demo-rdec", "Planning Division"),
    ("demo-rdec-eval", "管制考核組", "unit", "demo-rdec", "Evaluation Division"),
    ("demo-civil", "民政局", "一級機關", "demo", "Civil Affairs Bureau"),
    ("demo-civil-hh", "戶政科", "unit", "demo-civil", "Household Registration Section"),
    ("demo-civil-rel", "宗教禮俗科", "unit", "demo-civil", "Religion and Rites Section"),
    ("demo-civil-sec", "秘書室", "unit", "demo-civil", "Secretariat"),
    (
        "demo-civil-hro",
        "中正戶政事務所",
        "二級機關",
        "demo-civil",
        "Zhongzheng Household Registration Office",
    ),
    ("demo-civil-hro-reg", "戶籍課", "unit", "demo-civil-hro", "Registration Section"),
    ("demo-pw", "工務局", "一級機關", "demo", "Public Works Bureau"),
    ("demo-pw-maint", "養護工程科", "unit", "demo-pw", "Road Maintenance Section"),
    ("demo-north", "北區區公所", "區公所", "demo", "North District Office"),
    ("demo-north-con", "建設課", "unit", "demo-north", "Construction Section"),
    ("demo-north-civ", "民政課", "unit", "demo-north", "Civil Affairs Section"),
    ("demo-north-soc", "社會課", "unit", "demo-north", "Social Affairs Section"),
    ("demo-north-sec", "秘書室", "unit", "demo-north", "Secretariat"),
    # The bodies whose real plans are in the seeds, with the units those plans name.
    ("ey", "行政院", "parent_body", None, "Executive Yuan"),
    ("dgbas", "行政院主計總處", "一級機關", "ey", "DGBAS"),
    *[
        (f"dgbas-{n}", name, "unit", "dgbas", "")
        for n, name in enumerate(
            [
                "綜合規劃處",
                "公務預算處",
                "基金預算處",
                "會計決算處",
                "綜合統計處",
                "國勢普查處",
                "地方統計推展中心",
                "內部審核研究小組",
                "主計資訊處",
                "人事處",
                "秘書室",
                "主計室",
                "政風室",
            ],
            start=1,
        )
    ],
    ("mof", "財政部", "一級機關", "ey", "Ministry of Finance"),
    ("mof-plan", "綜合規劃司", "unit", "mof", "Department of Planning"),
    ("mof-ntbt", "財政部臺北國稅局", "二級機關", "mof", "National Taxation Bureau of Taipei"),
    # 001 names a third level (各地區國稅局所屬分局或稽徵所) and state-owned enterprises (各事業機構).
    ("mof-ntbt-zz", "財政部臺北國稅局中正分局", "分局", "mof-ntbt", "Zhongzheng Branch"),
    ("mof-ttl", "臺灣菸酒股份有限公司", "事業機構", "mof", "Taiwan Tobacco and Liquor Corporation"),
    ("moea", "經濟部", "一級機關", "ey", "Ministry of Economic Affairs"),
    ("moea-rdc", "研究發展委員會", "unit", "moea", "Research and Development Commission"),
    ("moea-ipo", "智慧財產局", "二級機關", "moea", "Intellectual Property Office"),
    ("chcg", "彰化縣政府", "parent_body", None, "Changhua County Government"),
    ("chcg-plan", "彰化縣政府計畫處", "一級機關", "chcg", "Planning Department"),
    *[
        (f"chcg-plan-{n}", name, "unit", "chcg-plan", "")
        for n, name in enumerate(["管制考核科", "研究發展科", "資訊科", "綜合規劃科"], start=1)
    ],
    ("kcg", "高雄市政府", "parent_body", None, "Kaohsiung City Government"),
    (
        "kcg-rdec",
        "高雄市政府研究發展考核委員會",
        "一級機關",
        "kcg",
        "Research, Development and Evaluation Commission",
    ),
    ("kcg-sanmin", "高雄市三民區公所", "區公所", "kcg", "Sanmin District Office"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    agency: str
    role: str
    does: str


USERS = [
    DemoUser("supervisor", "陳督導", "demo", "supervisor", "研考會：審查各機關計畫、彙整成果"),
    DemoUser("coordinator", "林聯絡人", "demo-civil", "coordinator", "民政局：撰寫執行計畫、回報辦理情形"),
    DemoUser("unitstaff", "王承辦", "demo-civil-hh", "unit_staff", "戶政科：填寫指派給本科的項目"),
    DemoUser("reviewer", "張委員", "demo", "reviewer", "評審委員：評分與撰寫建議事項"),
    DemoUser("head", "李局長", "demo-civil", "head", "民政局長：檢視儀表板、核定成果"),
    DemoUser("ey-supervisor", "行政院研考人員", "ey", "supervisor", "行政院：督導部會"),
    DemoUser(
        "counter",
        "吳櫃檯",
        "demo-north-civ",
        "unit_staff",
        "北區區公所民政課：櫃檯收件（一處收件、全程服務）",
    ),
]


@demo.part(10, "agencies and users")
@transaction.atomic
def load_agencies_and_users(log: demo.Log) -> str | None:
    """The demo city's agency tree and a user for every role (their names printed with the password)."""
    created = {"agencies": 0, "users": 0}
    by_code = {a.code: a for a in Agency.objects.filter(code__in=[row[0] for row in AGENCIES])}
    for code, name, level, parent_code, name_en in AGENCIES:
        if code in by_code:
            continue
        parent = by_code[parent_code] if parent_code else None
        kind = level if level in ("parent_body", "unit") else "agency"
        by_code[code] = agency_services.create_agency(
            by=None,
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            name_en=name_en,
            level="" if kind != "agency" else level,
        )
        created["agencies"] += 1
    user_model = get_user_model()
    for person in USERS:
        user, made = user_model.objects.get_or_create(
            username=person.username,
            defaults={"first_name": person.name, "email": f"{person.username}@demo.servq.tw"},
        )
        if made:
            user.set_password(demo.DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created["users"] += 1
        agency_services.grant_role(by=None, user=user, agency=by_code[person.agency], role=person.role)
    log(f"demo users (password for all: {demo.DEMO_PASSWORD}):")
    for person in USERS:
        log(f"  {person.username:<14} {person.role:<12} {person.does}")
    if not any(created.values()):
        return None
    return f"demo: {created['agencies']} agencies and {created['users']} users created"
