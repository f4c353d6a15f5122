"""The task worker: django-tasks-db's `db_worker` that outlives a database outage, or RQ's worker.

`db_worker` exits on the first OperationalError (a restarted or unreachable database), and all
background work stops with it. This command runs the same worker loop and, when the database
cannot be reached, logs it and starts the loop again after a back-off (servq.core.outages).
With TASKS_BACKEND=rq it runs django-rq's `rqworker` on servq's queue, with its scheduler.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker

from servq.core.outages import Backoff, through_outages


class SteadyWorker(db_worker.Worker):
    def run(self) -> None:
        through_outages(
            super().run, what=f"worker {self.worker_id}", backoff=Backoff(), keep_going=lambda: self.running
        )


class Command(db_worker.Command):
    help = "Run background tasks; waits out database outages instead of exiting."

    def add_arguments(self, parser: Any) -> None:
        if settings.TASKS_BACKEND != "rq":
            super().add_arguments(parser)
            return
        # The same command line works with either backend (make worker, the systemd unit).
        parser.add_argument("--queue-name", default="default", help="queues to take tasks from ('*': all)")
        parser.add_argument("--interval", type=float, default=1.0, help="ignored: RQ workers block on Redis")
        parser.add_argument("--worker-id", default=None, help="the worker's name (RQ's --name)")

    def handle(self, **options: Any) -> None:
        if settings.TASKS_BACKEND == "rq":
            queues = (
                list(settings.RQ_QUEUES) if options["queue_name"] == "*" else options["queue_name"].split(",")
            )
            # django-tasks-rq's Job runs a django-tasks Task (RQ's own calls the function itself).
            named = {"name": options["worker_id"]} if options["worker_id"] else {}
            call_command(
                "rqworker", *queues, with_scheduler=True, job_class="django_tasks_rq.backend.Job", **named
            )
            return
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = SteadyWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
