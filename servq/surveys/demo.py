"""The demo's surveys: the citizens' questionnaire, last year's and this year's survey of 民政局 with
answers, a staff survey, the courtesy sheet with this year's tests (one done), a premises check."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from servq.agencies.models import Agency
from servq.core import demo
from servq.surveys import rules, services
from servq.surveys.models import Audience, Questionnaire, Response, Survey


def _answers(randomizer: random.Random, questionnaire: Questionnaire, lift: float) -> dict[str, int]:
    return {
        item.code: max(1, min(5, round(randomizer.gauss(3.6 + lift, 0.9))))
        for item in questionnaire.items.filter(kind="likert5")
    }


def ensure_demo_surveys() -> bool:
    coordinator = get_user_model().objects.filter(username="coordinator").first()
    supervisor = get_user_model().objects.filter(username="supervisor").first()
    counter = get_user_model().objects.filter(username="counter").first()
    civil = Agency.objects.filter(code="demo-civil").first()
    body = Agency.objects.filter(code="demo").first()
    if None in (coordinator, supervisor, counter, civil, body) or Questionnaire.objects.exists():
        return False
    assert civil is not None and body is not None
    questionnaire = services.save_questionnaire(
        by=coordinator,
        agency=civil,
        name="民政局洽公民眾滿意度調查",
        audience=Audience.CITIZENS,
        lines=services.TEMPLATES[Audience.CITIZENS],
    )
    randomizer = random.Random(115)  # noqa: S311 — demo answers
    today = timezone.localdate()
    for year, lift, closes in [
        (today.year - 1, 0.0, today + dt.timedelta(days=1)),
        (today.year, 0.3, today + dt.timedelta(days=30)),
    ]:
        survey = services.open_survey(
            by=coordinator,
            questionnaire=questionnaire,
            title=f"{year - 1911}年度洽公民眾滿意度調查",
            year=year,
            closes_on=closes,
            by_invitation=False,
        )
        Response.objects.bulk_create(
            Response(survey=survey, on=today, stratum="", answers=_answers(randomizer, questionnaire, lift))
            for _ in range(120)
        )
        if year < today.year:
            Survey.objects.filter(pk=survey.pk).update(closed=True)
    services.save_questionnaire(
        by=coordinator,
        agency=civil,
        name="民政局內部同仁滿意度調查",
        audience=Audience.STAFF,
        lines=services.TEMPLATES[Audience.STAFF],
    )
    sheet = services.save_sheet(
        by=supervisor,
        body=body,
        name="電話禮貌測試評分表",
        kind="phone",
        items=rules.EXAMPLE_SHEET,
        bands=rules.EXAMPLE_BANDS,
        pass_mark=Decimal(70),
        every_months=4,
    )
    tests = services.schedule_tests(
        by=supervisor, sheet=sheet, agencies=[civil], testers=[counter], year=today.year
    )
    services.record_test(
        by=counter,
        test=tests[0],
        scores={"A": "15", "B": "16", "C": "20", "D": "18", "E": "8"},
        note="第一聲未報單位名稱",
    )
    services.record_premises_check(
        by=coordinator,
        agency=civil,
        location="民政局一樓服務台",
        on=today - dt.timedelta(days=20),
        results={
            "signage": "ok",
            "bilingual": "fix",
            "access": "ok",
            "waiting": "ok",
            "facilities": "ok",
            "clean": "ok",
        },
        note="英文標示不足，已請總務科製作。",
    )
    return True


@demo.part(90, "surveys")
def _load_demo_part(log: demo.Log) -> str | None:
    if not ensure_demo_surveys():
        return None
    return "demo: two years of 民政局's citizen survey, a staff questionnaire, courtesy tests and a premises check"
