"""A worker killed mid-task (a real process, kill -9) for each long task kind: its work is handed
back and finished, nothing is left "running" for ever, nothing is lost or done twice.

Each test starts a worker process on the test database, waits until it is in the middle of its
task, kills its whole process group with SIGKILL (as a lost machine would), waits for the lease to
expire and runs the reaper. They need a database both processes can open: the PostgreSQL pass runs
them; the SQLite pass keeps its test database in memory, where no second process can see it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from servq.core import leases
from servq.core.models import AuditEntry, Lease

pytestmark = pytest.mark.django_db(transaction=True)

LEASE_SECONDS = 2
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def shared_database(settings):
    if connection.vendor != "postgresql":
        pytest.skip(
            "a second process cannot open the SQLite pass's in-memory test database; the PostgreSQL pass runs this"
        )
    settings.SERVQ_LEASE_SECONDS = LEASE_SECONDS


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A worker process running ``code`` after Django is set up; it prints READY when mid-task."""

    def __init__(self, code: str, **env: str) -> None:
        script = "import django\ndjango.setup()\n" + textwrap.dedent(code)
        self.process = subprocess.Popen(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "servq.settings",
                "SERVQ_ENV": "test",
                "DATABASE_URL": database_url(),
                "SERVQ_LEASE_SECONDS": str(LEASE_SECONDS),
                "PYTHONPATH": str(ROOT),
                **env,
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        ready = threading.Event()

        def read():
            for line in self.process.stdout:
                if line.strip() == "READY":
                    ready.set()
                    return

        threading.Thread(target=read, daemon=True).start()
        while not ready.wait(0.1):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the worker never got mid-task: {self.process.stderr.read()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL to the whole group: the worker and anything it started (Chromium), as a lost machine."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


def wait_for_leases_to_expire() -> None:
    time.sleep(LEASE_SECONDS + 0.5)


# --- site check -------------------------------------------------------------------------------


def test_a_site_check_whose_worker_died_is_failed_and_run_again(agency_tree, settings):
    from servq.webcheck import services
    from servq.webcheck.models import Site, SiteCheck
    from tests.webcheck.conftest import html, threaded_site

    settings.SERVQ_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.SERVQ_WEBCHECK_A11Y_PAGES = 0
    calls = []

    async def slow_once(request):
        calls.append(request.path)
        if len(calls) == 1:
            await asyncio.sleep(6)  # past the kill; short enough for the test server to stop after
        return await html("<p>終於</p>")(request)

    with threaded_site({"/": html('<a href="/slow">慢</a>'), "/slow": slow_once}) as base:
        site = Site.objects.create(
            agency=agency_tree["mof"], name="慢站", start_url=base + "/", allow_private=True
        )
        stuck = SiteCheck.objects.create(site=site)
        worker = Worker(
            f"""
            from aiohttp import web
            from servq.webcheck import services
            from servq.webcheck.crawler import crawl
            real = crawl.Crawler.crawl_page
            async def announcing(self, url):
                if url.endswith("/slow"):
                    print("READY", flush=True)
                return await real(self, url)
            crawl.Crawler.crawl_page = announcing
            services.run_check({stuck.pk})
            """,
            SERVQ_OUTBOUND_ALLOWED_NETWORKS="127.0.0.1/32",
        )
        worker.wait_until_ready()
        time.sleep(0.5)
        worker.kill()
        stuck.refresh_from_db()
        assert stuck.status == "running"
        assert Lease.objects.filter(name=f"webcheck.check:{stuck.pk}").exists()
        # Before the lease runs out, asking for a check hands back the running one, as it should.
        assert services.queue_check(by=None, site=site).pk == stuck.pk
        wait_for_leases_to_expire()
        assert leases.reap_expired() == [f"webcheck.check:{stuck.pk}"]
    stuck.refresh_from_db()
    assert stuck.status == "failed" and stuck.error == services.INTERRUPTED
    rerun = SiteCheck.objects.exclude(pk=stuck.pk).get(site=site)
    assert rerun.status == "done" and rerun.pages == 2


# --- accessibility audit ---------------------------------------------------------------------


def test_an_audit_whose_worker_died_is_queued_again_once(agency_tree, settings):
    from servq.webcheck.models import PageFreshness, Site, SiteCheck
    from tests.webcheck.conftest import html, threaded_site

    if not Path(settings.SERVQ_CHROMIUM).exists():
        pytest.skip("no Chromium here")
    settings.SERVQ_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.SERVQ_WEBCHECK_A11Y_PAGES = 1
    asked = []

    async def slow_once(request):
        asked.append(request.path)
        if len(asked) == 1:
            await asyncio.sleep(6)
        return await html('<main><h1>頁</h1><img src="/x.png"></main>')(request)

    with threaded_site({"/": slow_once, "/x.png": html("")}) as base:
        site = Site.objects.create(
            agency=agency_tree["mof"], name="站", start_url=base + "/", allow_private=True
        )
        run = SiteCheck.objects.create(site=site, status="done", finished_at=timezone.now())
        PageFreshness.objects.create(check_run=run, url=base + "/")
        worker = Worker(
            f"""
            from servq.webcheck import a11y, services
            from servq.webcheck.models import SiteCheck
            real = a11y.audit_pages
            def announcing(urls, policy):
                print("READY", flush=True)
                return real(urls, policy)
            a11y.audit_pages = announcing
            services.run_accessibility(check=SiteCheck.objects.get(pk={run.pk}), pages=1)
            """,
            SERVQ_OUTBOUND_ALLOWED_NETWORKS="127.0.0.1/32",
        )
        worker.wait_until_ready()
        deadline = time.monotonic() + 30
        while not asked and time.monotonic() < deadline:
            time.sleep(0.1)
        worker.kill()
        run.refresh_from_db()
        assert run.a11y_violations is None
        wait_for_leases_to_expire()
        assert leases.reap_expired() == [f"webcheck.audit:{run.pk}"]
    run.refresh_from_db()
    assert run.a11y_violations is not None and run.a11y_violations >= 1
    assert any("重新排入" in note for note in run.notes)


# --- reminder run ----------------------------------------------------------------------------


def test_a_reminder_run_whose_worker_died_sends_the_rest_once(agency_tree, user_with_role):
    from django.core import mail

    from servq.reporting import services as reporting
    from servq.reporting.models import Notice, ReportingPeriod
    from servq.reporting.tasks import send_due_notices
    from tests.factories import open_cycle

    supervisor = user_with_role(agency_tree["root"], "supervisor")
    cycle = open_cycle(agency_tree, supervisor, year=2026)
    (period, *_rest) = reporting.set_up_periods(
        by=supervisor, cycle=cycle, frequency="quarterly", due_rule="結束後10個工作日內"
    )
    people = [
        user_with_role(agency_tree["mof"], "coordinator", email=f"c{n}@example.gov.tw") for n in range(5)
    ]
    Notice.objects.bulk_create(
        Notice(kind="reminder", period=period, agency=agency_tree["mof"], recipient=person)
        for person in people
    )
    # Periods closed: the run plans nothing new today, so what it sends is exactly these five.
    ReportingPeriod.objects.update(closed_at=timezone.now())
    worker = Worker(
        """
        import time
        from servq.reporting import services, tasks
        real = services._send_one
        sent = []
        def send_then_hang(notice):
            if len(sent) == 2:
                print("READY", flush=True)
                time.sleep(60)
            real(notice)
            sent.append(notice.pk)
        services._send_one = send_then_hang
        tasks.send_due_notices.call()
        """
    )
    worker.wait_until_ready()
    worker.kill()
    assert Notice.objects.filter(sent_at__isnull=False).count() == 2
    assert send_due_notices.call() == {"planned": 0, "sent": 0}  # the dead worker's lease still holds
    wait_for_leases_to_expire()
    mail.outbox.clear()
    leases.reap_expired()  # its recovery queues the run again (run at once by the test backend)
    assert Notice.objects.filter(sent_at__isnull=True).count() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people[2:])


# --- roll-up ---------------------------------------------------------------------------------


def test_a_roll_up_fold_whose_worker_died_keeps_every_count(agency_tree):
    from servq.cases import services as cases
    from servq.cases.models import CaseCategory, CaseStats
    from servq.cases.services import load_default_categories
    from servq.cases.tasks import fold_stats_shards

    load_default_categories(by=None, body=agency_tree["root"])
    CaseCategory.objects.filter(body=agency_tree["root"]).update(agency=agency_tree["mof"])
    for category in CaseCategory.objects.filter(body=agency_tree["root"]):
        for _ in range(8):
            cases.submit_case(channel="web", body=agency_tree["root"], category=category, description="路燈")
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    CaseStats.objects.update(month=last_month)
    totals = CaseStats.objects.aggregate(n=Sum("received"))
    worker = Worker(
        """
        import time
        from django.db import transaction
        from servq.cases import services, tasks
        from servq.cases.models import CaseStats
        real = services.stats._fold_key.__wrapped__
        done = []
        @transaction.atomic
        def fold_then_hang(key):
            if len(done) == 2:
                list(CaseStats.objects.select_for_update().filter(**key))  # mid-fold, its rows locked
                print("READY", flush=True)
                time.sleep(60)
            done.append(real(key))
            return done[-1]
        services.stats._fold_key = fold_then_hang  # where fold_stats_shards looks it up
        tasks.fold_stats_shards.call()
        """
    )
    worker.wait_until_ready()
    worker.kill()
    assert CaseStats.objects.aggregate(n=Sum("received")) == totals
    wait_for_leases_to_expire()
    leases.reap_expired()
    assert fold_stats_shards.call() == 0  # the recovery already folded the rest
    assert CaseStats.objects.aggregate(n=Sum("received")) == totals
    assert not CaseStats.objects.filter(month=last_month, shard__gt=0).exists()


# --- import ----------------------------------------------------------------------------------


def test_an_import_whose_process_died_leaves_nothing_and_can_run_again(agency_tree, tmp_path):
    """An import is one transaction: a process killed inside it leaves no plan, no items, no audit."""
    from django.core.management import call_command

    from servq.plans.models import Plan, PlanItem

    rows = "\n".join(
        f"一、面向{n}\t(一)建置常見問題集第{n}項\t115年6月30日\t資訊科\t◎減少重複詢問。" for n in range(400)
    )
    path = tmp_path / "plan.txt"
    path.write_text(
        f"示範機關 115 年度提升服務品質執行計畫\n\n壹、計畫依據\n\n「政府服務躍升方案」。\n\n肆、計畫內容\n\n"
        f"實施要項\t推動作法\t完成期限\t承辦機關(單位)\t預期效益\n{rows}\n",
        encoding="utf-8",
    )
    worker = Worker(
        f"""
        import time
        from django.core.management import call_command
        from servq.core import audit
        real = audit.record
        def hang_inside_the_transaction(*args, **kwargs):
            real(*args, **kwargs)
            print("READY", flush=True)
            time.sleep(60)
        audit.record = hang_inside_the_transaction
        call_command("import_plan", {str(path)!r}, "--agency", "mof")
        """
    )
    worker.wait_until_ready()
    worker.kill()
    assert not Plan.objects.exists() and not PlanItem.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="plan.").exists()
    call_command("import_plan", str(path), "--agency", "mof")
    assert Plan.objects.count() == 1 and PlanItem.objects.count() >= 400
