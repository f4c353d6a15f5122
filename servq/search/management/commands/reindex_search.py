from django.core.management.base import BaseCommand

from servq.search.services import reindex_all


class Command(BaseCommand):
    help = "Rebuild the search index of every plan item (after a restore or an index change)."

    def handle(self, *args, **options):
        self.stdout.write(f"search: {reindex_all()} items indexed")
