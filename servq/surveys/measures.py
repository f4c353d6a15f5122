"""Measures surveys give indicators: satisfaction, staff satisfaction, courtesy scores, premises checks."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg, QuerySet
from django.utils.translation import gettext_lazy as _

from servq.core.measures import Scope, register
from servq.surveys import rules
from servq.surveys.models import Audience, CourtesyTest, PremisesCheck, Response


def _satisfied(scope: Scope, audience: str) -> Decimal | None:
    """Satisfied answers (top two points) to the last scale item (the overall question) ÷ answers."""
    satisfied = total = 0
    responses = Response.objects.filter(
        survey__agency__path__startswith=scope.agency_path,
        survey__questionnaire__audience=audience,
        on__range=(scope.start, scope.end),
    ).select_related("survey__questionnaire")
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
    return None if total == 0 else (Decimal(satisfied) * 100 / total).quantize(Decimal("0.1"))


@register(key="surveys.satisfaction", label=_("民眾滿意度"), unit="%")
def satisfaction(scope: Scope) -> Decimal | None:
    return _satisfied(scope, Audience.CITIZENS)


@register(key="surveys.staff_satisfaction", label=_("內部同仁滿意度"), unit="%")
def staff_satisfaction(scope: Scope) -> Decimal | None:
    return _satisfied(scope, Audience.STAFF)


def _tests(scope: Scope) -> QuerySet[CourtesyTest]:
    return CourtesyTest.objects.filter(
        agency__path__startswith=scope.agency_path, on__range=(scope.start, scope.end)
    )


@register(key="surveys.courtesy_score", label=_("服務禮貌測試平均分數"), unit="分")
def courtesy_score(scope: Scope) -> Decimal | None:
    mean = _tests(scope).aggregate(m=Avg("total"))["m"]
    return None if mean is None else Decimal(mean).quantize(Decimal("0.1"))


@register(key="surveys.courtesy_pass_rate", label=_("服務禮貌測試合格率"), unit="%")
def courtesy_pass_rate(scope: Scope) -> Decimal | None:
    tests = list(_tests(scope).select_related("sheet").only("total", "sheet__pass_mark"))
    if not tests:
        return None
    passed = sum(t.total is not None and t.total >= t.sheet.pass_mark for t in tests)
    return (Decimal(passed) * 100 / len(tests)).quantize(Decimal("0.1"))


@register(key="surveys.premises_checks", label=_("洽公環境檢查次數"), unit="次")
def premises_checks(scope: Scope) -> Decimal | None:
    return Decimal(
        PremisesCheck.objects.filter(
            agency__path__startswith=scope.agency_path, on__range=(scope.start, scope.end)
        ).count()
    )
