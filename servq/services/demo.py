"""The demo's services: three of the city's, with documents, SOPs and a simplification, a year of
application figures from an agency system, and one application taken at another agency's counter."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from servq.agencies.models import Agency
from servq.core import demo
from servq.core.actors import Actor
from servq.services import rules, services
from servq.services.models import Service

SERVICES = [
    (
        "demo-civil-hro",
        "demo-civil-hro-reg",
        services.ServiceData(
            code="household-transcript",
            name="戶籍謄本申請",
            time_limit="即時",
            summary="申請本人或同戶之戶籍謄本；可於全國任一戶政事務所跨區申辦，亦可以自然人憑證線上申請電子謄本。",
            legal_basis="戶籍法第65條；戶籍謄本申請及核發辦法",
            eligibility="本人、戶長或同戶之人；利害關係人須附證明文件",
            channels=["counter", "online", "any_office"],
            fees="每張新臺幣15元",
            online_level=rules.FULL,
            apply_url="https://www.ris.gov.tw/",
            form_languages=["zh-Hant", "en"],
            alternatives="行動不便者可電話預約到府服務",
            documents=[
                services.Document("申請人國民身分證正本"),
                services.Document("戶口名簿", e_check=True, e_source="內政部戶役政資訊系統"),
            ],
            steps="櫃檯人員：受理並核對身分（即時）\n櫃檯人員：列印並核發謄本（即時）",
            published=True,
        ),
    ),
    (
        "demo-pw",
        "demo-pw-maint",
        services.ServiceData(
            code="road-excavation",
            name="道路挖掘許可申請",
            time_limit="7個工作天",
            summary="管線單位或民眾因施工需挖掘本市道路者，應先申請許可。",
            legal_basis="市區道路條例第9條；本市道路挖掘管理自治條例",
            eligibility="管線事業機構、承攬廠商或土地所有權人",
            channels=["counter", "online"],
            fees="依挖掘面積計收道路修復費",
            online_level=rules.APPLY,
            form_languages=["zh-Hant"],
            alternatives="可委託代理人臨櫃申請",
            documents=[
                services.Document("道路挖掘申請書"),
                services.Document("施工計畫書及位置圖"),
                services.Document("公司登記證明", e_check=True, e_source="經濟部商工登記公示資料"),
            ],
            steps=(
                "櫃檯人員：受理並檢核文件（1日）\n承辦人：會勘及審查（4個工作天）\n"
                "科長：核定（1日）\n承辦人：核發許可並通知（1日）"
            ),
            published=True,
        ),
    ),
    (
        "demo-north",
        "demo-north-soc",
        services.ServiceData(
            code="low-income",
            name="低收入戶資格申請",
            time_limit="30日",
            summary="家庭總收入平均分配全家人口，每人每月在最低生活費以下者，得申請低收入戶資格。",
            legal_basis="社會救助法第4條",
            eligibility="設籍本市之家庭",
            channels=["counter", "mobile"],
            fees="免費",
            online_level=rules.FORM,
            form_languages=["zh-Hant", "vi", "id"],
            alternatives="社工員到府協助申請；里幹事代為轉送",
            documents=[
                services.Document("申請表"),
                services.Document("全戶戶籍資料", e_check=True, e_source="內政部戶役政資訊系統"),
                services.Document("財稅資料", e_check=True, e_source="財政部財稅資料中心"),
            ],
            steps="區公所社會課：受理並初審（5日）\n社會局：複審及財稅查調（20日）\n社會局：核定並通知（5日）",
            published=True,
        ),
    ),
]


def ensure_demo_services() -> bool:
    coordinator = get_user_model().objects.filter(username="supervisor").first()
    agencies = {a.code: a for a in Agency.objects.filter(code__startswith="demo")}
    if coordinator is None or "demo-north" not in agencies or Service.objects.exists():
        return False
    saved = {}
    for agency_code, unit_code, data in SERVICES:
        data.unit = agencies.get(unit_code)
        saved[data.code] = services.save_service(by=coordinator, agency=agencies[agency_code], data=data)
    services.record_simplification(
        by=coordinator,
        service=saved["low-income"],
        kind="documents",
        before=5,
        after=3,
        on=dt.date(timezone.localdate().year, 1, 15),
        reason="全戶戶籍及財稅資料改由系統查調，民眾免附",
        data_source="內政部戶役政資訊系統、財政部財稅資料中心",
    )
    services.record_visit(
        by=coordinator,
        service=saved["low-income"],
        kind="home",
        on=timezone.localdate() - dt.timedelta(days=10),
        place="北區某里獨居長者住處",
        served=1,
    )
    _demo_records(coordinator, agencies["demo-civil-hro"], saved["household-transcript"])
    clerk = get_user_model().objects.filter(username="counter").first()
    if clerk is not None:
        services.take_application(
            by=clerk,
            counter=agencies["demo-north"],
            service=saved["road-excavation"],
            description="北區中山路自來水管線汰換，申請挖掘路面約 20 平方公尺",
            name="示範水電行",
            phone="02-2345-6789",
        )
    return True


def _demo_records(by: Actor, agency: Agency, service: Service) -> None:
    """A year of an agency system's records (CSV as the system exports it), some late."""
    randomizer = random.Random(115)  # noqa: S311 — demo figures, not security
    today = timezone.localdate()
    lines = ["服務代碼,案號,申辦方式,收件日期,結案日期"]
    for n in range(400):
        received = today - dt.timedelta(days=randomizer.randint(1, 360))
        closed = min(received + dt.timedelta(days=randomizer.choice([0, 0, 0, 1, 1, 2, 4])), today)
        channel = randomizer.choice(["counter", "counter", "online", "any_office"])
        lines.append(f"{service.code},HR{n:06d},{channel},{received.isoformat()},{closed.isoformat()}")
    services.import_records(by=by, agency=agency, data="\n".join(lines).encode(), filename="戶政系統匯出.csv")


@demo.part(55, "services")
def _load_demo_part(log: demo.Log) -> str | None:
    if not ensure_demo_services():
        return None
    return "demo: three services with SOPs, a year of system records, one application at another agency's counter"
