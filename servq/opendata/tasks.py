"""Background work of the open-data inventory: linked resources checked once a day by the
website-health link checker."""

from __future__ import annotations

from django_tasks import task

from servq.core import scheduler
from servq.opendata.models import Resource
from servq.opendata.services import store_link_checks
from servq.webcheck.services import verdicts


@task()
def check_linked_resources() -> int:
    linked = list(
        Resource.objects.exclude(url="").exclude(dataset__state="withdrawn").values_list("pk", "url")[:5000]
    )
    found = verdicts([url for _pk, url in linked])
    store_link_checks({pk: found[url] for pk, url in linked if url in found})
    return len(linked)


@scheduler.every(24 * 60, name="opendata.check_linked_resources")
def _enqueue_link_check() -> None:
    check_linked_resources.enqueue()
