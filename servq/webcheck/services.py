"""Every write of website health: registering sites, queuing and running checks, storing results."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import re
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from servq.agencies.models import Agency
from servq.core import audit, leases
from servq.core.actors import Actor
from servq.core.addresses import AddressPolicy, parse_networks
from servq.core.errors import ServiceError
from servq.core.models import Lease
from servq.core.permissions import has_perm
from servq.webcheck import rules
from servq.webcheck.crawler import Limits, Options, Report, check_links, check_site, check_sites
from servq.webcheck.crawler.parse import LINK_RULES
from servq.webcheck.models import (
    A11yFinding,
    BrokenLink,
    CheckStatus,
    PageFreshness,
    PathOwner,
    Site,
    SiteCheck,
)

SITE_FIELDS = [
    "name",
    "start_url",
    "schedule",
    "max_pages",
    "stale_after_days",
    "freshness_rules",
    "excludes",
    "allow_private",
    "active",
]
T = TypeVar("T")


class SiteError(ServiceError):
    """A website-health write refused for a reason the user can act on."""


def _clean_site_fields(fields: dict[str, Any]) -> dict[str, Any]:
    problem = rules.start_url_problem(str(fields.get("start_url", "")))
    SiteError.require(problem is None, problem or "")
    fields["start_url"] = str(fields["start_url"]).strip()
    for number, pattern in enumerate(str(fields.get("excludes", "")).splitlines(), start=1):
        if not pattern.strip():
            continue
        try:
            re.compile(pattern.strip())
        except re.error as error:
            raise SiteError(
                f"排除網址第 {number} 列「{pattern.strip()[:60]}」不是正確的正規表示式：{error}"
            ) from None
    try:
        rules.parse_freshness_rules(str(fields.get("freshness_rules", "")))
    except ValueError as error:
        raise SiteError(str(error), "freshness_rules") from None
    if fields.get("allow_private"):
        SiteError.require(
            bool(settings.SERVQ_OUTBOUND_ALLOWED_NETWORKS),
            "這台伺服器不允許檢測內部網址（系統管理者未設定 SERVQ_OUTBOUND_ALLOWED_NETWORKS）。",
        )
    host = urlsplit(fields["start_url"]).hostname or ""
    refused = address_policy(bool(fields.get("allow_private"))).refused_address_of_host(host)
    SiteError.require(
        refused is None,
        f"「{host}」指向內部網址（{refused}），不能登錄。機關內部網站須由系統管理者將其網段列入 "
        "SERVQ_OUTBOUND_ALLOWED_NETWORKS，並勾選「允許內部網址」。",
    )
    return fields


def address_policy(site_allows_private: bool) -> AddressPolicy:
    """The outgoing-address policy for a site: the operator's allowed networks only if it asks for them."""
    allowed = settings.SERVQ_OUTBOUND_ALLOWED_NETWORKS if site_allows_private else []
    return AddressPolicy(parse_networks(allowed))


@transaction.atomic
def register_site(*, by: Actor, agency: Agency, **fields: Any) -> Site:
    SiteError.require(has_perm(by, "webcheck.manage_sites", agency), "只有機關聯絡人或研考人員可以登錄網站。")
    cleaned = _clean_site_fields(fields)
    SiteError.require(
        not Site.objects.filter(agency=agency, start_url=cleaned["start_url"]).exists(),
        f"{agency.name} 已登錄過 {cleaned['start_url']}。",
    )
    site = Site.objects.create(agency=agency, **cleaned)
    audit.record(
        by=by, action="site.register", obj=site, agency=agency, after=audit.snapshot(site, SITE_FIELDS)
    )
    return site


@transaction.atomic
def update_site(*, by: Actor, site: Site, **fields: Any) -> Site:
    SiteError.require(
        has_perm(by, "webcheck.manage_sites", site.agency), "只有機關聯絡人或研考人員可以修改網站設定。"
    )
    cleaned = _clean_site_fields({**audit.snapshot(site, SITE_FIELDS), **fields})
    audit.change(by=by, action="site.update", obj=site, agency=site.agency, values=cleaned)
    return site


