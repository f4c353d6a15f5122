"""What may stand in for an agency's year-end report (004: 經獲推薦參與「政府服務品質獎」機關，得以
參獎申請書替代年度執行成果). The award module registers what it holds; the reporting module asks,
without depending on the module above it (as measures register with core.measures)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

Provider = Callable[[int, list[int]], dict[int, str]]  # (year, agency ids) → agency id: what stands in

_PROVIDERS: list[Provider] = []


def provides(provider: Provider) -> Provider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def year_end(year: int, agency_ids: Iterable[int]) -> dict[int, str]:
    """For each agency whose year-end report something stands in for, a sentence saying what."""
    ids = list(agency_ids)
    found: dict[int, str] = {}
    for provider in _PROVIDERS:
        for agency_id, what in provider(year, ids).items():
            found.setdefault(agency_id, what)
    return found
