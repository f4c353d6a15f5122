"""An award application the body nominated, that asked to stand in for the year's report, does."""

from __future__ import annotations

from servq.awards.models import Entry
from servq.core import stand_ins


@stand_ins.provides
def nominated_applications(year: int, agency_ids: list[int]) -> dict[int, str]:
    entries = Entry.objects.filter(
        edition__year=year,
        agency_id__in=agency_ids,
        year_end_report=True,
        nominated=True,
        submitted_at__isnull=False,
    ).select_related("edition")
    return {
        entry.agency_id: f"以參獎申請書「{entry.title}」替代（{entry.edition.name}，經推薦參獎）"
        for entry in entries
    }
