"""Cases services: configuration: categories and routing, by the body's supervisors."""

from __future__ import annotations

from django.db import transaction

from servq.agencies.models import Agency
from servq.cases import selectors
from servq.cases.models import (
    CaseCategory,
    RoutingRule,
)
from servq.cases.services._common import CaseError
from servq.core import audit
from servq.core.actors import Actor
from servq.core.permissions import has_perm
from servq.core.services import forget_now_and_on_commit

# --- configuration: categories and routing, by the body's supervisors ---------------------------


def _check_handler(body: Agency, agency: Agency | None, unit: Agency | None) -> None:
    if agency is not None:
        CaseError.require(
            agency.path.startswith(body.path) and agency.kind != "unit",
            f"{agency.name} 不在受理範圍內。",
            "agency",
        )
    if unit is not None:
        CaseError.require(
            agency is not None and unit.path.startswith(agency.path),
            f"{unit.name} 不是承辦機關的單位。",
            "unit",
        )


@transaction.atomic
def update_category(
    *,
    by: Actor,
    category: CaseCategory,
    name: str,
    limit_days: int,
    working_days: bool,
    agency: Agency | None,
    unit: Agency | None,
    active: bool,
) -> CaseCategory:
    """Change a category's time limit or default handler; cases already filed keep their due dates."""
    CaseError.require(
        has_perm(by, "cases.configure_cases", category.body), "只有受理機關的研考人員可以設定案件類別。"
    )
    CaseError.require(bool(name.strip()) and len(name) <= 60, "類別名稱須為 1 到 60 字。", "name")
    CaseError.require(1 <= limit_days <= 365, "處理期限須介於 1 到 365 日。", "limit_days")
    _check_handler(category.body, agency, unit)
    audit.change(
        by=by,
        action="category.update",
        obj=category,
        agency=category.body,
        values={
            "name": name.strip(),
            "limit_days": limit_days,
            "working_days": working_days,
            "agency": agency,
            "unit": unit,
            "active": active,
        },
    )
    forget_now_and_on_commit(lambda: selectors.forget_configuration(category.body))
    return category


@transaction.atomic
def add_routing_rule(
    *, by: Actor, body: Agency, category: CaseCategory | None, area: str, agency: Agency, unit: Agency | None
) -> RoutingRule:
    CaseError.require(has_perm(by, "cases.configure_cases", body), "只有受理機關的研考人員可以設定分案規則。")
    CaseError.require(category is None or category.body_id == body.pk, "類別不屬於這個受理機關。", "category")
    CaseError.require(len(area.strip()) <= 60, "地區最多 60 字。", "area")
    CaseError.require(bool(area.strip()) or category is not None, "請指定類別或地區（或兩者）。", "area")
    _check_handler(body, agency, unit)
    rule = RoutingRule.objects.create(
        body=body, category=category, area=area.strip(), agency=agency, unit=unit
    )
    audit.record(
        by=by,
        action="routing.add",
        obj=rule,
        agency=body,
        after={"category": category.code if category else None, "area": rule.area, "agency": agency.code},
    )
    forget_now_and_on_commit(lambda: selectors.forget_configuration(body))
    return rule


@transaction.atomic
def delete_routing_rule(*, by: Actor, rule: RoutingRule) -> None:
    CaseError.require(
        has_perm(by, "cases.configure_cases", rule.body), "只有受理機關的研考人員可以設定分案規則。"
    )
    audit.record(by=by, action="routing.delete", obj=rule, agency=rule.body, before={"area": rule.area})
    body = rule.body
    rule.delete()
    forget_now_and_on_commit(lambda: selectors.forget_configuration(body))
