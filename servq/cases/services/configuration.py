"""Cases services: configuration: categories and routing, by the body's supervisors."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from servq.agencies.models import Agency
from servq.cases import selectors
from servq.cases.defaults import SUGGESTED_CATEGORIES
from servq.cases.models import (
    CaseCategory,
    CategoryKind,
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
    limit_source: str | None = None,
) -> CaseCategory:
    """Change a category's time limit or default handler; cases already filed keep their due dates.
    A changed limit whose source was left as it was becomes the body's own (「本機關自訂」): the old
    source (a regulation, servq's suggestion) no longer explains the new number."""
    CaseError.require(
        has_perm(by, "cases.configure_cases", category.body), "只有受理機關的研考人員可以設定案件類別。"
    )
    CaseError.require(bool(name.strip()) and len(name) <= 60, "類別名稱須為 1 到 60 字。", "name")
    CaseError.require(1 <= limit_days <= 365, "處理期限須介於 1 到 365 日。", "limit_days")
    _check_handler(category.body, agency, unit)
    source = (category.limit_source if limit_source is None else limit_source).strip()
    CaseError.require(len(source) <= 300, "期限依據最多 300 字。", "limit_source")
    limit_changed = (limit_days, working_days) != (category.limit_days, category.working_days)
    if limit_changed and source == category.limit_source:
        source = "本機關自訂"
    audit.change(
        by=by,
        action="category.update",
        obj=category,
        agency=category.body,
        values={
            "name": name.strip(),
            "limit_days": limit_days,
            "limit_source": source,
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


@dataclass(frozen=True)
class Adopted:
    """A suggestion as the body adopts it, with the limit it chose."""

    code: str
    limit_days: int
    working_days: bool


@transaction.atomic
def adopt_categories(*, by: Actor, body: Agency, choices: Iterable[Adopted]) -> int:
    """Create the body's first categories from servq's suggestions, all or nothing. A limit the
    body changed is recorded as its own choice, so nobody later mistakes it for the suggestion."""
    if by is not None:
        CaseError.require(
            has_perm(by, "cases.configure_cases", body), "只有受理機關的研考人員可以設定案件類別。"
        )
    suggestions = {s.code: s for s in SUGGESTED_CATEGORIES}
    created = 0
    for choice in choices:
        suggestion = suggestions.get(choice.code)
        CaseError.require(suggestion is not None, f"沒有「{choice.code}」這個建議類別。", "code")
        assert suggestion is not None  # for the type checker: required just above
        CaseError.require(
            1 <= choice.limit_days <= 365, f"{suggestion.name}：處理期限須介於 1 到 365 日。", "limit_days"
        )
        own = (choice.limit_days, choice.working_days) != (suggestion.limit_days, suggestion.working_days)
        category, made = CaseCategory.objects.get_or_create(
            body=body,
            code=suggestion.code,
            defaults={
                "name": suggestion.name,
                "description": suggestion.description,
                "limit_days": choice.limit_days,
                "working_days": choice.working_days,
                "limit_source": "本機關自訂" if own else suggestion.source,
            },
        )
        if made:
            created += 1
            audit.record(
                by=by,
                action="category.create",
                obj=category,
                agency=body,
                after={"code": category.code, "limit_days": category.limit_days},
            )
    return created


def load_default_categories(*, by: Actor, body: Agency) -> int:
    """Adopt every suggestion as it stands (the demo, tests and a body that accepts them all)."""
    return adopt_categories(
        by=by,
        body=body,
        choices=[Adopted(s.code, s.limit_days, s.working_days) for s in SUGGESTED_CATEGORIES],
    )


def keep_application_kind(
    *,
    body: Agency,
    code: str,
    name: str,
    limit_days: int,
    working_days: bool,
    agency: Agency,
    unit: Agency | None,
    active: bool,
    source: str,
    limit_months: int = 0,
) -> CaseCategory:
    """The case category of one service's applications, made or brought in line with the service.

    Called by the service catalogue inside its own audited, permission-checked write; applications
    already filed keep their due dates."""
    _check_handler(body, agency, unit)
    category, _made = CaseCategory.objects.update_or_create(
        body=body,
        code=code,
        defaults={
            "kind": CategoryKind.APPLICATION,
            "name": name[:60],
            "limit_days": limit_days,
            "working_days": working_days,
            "limit_months": limit_months,
            "limit_source": source[:300],
            "agency": agency,
            "unit": unit,
            "active": active,
        },
    )
    # Not cached: the petition caches (category_for_code) never hold an application kind.
    return category
