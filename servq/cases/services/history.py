"""Cases services: bringing last years' cases from another system, so on-time rates and analytics
start with history (issue 34.7)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from servq.agencies.models import Agency
from servq.agencies.rules import supervises
from servq.agencies.selectors import grants_of
from servq.cases import history_import, rules
from servq.cases.models import Case, CaseCategory, CloseTime, State
from servq.cases.services._common import CaseError
from servq.cases.services.clients import token_hash
from servq.cases.services.stats import STATS_COUNTS, STATS_KEY, _upsert_or_add
from servq.core import audit
from servq.core.actors import Actor, is_superuser
from servq.core.selectors import office_calendar
from servq.core.tables import TableError, read_table

MAX_HISTORY_BYTES = 100_000_000


@dataclass
class HistoryPlan:
    """What an export would bring (dry run) or brought: cases by year, closed, on time."""

    cases: int = 0
    closed: int = 0
    on_time: int = 0
    by_year: dict[int, int] = field(default_factory=dict)


@transaction.atomic
def import_case_history(
    *, by: Actor, body: Agency, data: bytes, filename: str, dry_run: bool = False
) -> HistoryPlan:
    """Past cases into the body's tree, all or nothing, each audited; their due dates worked out by
    today's category limits on the office calendar, their on-time result from their close date.
    They carry no citizen's contact and no query password: they count, they are not worked on."""
    CaseError.require(
        by is None or is_superuser(by) or supervises(grants_of(by), body.path),
        f"只有{body.name}的研考督導可以匯入歷史案件。",
    )
    try:
        table = read_table(data, filename, max_bytes=MAX_HISTORY_BYTES)
        rows = history_import.read_cases(
            table.rows, history_import.columns(table.header, filename), filename, today=timezone.localdate()
        )
    except (history_import.HistoryRefused, TableError) as error:
        raise CaseError(str(error), "file") from None
    agencies = {
        a.code.upper(): a for a in Agency.objects.filter(path__startswith=body.path).exclude(kind="unit")
    }
    categories = {key: c for c in CaseCategory.objects.filter(body=body) for key in (c.code.lower(), c.name)}
    taken = set(Case.objects.filter(number__in=[r.number for r in rows]).values_list("number", flat=True))
    years = {r.received.year for r in rows}
    calendar = office_calendar((min(years), max(years) + 1))
    cases: list[Case] = []
    for row in rows:
        at = f"{filename} 第 {row.line} 列"
        agency = agencies.get(row.agency.upper())
        CaseError.require(
            agency is not None, f"{at}：機關代碼「{row.agency[:20]}」不在{body.name}之下。", "file"
        )
        category = categories.get(row.category.lower()) or categories.get(row.category)
        CaseError.require(
            category is not None, f"{at}：{body.name}沒有案件類別「{row.category[:20]}」。", "file"
        )
        CaseError.require(row.number not in taken, f"{at}：案號 {row.number} 已經匯入過。", "file")
        assert agency is not None and category is not None  # for the type checker: required above
        due = rules.due_date(
            row.received,
            category.limit_days,
            working_days=category.working_days,
            cal=calendar,
            months=category.limit_months,
        )
        cases.append(_past_case(row, body, agency, category, due, filename))
    plan = _summary(cases)
    if dry_run:
        return plan
    created = Case.objects.bulk_create(cases, batch_size=2000)
    _count(created)
    audit.record_each(
        by=by,
        action="case.import",
        objects=[
            (c, c.agency, {"state": c.state, "received": c.received_at.date().isoformat()}) for c in created
        ],
    )
    audit.record(
        by=by,
        action="case.import_file",
        obj=body,
        agency=body,
        extra={"file": filename[:100], "cases": plan.cases},
    )
    return plan


def _past_case(
    row: Any, body: Agency, agency: Agency, category: CaseCategory, due: dt.date, filename: str
) -> Case:
    noon = dt.time(12, 0)
    received = timezone.make_aware(dt.datetime.combine(row.received, noon))
    closed = timezone.make_aware(dt.datetime.combine(row.closed, noon)) if row.closed else None
    return Case(
        number=row.number,
        token_hash=token_hash(row.number, secrets.token_urlsafe(16)),  # nobody holds a password to it
        channel=row.channel,
        body=body,
        category=category,
        agency=agency,
        state=State.CLOSED if closed else State.IN_PROGRESS,
        description=f"（自 {filename[:80]} 匯入的歷史案件）",
        received_at=received,
        due_on=due,
        closed_at=closed,
        closed_on_time=rules.closed_on_time(row.closed, due) if row.closed else None,
    )


def _summary(cases: list[Case]) -> HistoryPlan:
    return HistoryPlan(
        cases=len(cases),
        closed=sum(1 for c in cases if c.closed_at),
        on_time=sum(1 for c in cases if c.closed_on_time),
        by_year=dict(sorted(Counter(c.received_at.year for c in cases).items())),
    )


def _count(cases: list[Case]) -> None:
    """The roll-ups the analytics read, one statement per key rather than per case."""
    stats: Counter[tuple[Any, ...]] = Counter()
    closes: Counter[tuple[Any, ...]] = Counter()
    for case in cases:
        month = timezone.localdate(case.received_at).replace(day=1)
        key = (month, case.agency_id, case.unit_id, case.category_id, case.channel, 0)
        stats[(*key, "received")] += 1
        if case.closed_at is not None:
            stats[(*key, "closed")] += 1
            stats[(*key, "closed_on_time")] += 1 if case.closed_on_time else 0
            days = max((timezone.localdate(case.closed_at) - timezone.localdate(case.received_at)).days, 0)
            closes[(month, case.agency_id, case.category_id, days)] += 1
    keys = {k[:-1] for k in stats}
    for key in keys:
        _upsert_or_add(dict(zip(STATS_KEY, key, strict=True)), {n: stats[(*key, n)] for n in STATS_COUNTS})
    for (month, agency_id, category_id, days), n in closes.items():
        row, _created = CloseTime.objects.get_or_create(
            month=month, agency_id=agency_id, category_id=category_id, days=days, defaults={"cases": 0}
        )
        CloseTime.objects.filter(pk=row.pk).update(cases=F("cases") + n)
