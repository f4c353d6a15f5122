"""Plan items in the platform search (core.search_kinds), keyed 「plan:item」 so a plan's entries
are rewritten together when its contents or status change (search listens to plan.contents and
plan.status, as its plan index does)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servq.core import search_kinds
from servq.core.search_kinds import POLICY, Document, Kind
from servq.plans.models import PlanItem, PlanStatus

KIND = "plans.item"


def key_of(item: PlanItem) -> str:
    return f"{item.plan_id}:{item.pk}"


def read(keys: list[str]) -> list[Document]:
    items = PlanItem.objects.filter(pk__in=[k.split(":", 1)[-1] for k in keys if ":" in k]).select_related(
        "plan__agency"
    )
    return [
        Document(
            key=key_of(item),
            title=item.text[:300],
            text="\n".join([item.text, item.actions, item.expected_benefit, item.plan.title]),
            url=f"{reverse('plans:detail', args=[item.plan_id])}#item-{item.pk}",
            agency_path=item.plan.agency.path,
            public=item.plan.status == PlanStatus.PUBLISHED,
            year=item.plan.first_year,
        )
        for item in items
    ]


def every_key() -> list[str]:
    return [f"{plan}:{item}" for item, plan in PlanItem.objects.values_list("pk", "plan_id").iterator()]


search_kinds.register(Kind(KIND, _("計畫項目"), POLICY, read, every_key))
