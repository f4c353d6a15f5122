"""Measures surveys give indicators: satisfaction, staff satisfaction, courtesy scores, premises checks."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg, QuerySet
from django.utils.translation import gettext_lazy as _

from servq.core.measures import Scope, register, register_count
from servq.core.rules import share
from servq.surveys import rules
from servq.surveys.models import Audience, CourtesyTest, PremisesCheck, Response, Survey


def _responses(scope: Scope, audience: str) -> QuerySet[Response]:
    return Response.objects.filter(
        survey__agency__path__startswith=scope.agency_path,
        survey__questionnaire__audience=audience,
        on__range=(scope.start, scope.end),
    ).order_by("on")


RESPONSE_COLUMNS = ("survey__title", "survey__agency__name", "on", "channel")
TEST_COLUMNS = ("agency__name", "on", "total", "band")


def _satisfied(scope: Scope, audience: str) -> Decimal | None:
    """Satisfied answers (top two points) to the last scale item (the overall question) ÷ answers."""
    satisfied = total = 0
    responses = _responses(scope, audience).select_related("survey__questionnaire")
    overall: dict[int, tuple[str, int]] = {}
    for response in responses.iterator(chunk_size=2000):
        q = response.survey.questionnaire
        if q.pk not in overall:
            item = q.items.filter(kind__in=list(rules.SCALE)).order_by("-position").first()
            overall[q.pk] = (item.code, rules.SCALE[item.kind] - 1) if item else ("", 0)
        code, top = overall[q.pk]
        value = response.answers.get(code)
        if isinstance(value, int):
            total += 1
            satisfied += value >= top
    return share(satisfied, total)


@register(
    key="surveys.satisfaction",
    label=_("民眾滿意度"),
    unit="%",
    definition=_(
        "期間內收到的民眾（分眾）問卷回覆中，對整體滿意度題（問卷最後一題量表題）答最高兩級者所占比率；"
        "未作答該題的回覆不計。"
    ),
    records=lambda scope: _responses(scope, Audience.CITIZENS),
    columns=RESPONSE_COLUMNS,
)
def satisfaction(scope: Scope) -> Decimal | None:
    return _satisfied(scope, Audience.CITIZENS)


@register(
    key="surveys.staff_satisfaction",
    label=_("內部同仁滿意度"),
    unit="%",
    definition=_(
        "期間內收到的內部同仁問卷回覆中，對整體滿意度題答最高兩級者所占比率（匿名問卷，只計回覆）。"
    ),
    records=lambda scope: _responses(scope, Audience.STAFF),
    columns=("survey__title", "survey__agency__name", "on"),
)
def staff_satisfaction(scope: Scope) -> Decimal | None:
    return _satisfied(scope, Audience.STAFF)


def _tests(scope: Scope) -> QuerySet[CourtesyTest]:
    return CourtesyTest.objects.filter(
        agency__path__startswith=scope.agency_path, on__range=(scope.start, scope.end)
    ).order_by("on")


register_count(
    key="surveys.courtesy_tests",
    label=_("電話禮貌測試次數"),
    unit="次",
    definition=_(
        "期間內完成（已記錄測試日期與分數）的電話禮貌測試次數"
        "（彰化縣「每年辦理 6 次」、經濟部「每4個月至少測試1次」、高雄市上下半年各 1 次）。"
    ),
    records=_tests,
    columns=TEST_COLUMNS,
)


@register(
    key="surveys.courtesy_score",
    label=_("服務禮貌測試平均分數"),
    unit="分",
    definition=_("期間內完成的電話禮貌測試之總分平均。"),
    records=_tests,
    columns=TEST_COLUMNS,
)
def courtesy_score(scope: Scope) -> Decimal | None:
    mean = _tests(scope).aggregate(m=Avg("total"))["m"]
    return None if mean is None else Decimal(mean).quantize(Decimal("0.1"))


@register(
    key="surveys.courtesy_pass_rate",
    label=_("服務禮貌測試合格率"),
    unit="%",
    definition=_("期間內完成的電話禮貌測試中，總分達評分表合格分數者所占比率。"),
    records=_tests,
    columns=TEST_COLUMNS,
)
def courtesy_pass_rate(scope: Scope) -> Decimal | None:
    tests = list(_tests(scope).select_related("sheet").only("total", "sheet__pass_mark"))
    if not tests:
        return None
    return share(sum(t.total is not None and t.total >= t.sheet.pass_mark for t in tests), len(tests))


register_count(
    key="surveys.premises_checks",
    label=_("洽公環境檢查次數"),
    unit="次",
    definition=_("期間內記錄的洽公環境設備檢查次數（高雄市「每年至少辦理洽公環境設備檢查…1次」）。"),
    records=lambda scope: PremisesCheck.objects.filter(
        agency__path__startswith=scope.agency_path, on__range=(scope.start, scope.end)
    ).order_by("on"),
    columns=("agency__name", "location", "on"),
)


def _runs(scope: Scope) -> QuerySet[Survey]:
    return Survey.objects.filter(
        agency__path__startswith=scope.agency_path, closes_on__range=(scope.start, scope.end)
    ).order_by("closes_on")


SURVEY_COLUMNS = ("title", "agency__name", "questionnaire__audience", "closes_on")

register_count(
    key="surveys.survey_runs",
    label=_("滿意度調查辦理次數"),
    unit="次",
    definition=_("截止日落在期間內的滿意度調查（民眾、施政、隨案；不含內部同仁）次數。"),
    records=lambda scope: _runs(scope).exclude(questionnaire__audience=Audience.STAFF),
    columns=SURVEY_COLUMNS,
)
register_count(
    key="surveys.policy_survey_runs",
    label=_("施政滿意度調查辦理次數"),
    unit="次",
    definition=_("截止日落在期間內的施政滿意度調查次數（彰化縣「每年辦理1次施政滿意度調查」）。"),
    records=lambda scope: _runs(scope).filter(questionnaire__audience=Audience.POLICY),
    columns=SURVEY_COLUMNS,
)
register_count(
    key="surveys.staff_survey_runs",
    label=_("內部同仁滿意度調查辦理次數"),
    unit="次",
    definition=_("截止日落在期間內的內部同仁滿意度調查次數（經濟部、高雄市「進行內部同仁滿意度調查」）。"),
    records=lambda scope: _runs(scope).filter(questionnaire__audience=Audience.STAFF),
    columns=SURVEY_COLUMNS,
)
