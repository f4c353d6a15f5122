from __future__ import annotations

import pytest

from servq.awards import services
from servq.awards.rulebooks import SEED_003

CATEGORIES = "overall｜整體服務類｜各機關\nproject｜專案規劃類｜專案"
CRITERIA = "overall｜A｜基礎服務｜1｜10\noverall｜B｜服務遞送｜1｜10\nproject｜P｜問題分析｜1｜10"
STAGES = "初審｜書面審查｜2｜zscore\n推薦｜實地訪查｜1｜mean"


@pytest.fixture
def organizer(agency_tree, user_with_role):
    return user_with_role(agency_tree["root"], "supervisor", username="rdec")


@pytest.fixture
def edition(agency_tree, organizer):
    edition = services.create_edition(
        by=organizer, body=agency_tree["root"], name="115年度政府服務獎", year=2026
    )
    services.set_up(by=organizer, edition=edition, categories=CATEGORIES, criteria=CRITERIA, stages=STAGES)
    services.save_rulebook(by=organizer, body=agency_tree["root"], name="經濟部敘獎原則", text=SEED_003)
    return edition


@pytest.fixture
def entries(agency_tree, organizer, edition):
    """財政部, 經濟部 and 臺北國稅局 enter 整體服務類."""
    overall = edition.categories.get(code="overall")
    made = {}
    for code in ("mof", "moea", "ntbt"):
        made[code] = services.enter(
            by=organizer,
            edition=edition,
            agency=agency_tree[code],
            category=overall,
            title=f"{code} 的服務",
            answers={c.pk: "作法" for c in overall.criteria.all()},
            people=[(f"{code}承辦", "科員", "main"), (f"{code}首長", "首長", "head")],
        )
    return made


@pytest.fixture
def panel(agency_tree, organizer, edition, user_with_role):
    """Three outside experts; the third comes from 財政部 and may not review its entries."""
    reviewers = [
        services.add_reviewer(
            by=organizer,
            edition=edition,
            user=user_with_role(agency_tree["root"], "reviewer", username=f"expert{n}"),
        )
        for n in range(2)
    ]
    reviewers.append(
        services.add_reviewer(
            by=organizer,
            edition=edition,
            user=user_with_role(agency_tree["mof"], "reviewer", username="mof-expert"),
            conflicts=[agency_tree["ntbt"]],
        )
    )
    return reviewers
