"""Indicators read live from their measures: the value over the indicator's year (from the plan's
first year for a cumulative one), any override beside it, and the target it is held against.

A measure that fails is reported on its indicator and does not stop the page or the report that
reads it; a measure with nothing to count reads 「無資料」 (None), never 0 % or 100 %.

Values are kept in the cache for ``SERVQ_MEASURE_CACHE_SECONDS`` (15 minutes), read many at once,
and warmed by a periodic task: a body-wide dashboard reads thousands of values, which computed one by
one on each request would take seconds (decision 20). The pages that explain a value (an indicator's
own page, the records behind it) read fresh and refresh the cache."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache

from servq.core import measures
from servq.plans import rules
from servq.plans.models import Indicator, IndicatorOverride, IndicatorTarget

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reading:
    indicator: Indicator
    year: int
    scope: measures.Scope | None  # None: the year has not begun, or the indicator has no measure
    measured: Decimal | None
    error: str
    override: IndicatorOverride | None
    target: Decimal | None

    @property
    def value(self) -> Decimal | None:
        """The value held against the target: the override where there is one, else the measured."""
        return self.override.value if self.override is not None else self.measured

    @property
    def met(self) -> bool | None:
        return rules.meets_target(
            self.value, self.target, higher_is_better=self.indicator.direction == "higher"
        )

    @property
    def measure(self) -> measures.Measure | None:
        try:
            return measures.get(self.indicator.measure_key) if self.indicator.measure_key else None
        except measures.UnknownMeasure:
            return None


def scope_of(indicator: Indicator, year: int, today: dt.date) -> measures.Scope | None:
    """What the indicator's measure reads for a year: the agency's subtree from 1 January (from the
    plan's first year if cumulative) to 31 December or today, whichever is first."""
    start = dt.date(indicator.plan.first_year if indicator.cumulative else year, 1, 1)
    end = min(dt.date(year, 12, 31), today)
    if end < dt.date(year, 1, 1):
        return None
    return measures.Scope(indicator.plan.agency.path, start, end)


def measure_value(key: str, scope: measures.Scope) -> tuple[Decimal | None, str]:
    """The measure's value for the scope, or the error that stopped it (logged, shown, not raised)."""
    try:
        return measures.get(key).value(scope), ""
    except measures.UnknownMeasure:
        return None, f"自動量測來源「{key}」已不存在。"
    except Exception as failure:  # a broken measure must not take the page or the report with it
        log.exception("measure %s failed for %s", key, scope)
        return None, f"無法計算：{type(failure).__name__}"


def _cache_key(key: str, scope: measures.Scope) -> str:
    digest = hashlib.sha256(f"{key}|{scope.agency_path}|{scope.start}|{scope.end}".encode()).hexdigest()[:32]
    return f"servq:measure:{digest}"


def measure_values(
    wanted: Iterable[tuple[str, measures.Scope]], *, fresh: bool = False
) -> dict[tuple[str, measures.Scope], tuple[Decimal | None, str]]:
    """Many measures' values at once: from the cache in one round trip, the rest computed and kept
    (errors are not kept: the next read tries again). ``fresh`` computes every one."""
    wanted = list(dict.fromkeys(wanted))
    keys = {pair: _cache_key(*pair) for pair in wanted}
    kept = {} if fresh else cache.get_many(list(keys.values()))
    found: dict[tuple[str, measures.Scope], tuple[Decimal | None, str]] = {}
    new = {}
    for pair, cache_key in keys.items():
        if cache_key in kept:
            raw = kept[cache_key]
            found[pair] = (None if raw is None else Decimal(raw), "")
            continue
        value, error = measure_value(*pair)
        found[pair] = (value, error)
        if not error:
            new[cache_key] = None if value is None else str(value)
    if new:
        cache.set_many(new, timeout=settings.SERVQ_MEASURE_CACHE_SECONDS)
    return found


def readings(
    indicators: Iterable[Indicator], year: int, today: dt.date, *, fresh: bool = False
) -> dict[int, Reading]:
    """Each indicator's reading for the year (typed indicators too: their override and target)."""
    indicators = list(indicators)
    # Two queries however many indicators, by plan (a body-wide dashboard reads thousands: an IN list
    # of every indicator, or a prefetch per indicator, costs more than the values themselves).
    plan_ids = {indicator.plan_id for indicator in indicators}
    overrides = {
        o.indicator_id: o
        for o in IndicatorOverride.objects.filter(indicator__plan_id__in=plan_ids, year=year).select_related(
            "by"
        )
    }
    targets = dict(
        IndicatorTarget.objects.filter(indicator__plan_id__in=plan_ids, year=year).values_list(
            "indicator_id", "value"
        )
    )
    scopes = {
        indicator.pk: scope_of(indicator, year, today) if indicator.measure_key else None
        for indicator in indicators
    }
    values = measure_values(
        ((indicator.measure_key, scope) for indicator in indicators if (scope := scopes[indicator.pk])),
        fresh=fresh,
    )
    found = {}
    for indicator in indicators:
        scope = scopes[indicator.pk]
        measured, error = values[(indicator.measure_key, scope)] if scope else (None, "")
        found[indicator.pk] = Reading(
            indicator,
            year,
            scope,
            measured,
            error,
            overrides.get(indicator.pk),
            targets.get(indicator.pk),
        )
    return found


def trend(indicator: Indicator, today: dt.date, *, fresh: bool = False) -> list[Reading]:
    """The indicator's reading for every year of its plan up to this one."""
    years = range(indicator.plan.first_year, min(indicator.plan.last_year, today.year) + 1)
    return [readings([indicator], year, today, fresh=fresh)[indicator.pk] for year in years]


def warm(today: dt.date) -> int:
    """Read (and so keep) this year's value of every measure-bound indicator of a plan running this
    year: what the periodic task does so dashboards find their values waiting. The count read."""
    indicators = (
        Indicator.objects.exclude(measure_key="")
        .filter(plan__first_year__lte=today.year, plan__last_year__gte=today.year)
        .exclude(plan__status="superseded")
        .select_related("plan__agency")
    )
    read = 0
    for chunk_start in range(0, indicators.count(), 2000):
        chunk = list(indicators.order_by("pk")[chunk_start : chunk_start + 2000])
        readings(chunk, today.year, today, fresh=True)
        read += len(chunk)
    return read


def over_range(indicator: Indicator, start: dt.date, end: dt.date, today: dt.date) -> Reading:
    """The indicator's measured value over a reporting period (to today if it has not ended)."""
    scope = None
    if indicator.measure_key and start <= today:
        scope = measures.Scope(indicator.plan.agency.path, start, min(end, today))
    pair = (indicator.measure_key, scope) if scope else None
    measured, error = measure_values([pair])[pair] if pair else (None, "")
    return Reading(indicator, end.year, scope, measured, error, None, None)
