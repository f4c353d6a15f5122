"""Reads of website health that pages, measures and benchmarks share."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from servq.agencies.models import Agency
from servq.agencies.selectors import reach_q
from servq.webcheck.models import A11yFinding, BrokenLink, CheckStatus, PageFreshness, Site, SiteCheck

TREND_RUNS = 12


def sites_for(user: Any) -> QuerySet[Site]:
    return Site.objects.filter(reach_q(user, "agency")).select_related("agency")


@dataclass
class SitePage:
    site: Site
    latest: SiteCheck | None
    previous: SiteCheck | None
    pending: SiteCheck | None
    broken: list[BrokenLink]
    by_page: list[tuple[str, list[tuple[BrokenLink, int]]]]
    by_unit: list[tuple[str, int]]
    new: list[BrokenLink]
    fixed: list[str]
    trend: list[SiteCheck]
    stale: list[PageFreshness]
    a11y: list[A11yFinding]
    a11y_by_rule: list[tuple[str, str, int, int]] = field(default_factory=list)
    unverified: list[BrokenLink] = field(default_factory=list)


def site_page(site: Site) -> SitePage:
    """Everything the site page shows, in a fixed number of queries."""
    runs = list(site.checks.order_by("-queued_at", "-id")[: TREND_RUNS + 1])
    done = [run for run in runs if run.status == CheckStatus.DONE]
    pending = next((run for run in runs if run.status in (CheckStatus.QUEUED, CheckStatus.RUNNING)), None)
    latest = runs[0] if runs and runs[0].status == CheckStatus.FAILED else (done[0] if done else None)
    last_done = done[0] if done else None
    previous = done[1] if len(done) > 1 else None
    found = list(last_done.broken_links.all()) if last_done else []
    broken = [link for link in found if not link.unverified]
    fixed: list[str] = []
    if previous is not None:
        now_broken = {link.url for link in broken}
        before = previous.broken_links.filter(unverified=False).values_list("url", flat=True)
        fixed = sorted(set(before) - now_broken)
    units = {a.pk: a.name for a in Agency.objects.filter(pk__in=_unit_ids(broken))}
    stale = list(last_done.pages_seen.filter(stale=True)[:200]) if last_done else []
    a11y = list(last_done.a11y_findings.all()) if last_done else []
    return SitePage(
        site=site,
        latest=latest,
        previous=previous,
        pending=pending,
        broken=broken,
        unverified=[link for link in found if link.unverified],
        by_page=_by_page(broken),
        by_unit=_by_unit(broken, units),
        new=[link for link in broken if link.is_new],
        fixed=fixed,
        trend=list(reversed(done[:TREND_RUNS])),
        stale=stale,
        a11y=a11y,
        a11y_by_rule=_a11y_by_rule(a11y),
    )


def _unit_ids(broken: list[BrokenLink]) -> set[int]:
    return {s["unit"] for link in broken for s in link.sources if s.get("unit")}


def _by_page(broken: list[BrokenLink]) -> list[tuple[str, list[tuple[BrokenLink, int]]]]:
    pages: dict[str, list[tuple[BrokenLink, int]]] = defaultdict(list)
    for link in broken:
        for source in link.sources:
            pages[source["page"]].append((link, source["line"]))
    return sorted(pages.items(), key=lambda item: (-len(item[1]), item[0]))


def _by_unit(broken: list[BrokenLink], units: dict[int, str]) -> list[tuple[str, int]]:
    counts: dict[str, int] = defaultdict(int)
    for link in broken:
        owners = {units.get(s.get("unit") or 0, "未指定單位") for s in link.sources} or {"未指定單位"}
        for owner in owners:
            counts[owner] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _a11y_by_rule(findings: list[A11yFinding]) -> list[tuple[str, str, int, int]]:
    """(rule, level, pages, elements) for each rule violated, level A first."""
    rules: dict[tuple[str, str], list[A11yFinding]] = defaultdict(list)
    for finding in findings:
        if finding.level:
            rules[(finding.rule, finding.level)].append(finding)
    return sorted(
        ((rule, level, len(items), sum(f.nodes for f in items)) for (rule, level), items in rules.items()),
        key=lambda row: (row[1], -row[3], row[0]),
    )


def latest_done_checks(agency_path: str, start: Any, end: Any) -> list[SiteCheck]:
    """Each site's last finished run in the range, for sites of agencies in the subtree."""
    runs = (
        SiteCheck.objects.filter(
            site__agency__path__startswith=agency_path,
            status=CheckStatus.DONE,
            finished_at__date__gte=start,
            finished_at__date__lte=end,
        )
        .order_by("site_id", "-finished_at")
        .only("site_id", "links", "broken", "stale_pages", "a11y_violations", "finished_at")
    )
    latest: dict[int, SiteCheck] = {}
    for run in runs:
        latest.setdefault(run.site_id, run)
    return list(latest.values())


# How many finished runs of each site the combined report shows as its trend.
REPORT_TREND = 5


@dataclass(frozen=True)
class SiteRow:
    site: Site
    last: SiteCheck | None
    unverified: int
    trend: list[int]


def combined_report(user: Any) -> list[SiteRow]:
    """Every site in the user's reach with its last finished run, the links that could not be
    verified, and the broken counts of its last runs: the supervisor's view across agencies, in
    three queries whatever the number of sites."""
    sites = list(sites_for(user).order_by("agency__path", "name"))
    runs = (
        SiteCheck.objects.filter(site__in=sites, status=CheckStatus.DONE)
        .order_by("site_id", "-finished_at")
        .only("id", "site_id", "pages", "links", "broken", "stale_pages", "a11y_violations", "finished_at")
    )
    by_site: dict[int, list[SiteCheck]] = defaultdict(list)
    for run in runs:
        if len(by_site[run.site_id]) < REPORT_TREND:
            by_site[run.site_id].append(run)
    last_ids = [found[0].pk for found in by_site.values() if found]
    unverified = dict(
        BrokenLink.objects.filter(check_run_id__in=last_ids, unverified=True)
        .values_list("check_run_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = []
    for site in sites:
        found = by_site.get(site.pk, [])
        last = found[0] if found else None
        trend = [run.broken for run in reversed(found)]
        rows.append(SiteRow(site, last, unverified.get(last.pk, 0) if last else 0, trend))
    return rows
