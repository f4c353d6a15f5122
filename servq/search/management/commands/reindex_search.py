from django.core.management.base import BaseCommand

from servq.core import search_kinds
from servq.search.services import reindex_all, reindex_kind


class Command(BaseCommand):
    help = (
        "Rebuild the search indexes: the plan items' and every kind's in the platform search (after a "
        "restore or an index change). Searching goes on meanwhile."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", default=[], help="only these kinds (e.g. faq.entry)")

    def handle(self, *args, **options):
        kinds = options["kind"] or list(search_kinds.kinds())
        if not options["kind"]:
            self.stdout.write(f"search: {reindex_all()} plan items indexed")
        for kind in kinds:
            self.stdout.write(f"search: {reindex_kind(kind)} documents of {kind} indexed")
