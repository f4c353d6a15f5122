"""The demo's FAQ: 民政局's answers to what citizens ask most, one due for review."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from servq.agencies.models import Agency
from servq.core import demo
from servq.faq import services
from servq.faq.models import Entry

ENTRIES = [
    (
        "申請戶籍謄本需要帶什麼？",
        "本人請攜帶國民身分證正本；委託他人申請另需委託書及受託人身分證。全國任一戶政事務所均可跨區申請。",
        "戶籍法第65條",
    ),
    (
        "可以在網路上申請電子戶籍謄本嗎？",
        "可以。使用自然人憑證至內政部戶政司網站線上申請，並可下載電子謄本。",
        "",
    ),
    (
        "路燈不亮要向哪裡反映？",
        "請撥 1999 或於本平台「我要陳情」選擇「報修」，並寫明路燈編號或地點，工務局將於 5 個工作天內修復。",
        "",
    ),
    (
        "行動不便不能到戶政事務所，可以請人到府辦理嗎？",
        "可以。身心障礙、重病或年邁行動不便者，可電話預約到府辦理戶籍登記及國民身分證申請，請先備妥相關證明。",
        "",
    ),
]


def ensure_demo_faq() -> bool:
    coordinator = get_user_model().objects.filter(username="coordinator").first()
    civil = Agency.objects.filter(code="demo-civil").first()
    if coordinator is None or civil is None or Entry.objects.exists():
        return False
    for question, answer, basis in ENTRIES:
        services.save_entry(
            by=coordinator, agency=civil, question=question, answer=answer, legal_basis=basis, published=True
        )
    Entry.objects.filter(question=ENTRIES[2][0]).update(
        confirmed_on=timezone.localdate() - dt.timedelta(days=400)
    )
    return True


@demo.part(95, "faq")
def _load_demo_part(log: demo.Log) -> str | None:
    return "demo: four FAQ entries of 民政局, one overdue for review" if ensure_demo_faq() else None
