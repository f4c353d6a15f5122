"""What every outbox holds: pending, sent and dead messages, the dead ones with their last error."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count, Q

from servq.core import outbox
from servq.core.models import OutboxMessage


def outbox_models() -> list[type[OutboxMessage]]:
    return [model for model in apps.get_models() if issubclass(model, OutboxMessage)]


class Command(BaseCommand):
    help = "List pending and dead messages of every outbox; --retry-dead gives dead ones another try."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--retry-dead", action="store_true", help="send dead messages again")
        parser.add_argument("--show", type=int, default=20, help="dead messages listed per outbox")

    def handle(self, *args: Any, retry_dead: bool, show: int, **options: Any) -> None:
        for model in outbox_models():
            counts = model._default_manager.aggregate(
                pending=Count("pk", filter=Q(sent_at__isnull=True, failed_at__isnull=True)),
                sent=Count("pk", filter=Q(sent_at__isnull=False)),
                dead=Count("pk", filter=Q(sent_at__isnull=True, failed_at__isnull=False)),
            )
            self.stdout.write(
                f"{model._meta.label}: {counts['pending']} pending, {counts['sent']} sent, {counts['dead']} dead"
            )
            for message in model._default_manager.filter(sent_at__isnull=True, failed_at__isnull=False)[
                :show
            ]:
                self.stdout.write(
                    f"  dead #{message.pk} after {message.attempts} attempts: {message.last_error}"
                )
            if retry_dead and counts["dead"]:
                self.stdout.write(
                    f"  {outbox.retry_dead(model._default_manager.all())} dead messages queued again"
                )
