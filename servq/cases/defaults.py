"""Default case categories and their time limits (see docs/cases.md for why these numbers)."""

from __future__ import annotations

from django.db import transaction

from servq.agencies.models import Agency
from servq.cases.models import CaseCategory
from servq.core import audit
from servq.core.actors import Actor

# (code, name, description, limit, working days?)
DEFAULT_CATEGORIES = [
    ("petition", "陳情", "對施政、服務或權益的建議與陳情", 6, True),
    ("inquiry", "諮詢", "法令、流程與服務的詢問", 3, True),
    ("repair", "報修", "路燈、路面、號誌、公園設施等公共設施報修", 5, True),
    ("report", "檢舉", "違規停車、違建、環境污染等檢舉", 30, False),
]


@transaction.atomic
def load_default_categories(*, by: Actor, body: Agency) -> int:
    created = 0
    for code, name, description, limit, working in DEFAULT_CATEGORIES:
        category, made = CaseCategory.objects.get_or_create(
            body=body,
            code=code,
            defaults={"name": name, "description": description, "limit_days": limit, "working_days": working},
        )
        if made:
            created += 1
            audit.record(by=by, action="category.create", obj=category, agency=body, after={"code": code})
    return created
