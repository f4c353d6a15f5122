"""Background work of website health: scheduled and requested checks, run by the task worker."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from servq.core import leases, scheduler
from servq.webcheck import services
from servq.webcheck.models import CheckStatus, SiteCheck


@task()
def run_site_check(*, check_id: int) -> str:
    """Crawl the site of a queued run, then queue the audit of a sample of its pages; a second call
    does nothing."""
    if not services.run_check(check_id):
        return "nothing to do"
    check = SiteCheck.objects.get(pk=check_id)
    if check.status == "done" and settings.SERVQ_WEBCHECK_A11Y_PAGES > 0:
        run_site_audit.enqueue(check_id=check_id)
    return check.status


@task()
def run_site_audit(*, check_id: int) -> int | None:
    """axe-core on a sample of a finished run's pages (a task of its own, under its own lease)."""
    check = SiteCheck.objects.select_related("site").get(pk=check_id)
    try:
        return services.run_accessibility(check=check, pages=settings.SERVQ_WEBCHECK_A11Y_PAGES)
    except leases.LeaseBusy:
        return None  # another worker is auditing this run
    except Exception as error:  # no browser on this worker: the link check still counts
        SiteCheck.objects.filter(pk=check_id).update(
            notes=[*check.notes, f"accessibility not checked: {error}"]
        )
        return None


@services.when_queued("check")
def _start_check(check_id: int) -> None:
    run_site_check.enqueue(check_id=check_id)


@services.when_queued("audit")
def _start_audit(check_id: int) -> None:
    run_site_audit.enqueue(check_id=check_id)


@task()
def run_site_checks_together(*, check_ids: list[int]) -> int:
    """The night's scheduled runs in one crawl (each external link checked once for all sites),
    then each run's accessibility audit."""
    ran = services.run_checks_together(check_ids)
    if settings.SERVQ_WEBCHECK_A11Y_PAGES > 0:
        for check_id in SiteCheck.objects.filter(pk__in=check_ids, status=CheckStatus.DONE).values_list(
            "pk", flat=True
        ):
            run_site_audit.enqueue(check_id=check_id)
    return ran


@services.when_queued("together")
def _start_together(check_ids: list[int]) -> None:
    run_site_checks_together.enqueue(check_ids=check_ids)


@task()
def schedule_due_site_checks() -> int:
    return services.schedule_due_checks(now=timezone.now())


@scheduler.every(60, name="webcheck.schedule_due_site_checks")
def _enqueue_schedule() -> None:
    schedule_due_site_checks.enqueue()