@transaction.atomic
def set_path_owner(*, by: Actor, site: Site, prefix: str, unit: Agency) -> PathOwner:
    """Pages whose path starts with ``prefix`` belong to ``unit`` (a unit of the site's agency)."""
    SiteError.require(
        has_perm(by, "webcheck.manage_sites", site.agency), "只有機關聯絡人或研考人員可以指定負責單位。"
    )
    SiteError.require(
        prefix.startswith("/") and len(prefix) <= 300, f"路徑開頭「{prefix[:60]}」須以 / 開始。"
    )
    SiteError.require(unit.path.startswith(site.agency.path), f"{unit.name} 不是 {site.agency.name} 的單位。")
    owner, _ = PathOwner.objects.update_or_create(site=site, prefix=prefix, defaults={"unit": unit})
    audit.record(
        by=by, action="site.owner", obj=site, agency=site.agency, extra={"prefix": prefix, "unit": unit.code}
    )
    return owner


# --- queuing and running checks -----------------------------------------------------------------


def queue_check(*, by: Actor, site: Site, start: bool = True) -> SiteCheck:
    """Queue a run unless one is already waiting or running (then that one is returned). Unstarted,
    it waits for the caller to start it with others (``start_together``)."""
    if by is not None:
        SiteError.require(
            has_perm(by, "webcheck.manage_sites", site.agency), "只有機關聯絡人或研考人員可以要求立即檢測。"
        )
    try:
        with transaction.atomic():
            check = SiteCheck.objects.create(site=site)
            if by is not None:
                audit.record(by=by, action="site.check", obj=site, agency=site.agency)
            if start:
                _start("check", check.pk)
            return check
    except IntegrityError:
        pending = SiteCheck.objects.filter(
            site=site, status__in=[CheckStatus.QUEUED, CheckStatus.RUNNING]
        ).first()
        if pending is not None and is_orphaned(pending):
            fail_interrupted(pending.pk, retry=False)
            pending = None
        if pending is None:  # it ended between our insert and this read: queue again
            return queue_check(by=by, site=site, start=start)
        return pending


MAX_INTERRUPTED_RUNS = 3
INTERRUPTED = "檢測程序中斷（工作程序停止，租約逾期）"


def is_orphaned(check: SiteCheck) -> bool:
    """A run marked running whose worker holds no live lease on it (died before or after taking one)."""
    if check.status != CheckStatus.RUNNING or check.started_at is None:
        return False
    if check.started_at > timezone.now() - leases.lease_time():
        return False  # just claimed: its lease may be a moment away
    return not Lease.objects.filter(name=_lease_name(check.pk), expires_at__gte=timezone.now()).exists()


def _lease_name(check_id: int) -> str:
    return f"webcheck.check:{check_id}"


@leases.on_expiry("webcheck.check")
def _recover_check(key: str) -> None:
    fail_interrupted(int(key), retry=True)


def fail_interrupted(check_id: int, *, retry: bool) -> None:
    """Mark a run whose worker died as failed and, unless runs keep dying, queue the site again."""
    check = SiteCheck.objects.filter(pk=check_id, status=CheckStatus.RUNNING).select_related("site").first()
    if check is None:
        return
    SiteCheck.objects.filter(pk=check_id).update(
        status=CheckStatus.FAILED, finished_at=timezone.now(), error=INTERRUPTED
    )
    recent = list(
        SiteCheck.objects.filter(site=check.site).order_by("-queued_at", "-id")[:MAX_INTERRUPTED_RUNS]
    )
    keeps_dying = len(recent) == MAX_INTERRUPTED_RUNS and all(c.error == INTERRUPTED for c in recent)
    if retry and not keeps_dying:
        queue_check(by=None, site=check.site)


# Starting queued work is the task worker's business: tasks.py registers how at start-up, so the
# services say only that a run or an audit waits (and never import the tasks that import them).
_STARTERS: dict[str, Callable[[Any], None]] = {}


def when_queued(kind: str) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    """Register how to start queued work of ``kind``: "check" or "audit" given the run's id,
    "together" given the ids of runs to crawl in one go."""

    def register(start: Callable[[Any], None]) -> Callable[[Any], None]:
        _STARTERS[kind] = start
        return start

    return register


def _start(kind: str, payload: Any) -> None:
    start = _STARTERS.get(kind)
    if start is not None:
        transaction.on_commit(lambda: start(payload))


@transaction.atomic
def schedule_due_checks(*, now: dt.datetime) -> int:
    """Queue a run for every active site whose weekly or monthly interval has passed, and start them
    together: one crawl of many sites shares each external link's check and per-host politeness."""
    queued: list[int] = []
    for site in Site.objects.filter(active=True).prefetch_related("checks"):
        latest = max((c.queued_at for c in site.checks.all()), default=None)
        if rules.next_run_due(latest, site.schedule, now):
            check = queue_check(by=None, site=site, start=False)
            if check.status == CheckStatus.QUEUED and check.pk not in queued:
                queued.append(check.pk)
    # In runs of a few sites each: a run shares its external links' checks, and the runs spread over
    # the workers (one task for the whole night kept every other worker idle).
    size = settings.SERVQ_WEBCHECK_SITES_PER_RUN
    for start in range(0, len(queued), size):
        _start("together", queued[start : start + size])
    return len(queued)


