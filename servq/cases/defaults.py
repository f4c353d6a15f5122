"""The case categories servq suggests to a body at first run, each limit with where it comes from.

No seed plan sets a case time limit (002 promises only 「全時段公共設施維護通報及管制」). The one rule
above every body's own is the 《行政院及所屬各機關處理人民陳情案件要點》: each agency sets its limits
by the kind of case and publishes them, none longer than 30 days, and a case that cannot be finished
in time is extended with the reason told to the citizen in writing. Everything else below is servq's
suggestion, and says so; the body adopts, changes or drops each at /cases/configuration/.
"""

from __future__ import annotations

from dataclasses import dataclass

PETITION_RULES = "《行政院及所屬各機關處理人民陳情案件要點》第十五點"
# The 要點's ceiling for any petition's limit (other laws may set their own).
PETITION_CEILING_DAYS = 30


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str
    description: str
    limit_days: int
    working_days: bool
    source: str


SUGGESTED_CATEGORIES = [
    Suggestion(
        "petition",
        "陳情",
        "對施政、服務或權益的建議與陳情",
        6,
        True,
        f"servq 建議值；上限依{PETITION_RULES}：由機關依業務性質分類訂定並公告，不得超過 30 日，"
        "逾期須簽准延長並以書面告知陳情人。",
    ),
    Suggestion(
        "inquiry",
        "諮詢",
        "法令、流程與服務的詢問",
        3,
        True,
        f"servq 建議值（詢問宜最快答復）；同受{PETITION_RULES} 30 日上限。",
    ),
    Suggestion(
        "repair",
        "報修",
        "路燈、路面、號誌、公園設施等公共設施報修",
        5,
        True,
        f"servq 建議值；計畫範本未訂報修期限（彰化縣政府計畫僅承諾「全時段公共設施維護通報及管制」）；"
        f"同受{PETITION_RULES} 30 日上限。",
    ),
    Suggestion(
        "report",
        "檢舉",
        "違規停車、違建、環境污染等檢舉",
        30,
        False,
        f"{PETITION_RULES}所定上限 30 日（日曆天）；檢舉常須現場查處。各業務法令另有規定者從其規定。",
    ),
]


# What a 駁回 tells the applicant when the service names no other remedy: 訴願 within 30 days of
# service, filed through the deciding agency (訴願法第14條第1項、第58條第1項). Staff change it where
# another law sets another remedy (e.g. 申復, 異議).
APPEAL_REMEDY = (
    "如不服本處分，得自本處分書送達之次日起 30 日內，依訴願法第 14 條及第 58 條規定，"
    "繕具訴願書經由本機關向訴願管轄機關提起訴願。"
)
