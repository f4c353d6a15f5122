"""Reads of surveys: a survey's results with intervals, α and the comparison with last year, the
surveys and tests a user reaches."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, IntegerField, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from servq.agencies.selectors import reach_q
from servq.surveys import rules
from servq.surveys.models import CourtesyTest, Item, Response, Survey

TOP = {rules.LIKERT5: 4, rules.LIKERT7: 6}  # 「滿意」: the top two points


def surveys_for(user: Any) -> QuerySet[Survey]:
    return Survey.objects.filter(reach_q(user, "agency")).select_related("questionnaire", "agency")


def tests_for(user: Any) -> QuerySet[CourtesyTest]:
    """Tests of agencies in reach, and those the user is to carry out."""
    from django.db.models import Q

    mine = Q(tester=user) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
    return (
        CourtesyTest.objects.filter(Q(reach_q(user, "sheet__body")) | Q(reach_q(user, "agency")) | mine)
        .select_related("sheet", "agency", "tester")
        .distinct()
    )


@dataclass
class ItemResult:
    item: Item
    answered: int
    share: rules.Interval | None = None
    mean: rules.Interval | None = None
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class SurveyResults:
    responses: int
    invited: int
    items: list[ItemResult]
    alphas: dict[str, float | None]
    design_effect: float | None
    weighted: bool
    comparison: rules.Comparison | None = None
    last_year: rules.Interval | None = None


def _matrix(survey: Survey, items: list[Item]) -> tuple[np.ndarray, list[str]]:
    """Responses × items (NaN where unanswered), one pass over the answers; and each one's stratum."""
    codes = [i.code for i in items]
    rows, strata = [], []
    for answers, stratum in (
        Response.objects.filter(survey=survey).values_list("answers", "stratum").iterator(chunk_size=5000)
    ):
        rows.append([answers.get(c, np.nan) if isinstance(answers.get(c), int) else np.nan for c in codes])
        strata.append(stratum)
    return (np.array(rows, dtype=float) if rows else np.empty((0, len(codes)))), strata


def results(survey: Survey) -> SurveyResults:
    """Every statistic of one survey: per scale item the satisfied share (Wilson interval, weighted by
    post-stratification where the population is known) and the mean (t interval); choices counted;
    Cronbach's α per section; the overall item compared with last year's survey of the questionnaire."""
    items = list(survey.questionnaire.items.all())
    scale = [i for i in items if i.kind in rules.SCALE]
    matrix, strata = _matrix(survey, scale)
    weights = None
    if survey.population and strata:
        counts: dict[str, int] = defaultdict(int)
        for s in strata:
            counts[s] += 1
        table = rules.poststratification_weights(counts, survey.population)
        weights = np.array([table.get(s, 1.0) for s in strata])
    out = []
    for column, item in enumerate(scale):
        answered = ~np.isnan(matrix[:, column]) if len(matrix) else np.array([], dtype=bool)
        values = matrix[answered, column] if len(matrix) else np.array([])
        result = ItemResult(item, int(answered.sum()))
        if len(values) >= 2:
            result.share = rules.top_share(
                values, TOP[item.kind], None if weights is None else weights[answered]
            )
            result.mean = rules.mean_interval(values)
        out.append(result)
    out += _choices(survey, [i for i in items if i.kind in (rules.SINGLE, rules.MULTI)])
    alphas: dict[str, float | None] = {}
    for section in dict.fromkeys(i.section for i in scale):
        columns = [n for n, i in enumerate(scale) if i.section == section]
        try:
            alphas[section] = rules.cronbach_alpha(matrix[:, columns]) if len(columns) >= 2 else None
        except ValueError:
            alphas[section] = None
    summary = SurveyResults(
        responses=Response.objects.filter(survey=survey).count(),
        invited=survey.invitations.count(),
        items=out,
        alphas=alphas,
        design_effect=rules.design_effect(weights) if weights is not None else None,
        weighted=weights is not None,
    )
    _compare_with_last_year(survey, scale, matrix, summary)
    return summary


def _choices(survey: Survey, items: list[Item]) -> list[ItemResult]:
    if not items:
        return []
    counted = {i.code: ItemResult(i, 0, counts={c: 0 for c in i.choices}) for i in items}
    for answers in (
        Response.objects.filter(survey=survey).values_list("answers", flat=True).iterator(chunk_size=5000)
    ):
        for code, result in counted.items():
            picked = answers.get(code)
            for index in (
                picked if isinstance(picked, list) else ([picked] if isinstance(picked, int) else [])
            ):
                result.counts[result.item.choices[index]] += 1
            result.answered += picked is not None
    return list(counted.values())


def _compare_with_last_year(
    survey: Survey, scale: list[Item], matrix: np.ndarray, summary: SurveyResults
) -> None:
    """The last scale item (the overall question) against the same item in last year's survey."""
    if not scale or not len(matrix):
        return
    last = (
        Survey.objects.filter(
            agency=survey.agency, questionnaire__name=survey.questionnaire.name, year=survey.year - 1
        )
        .order_by("-id")
        .first()
    )
    if last is None:
        return
    overall = scale[-1]
    top = TOP[overall.kind]
    # Counted in the database: last year's answers are never read into Python.
    value = Cast(KeyTextTransform(overall.code, "answers"), IntegerField())
    before = (
        Response.objects.filter(survey=last)
        .annotate(v=value)
        .aggregate(n=Count("v"), k=Count("v", filter=Q(v__gte=top)))
    )
    now = matrix[:, -1][~np.isnan(matrix[:, -1])]
    if before["n"] < 2 or len(now) < 2:
        return
    summary.comparison = rules.compare_shares(int((now >= top).sum()), len(now), before["k"], before["n"])
    summary.last_year = rules.wilson(before["k"], before["n"])
