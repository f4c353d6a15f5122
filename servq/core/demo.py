"""The demo: an agency tree, a user for every role, servq's sample plans and the seed plans.

Loading is idempotent: what exists already is left alone, so `make run` can call it every time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from servq.agencies import services as agency_services
from servq.agencies.models import Agency

DEMO_PASSWORD = "servq-demo"  # noqa: S105 — printed for the demo; load_demo refuses to run in production
SAMPLES_DIR = Path(__file__).resolve().parent.parent / "plans" / "demo"

# (code, name, kind, parent code, English name)
AGENCIES: list[tuple[str, str, str, str | None, str]] = [
    ("demo", "示範市政府", "parent_body", None, "Demo City Government"),
    (
        "demo-rdec",
        "研究發展考核委員會",
        "first_level",
        "demo",
        "Research, Development and Evaluation Commission",
    ),
    ("demo-rdec-plan", "綜合計畫組", "unit", "demo-rdec", "Planning Division"),
    ("demo-rdec-eval", "管制考核組", "unit", "demo-rdec", "Evaluation Division"),
    ("demo-civil", "民政局", "first_level", "demo", "Civil Affairs Bureau"),
    ("demo-civil-hh", "戶政科", "unit", "demo-civil", "Household Registration Section"),
    ("demo-civil-rel", "宗教禮俗科", "unit", "demo-civil", "Religion and Rites Section"),
    ("demo-civil-sec", "秘書室", "unit", "demo-civil", "Secretariat"),
    (
        "demo-civil-hro",
        "中正戶政事務所",
        "second_level",
        "demo-civil",
        "Zhongzheng Household Registration Office",
    ),
    ("demo-civil-hro-reg", "戶籍課", "unit", "demo-civil-hro", "Registration Section"),
    ("demo-north", "北區區公所", "district_office", "demo", "North District Office"),
    ("demo-north-civ", "民政課", "unit", "demo-north", "Civil Affairs Section"),
    ("demo-north-soc", "社會課", "unit", "demo-north", "Social Affairs Section"),
    ("demo-north-sec", "秘書室", "unit", "demo-north", "Secretariat"),
    # The bodies whose real plans are in the seeds, with the units those plans name.
    ("ey", "行政院", "parent_body", None, "Executive Yuan"),
    ("dgbas", "行政院主計總處", "first_level", "ey", "DGBAS"),
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
    ("mof", "財政部", "first_level", "ey", "Ministry of Finance"),
    ("mof-plan", "綜合規劃司", "unit", "mof", "Department of Planning"),
    ("mof-ntbt", "財政部臺北國稅局", "second_level", "mof", "National Taxation Bureau of Taipei"),
    ("moea", "經濟部", "first_level", "ey", "Ministry of Economic Affairs"),
    ("moea-rdc", "研究發展委員會", "unit", "moea", "Research and Development Commission"),
    ("moea-ipo", "智慧財產局", "second_level", "moea", "Intellectual Property Office"),
    ("chcg", "彰化縣政府", "parent_body", None, "Changhua County Government"),
    ("chcg-plan", "彰化縣政府計畫處", "first_level", "chcg", "Planning Department"),
    *[
        (f"chcg-plan-{n}", name, "unit", "chcg-plan", "")
        for n, name in enumerate(["管制考核科", "研究發展科", "資訊科", "綜合規劃科"], start=1)
    ],
    ("kcg", "高雄市政府", "parent_body", None, "Kaohsiung City Government"),
    (
        "kcg-rdec",
        "高雄市政府研究發展考核委員會",
        "first_level",
        "kcg",
        "Research, Development and Evaluation Commission",
    ),
    ("kcg-sanmin", "高雄市三民區公所", "district_office", "kcg", "Sanmin District Office"),
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
]


@dataclass
class DemoReport:
    agencies_created: int = 0
    users_created: int = 0
    plans_imported: int = 0
    plans_skipped: int = 0


@transaction.atomic
def load_agencies_and_users(report: DemoReport) -> None:
    by_code = {a.code: a for a in Agency.objects.filter(code__in=[row[0] for row in AGENCIES])}
    for code, name, kind, parent_code, name_en in AGENCIES:
        if code in by_code:
            continue
        parent = by_code[parent_code] if parent_code else None
        by_code[code] = agency_services.create_agency(
            by=None, code=code, name=name, kind=kind, parent=parent, name_en=name_en
        )
        report.agencies_created += 1
    user_model = get_user_model()
    for demo in USERS:
        user, created = user_model.objects.get_or_create(
            username=demo.username,
            defaults={"first_name": demo.name, "email": f"{demo.username}@demo.servq.tw"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            report.users_created += 1
        agency_services.grant_role(by=None, user=user, agency=by_code[demo.agency], role=demo.role)


def sample_files() -> list[Path]:
    return sorted(SAMPLES_DIR.glob("*.txt"))


def seed_files() -> list[Path]:
    seeds_dir = Path(settings.SERVQ_SEEDS_DIR)
    return sorted(seeds_dir.glob("*.txt")) if seeds_dir.is_dir() else []


# servq's own sample plans: which demo agency owns each, and whether it is published or still a draft.
SAMPLE_OWNERS = {
    "01_framework_table.txt": ("demo", "published"),
    "02_tab_table.txt": ("demo-civil", "published"),
    "03_outline.txt": ("demo-north", "draft"),
}


def load_plans(report: DemoReport, *, log=print) -> None:
    """Import the sample plans and the seed plans once each; a plan already there is left alone."""
    from servq.agencies.selectors import find_by_name
    from servq.plans import services
    from servq.plans.importing import PlanFileError, file_sha256, parse_file

    jobs: list[tuple[Path, str | None, str]] = [
        (path, *SAMPLE_OWNERS.get(path.name, ("demo", "draft"))) for path in sample_files()
    ]
    jobs += [(path, None, "published") for path in seed_files()]
    for path, code, status in jobs:
        try:
            parsed = parse_file(path, max_bytes=settings.SERVQ_IMPORT_MAX_BYTES)
        except PlanFileError as error:
            log(f"demo: skipped {error}")
            continue
        agency = Agency.objects.get(code=code) if code else find_by_name(parsed.agency_name)
        if agency is None:
            log(f"demo: skipped {path.name}: no demo agency named 「{parsed.agency_name}」")
            continue
        program = services.program_for(
            by=None, name=parsed.program_name, years=(parsed.first_year, parsed.last_year)
        )
        if services.find_duplicate(
            program=program,
            agency=agency,
            title=parsed.title,
            first_year=parsed.first_year,
            sha256=file_sha256(path),
        ):
            report.plans_skipped += 1
            continue
        services.import_plan(
            by=None,
            parsed=parsed,
            agency=agency,
            program=program,
            status=status,
            source_name=path.name,
            source_sha256=file_sha256(path),
        )
        report.plans_imported += 1


def ensure_demo_cycle(report: DemoReport) -> None:
    """The 115年 cycle of the demo city, so the supervisor's board has agencies on it."""
    import datetime as dt

    from servq.plans import services
    from servq.plans.models import Plan, PlanCycle

    root = Agency.objects.get(code="demo")
    framework = Plan.objects.filter(agency=root, kind="implementation").order_by("-first_year").first()
    if framework is None or PlanCycle.objects.filter(agency=root, year=framework.first_year).exists():
        return
    participants = list(Agency.objects.filter(code__in=["demo-civil", "demo-north"]))
    cycle = services.open_cycle(
        by=None,
        program=framework.program,
        agency=root,
        year=framework.first_year,
        title=f"{framework.first_year - 1911}年度提升服務品質",
        framework=framework,
        participants=participants,
        submit_by=dt.date(framework.first_year, 1, 30),
        review_by=dt.date(framework.first_year, 2, 27),
        approve_by=dt.date(framework.first_year, 3, 31),
    )
    for plan in Plan.objects.filter(agency__in=participants, first_year=framework.first_year, cycle=None):
        services.link_plan_to_cycle(by=None, plan=plan, cycle=cycle)
