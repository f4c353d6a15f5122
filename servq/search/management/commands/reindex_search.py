from django.core.management.base import BaseCommand

from servq.search.services import reindex_all, reindex_kind
from servq.search.services.rebuild import rebuild_index


class Command(BaseCommand):
    help = (
        "Rebuild the search indexes: the plan items' and every kind's in the platform search (after a "
        "restore or an index change). Searching goes on meanwhile."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", default=[], help="only these kinds (e.g. faq.entry)")

    def handle(self, *args, **options):
        if options["kind"]:  # a few kinds: rewritten batch by batch in the live tables
            for kind in options["kind"]:
                self.stdout.write(f"search: {reindex_kind(kind)} documents of {kind} indexed")
            return
        self.stdout.write(f"search: {reindex_all()} plan items indexed")
        self.stdout.write(f"search: {rebuild_index()} documents of every kind indexed")
