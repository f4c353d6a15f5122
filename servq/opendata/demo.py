"""The demo's open data: 民政局's 戶政科 publishes population figures through approval, keeps a
second dataset in planning whose file still has a name column to clear, and links a third."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model

from servq.agencies.models import Agency
from servq.core import demo
from servq.opendata import services
from servq.opendata.models import Dataset

POPULATION = (
    "區別,戶數,人口數,男,女,統計日期\n"
    "鹽埕區,11234,22156,10867,11289,113/10/31\n"
    "鼓山區,58321,141203,67950,73253,113/10/31\n"
    "左營區,81045,199620,95380,104240,113/10/31\n"
    "楠梓區,77410,193875,94900,98975,113/10/31\n"
)
VOLUNTEERS = "姓名,服務時數,服務單位\n王大明,120,戶籍課\n李小華,80,秘書室\n"


def ensure_demo_opendata() -> bool:
    users = get_user_model().objects.in_bulk(["coordinator", "unitstaff"], field_name="username")
    civil = Agency.objects.filter(code="demo-civil").first()
    household = Agency.objects.filter(code="demo-civil-hh").first()
    if len(users) < 2 or civil is None or household is None or Dataset.objects.exists():
        return False
    staff, coordinator = users["unitstaff"], users["coordinator"]
    population = services.save_dataset(
        by=staff,
        agency=civil,
        unit=household,
        title="各區戶數及人口數",
        description="本市各行政區每月底的戶數、人口數及男女人數，由各戶政事務所統計。",
        frequency="monthly",
        keywords="人口,戶數,戶政",
        fields=[
            {"name": "區別", "type": "text", "description": "行政區"},
            {"name": "戶數", "type": "integer", "description": ""},
            {"name": "人口數", "type": "integer", "description": ""},
        ],
        contact_name="王承辦",
        contact_phone="07-3368333#2101",
    )
    services.add_upload(
        by=staff,
        dataset=population,
        name="各區戶數及人口數（113年10月）",
        fmt="CSV",
        upload=io.BytesIO(POPULATION.encode("cp950")),
        filename="population-11310.csv",
    )
    services.move(by=staff, dataset=population, to="submit")
    services.move(by=coordinator, dataset=population, to="approve")
    services.move(by=coordinator, dataset=population, to="publish")
    volunteers = services.save_dataset(
        by=staff,
        agency=civil,
        unit=household,
        title="戶政志工服務時數",
        description="戶政志工每年的服務時數統計。",
        frequency="yearly",
    )
    services.add_upload(
        by=staff,
        dataset=volunteers,
        name="志工服務時數",
        fmt="CSV",
        upload=io.BytesIO(VOLUNTEERS.encode("utf-8")),
        filename="volunteers.csv",
    )
    services.add_link(
        by=staff,
        dataset=volunteers,
        name="志工招募說明",
        fmt="JSON",
        url="https://www.example.gov.tw/opendata/volunteers.json",
    )
    return True


@demo.part(96, "opendata")
def _load_demo_part(log: demo.Log) -> str | None:
    if not ensure_demo_opendata():
        return None
    return "demo: 民政局's population dataset published through approval (a Big5 file converted), one in planning"