def claim(check_id: int) -> bool:
    """Take a queued run for this worker; False when another worker has it or it is done."""
    return bool(
        SiteCheck.objects.filter(pk=check_id, status=CheckStatus.QUEUED).update(
            status=CheckStatus.RUNNING, started_at=timezone.now()
        )
    )


def run_check(check_id: int) -> bool:
    """Run a queued check once: claim it, crawl under a lease, store. False when there was nothing to do."""
    if not claim(check_id):
        return False
    with leases.held(_lease_name(check_id)):
        return _crawl_and_store(check_id)


def run_checks_together(check_ids: list[int]) -> int:
    """Run queued checks in one crawl (21.6), each under its own lease; sites allowed internal
    addresses are crawled apart from the rest (the address policy is one per crawl). Returns how
    many ran."""
    claimed = [pk for pk in check_ids if claim(pk)]
    with contextlib.ExitStack() as stack:
        for pk in claimed:
            stack.enter_context(leases.held(_lease_name(pk)))
        checks = list(SiteCheck.objects.filter(pk__in=claimed).select_related("site__agency"))
        for allow_private in (False, True):
            group = [c for c in checks if c.site.allow_private == allow_private]
            if group:
                _crawl_and_store_together(group)
    return len(claimed)


def _crawl_and_store_together(checks: list[SiteCheck]) -> None:
    limits = _options(checks[0].site).limits
    jobs = [([c.site.start_url], _options(c.site)) for c in checks]
    try:
        reports = run_async(check_sites(jobs, limits=limits, concurrency=settings.SERVQ_WEBCHECK_CONCURRENCY))
    except Exception as error:  # the run fails, the worker goes on
        SiteCheck.objects.filter(pk__in=[c.pk for c in checks]).update(
            status=CheckStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{error.__class__.__name__}: {error}"[:500],
        )
        return
    today = timezone.localdate()
    for check, report in zip(checks, reports, strict=True):
        store_report(check, report, today=today)


def _crawl_and_store(check_id: int) -> bool:
    check = SiteCheck.objects.select_related("site__agency").get(pk=check_id)
    site = check.site
    try:
        report = run_async(check_site([site.start_url], _options(site)))
    except Exception as error:  # the run fails, the worker goes on
        SiteCheck.objects.filter(pk=check_id).update(
            status=CheckStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{error.__class__.__name__}: {error}"[:500],
        )
        return True
    store_report(check, report, today=timezone.localdate())
    return True


def _options(site: Site) -> Options:
    return Options(
        concurrency=settings.SERVQ_WEBCHECK_CONCURRENCY,
        per_host=8,
        max_pages=site.max_pages,
        max_seconds=settings.SERVQ_WEBCHECK_MAX_SECONDS,
        excludes=site.exclude_patterns,
        limits=outgoing_limits(allow_private=site.allow_private),
        trust_start_hosts=False,
    )


def outgoing_limits(*, allow_private: bool) -> Limits:
    """The operator's outgoing policy and certificate authorities, for every check servq runs."""
    return Limits(
        allowed_networks=tuple(settings.SERVQ_OUTBOUND_ALLOWED_NETWORKS) if allow_private else (),
        ca_file=settings.SERVQ_WEBCHECK_CA_FILE,
    )


def verdicts(urls: list[str]) -> dict[str, tuple[str, str]]:
    """Each URL checked once as the crawler checks a link, outside any site's crawl: ("ok" | "broken"
    | "unverified", the status or error). For files other modules link to (open-data resources)."""
    options = Options(
        concurrency=settings.SERVQ_WEBCHECK_CONCURRENCY,
        per_host=4,
        limits=outgoing_limits(allow_private=True),  # resources may sit on networks the operator allowed
    )
    found = run_async(check_links(urls, options))
    out = {}
    for url, result in found.items():
        state = "unverified" if result.unverified else "broken" if result.broken else "ok"
        out[url] = (state, result.error or (f"HTTP {result.status}" if result.status else ""))
    return out


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from synchronous code, in a thread of its own if a loop is running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _by_page_of(found: list[tuple[str, int, str]]) -> dict[str, list[tuple[int, str]]]:
    pages: dict[str, list[tuple[int, str]]] = {}
    for page, line, link in found:
        pages.setdefault(page, []).append((line, link))
    return pages


@transaction.atomic
def store_report(check: SiteCheck, report: Report, *, today: dt.date) -> SiteCheck:
    """Keep what the crawl found: broken links (new ones marked), page dates, counts; all or nothing."""
    site = check.site
    previous = (
        SiteCheck.objects.filter(site=site, status=CheckStatus.DONE)
        .exclude(pk=check.pk)
        .order_by("-finished_at")
        .first()
    )
    known = (
        set(previous.broken_links.filter(unverified=False).values_list("url", flat=True))
        if previous
        else set()
    )
    owners = list(site.owners.values_list("prefix", "unit_id"))
    broken = report.broken + report.unverified
    BrokenLink.objects.bulk_create(
        BrokenLink(
            check_run=check,
            url=result.url[:4000],
            status=result.status,
            error=(result.error or "")[:300],
            sources=[
                {"page": s.page, "line": s.line, "unit": rules.owner_of(s.page, owners)}
                for s in result.sources[:50]
            ],
            is_new=previous is not None and not result.unverified and result.url not in known,
            unverified=result.unverified,
        )
        for result in broken
    )
    freshness = []
    page_kinds = rules.parse_freshness_rules(site.freshness_rules)
    for url, facts in report.page_facts.items():
        updated = rules.last_update(facts.shown_date, rules.http_date(facts.last_modified))
        freshness.append(
            PageFreshness(
                check_run=check,
                url=url,
                updated_on=updated,
                from_page=facts.shown_date is not None,
                stale=rules.is_stale(
                    updated, today, rules.stale_after_for(url, page_kinds, site.stale_after_days)
                ),
            )
        )
    PageFreshness.objects.bulk_create(freshness, batch_size=1000)
    A11yFinding.objects.bulk_create(
        A11yFinding(
            check_run=check,
            page=page[:4000],
            rule=rule,
            level=LINK_RULES[rule][0],
            impact="serious",
            nodes=len(places),
            help=LINK_RULES[rule][1],
        )
        for rule, found in report.link_issues.items()
        for page, places in _by_page_of(found).items()
    )
    check.status = CheckStatus.DONE
    check.finished_at = timezone.now()
    check.pages, check.links, check.broken = report.pages, report.links, len(report.broken)
    check.stale_pages = sum(1 for page in freshness if page.stale)
    check.seconds, check.notes = report.seconds, report.notes[:50]
    check.certificates = dict(list(report.certificates.items())[:50])
    check.save()
    return check


# --- accessibility ------------------------------------------------------------------------------


def run_accessibility(*, check: SiteCheck, pages: int) -> int:
    """Run axe-core (WCAG 2.1 A and AA rules) in headless Chromium on up to ``pages`` pages of the run,
    under a lease: a worker that dies mid-audit has it queued again (once)."""
    with leases.held(f"webcheck.audit:{check.pk}"):
        return _audit(check, pages)


AUDIT_INTERRUPTED = "無障礙檢測中斷（工作程序停止），已重新排入一次。"


@leases.on_expiry("webcheck.audit")
def _recover_audit(key: str) -> None:
    check = SiteCheck.objects.filter(pk=int(key)).first()
    if check is None or check.a11y_violations is not None:
        return
    if AUDIT_INTERRUPTED in check.notes:
        SiteCheck.objects.filter(pk=check.pk).update(notes=[*check.notes, "無障礙檢測再次中斷，未完成。"])
        return
    SiteCheck.objects.filter(pk=check.pk).update(notes=[*check.notes, AUDIT_INTERRUPTED])
    _start("audit", check.pk)


def _audit(check: SiteCheck, pages: int) -> int:
    from servq.webcheck import a11y

    urls = list(
        PageFreshness.objects.filter(check_run=check).order_by("url").values_list("url", flat=True)[:pages]
    ) or [check.site.start_url]
    findings = a11y.audit_pages(urls, outgoing_limits(allow_private=check.site.allow_private))
    with transaction.atomic():
        # The crawler's own link findings (servq-…) stay; axe's are replaced.
        A11yFinding.objects.filter(check_run=check).exclude(rule__startswith="servq-").delete()
        A11yFinding.objects.bulk_create(
            A11yFinding(
                check_run=check,
                page=f.page,
                rule=f.rule,
                level=f.level,
                impact=f.impact,
                nodes=f.nodes,
                help=f.help[:300],
            )
            for f in findings
        )
        check.a11y_violations = sum(f.nodes for f in findings)
        check.save(update_fields=["a11y_violations"])
    return len(findings)
