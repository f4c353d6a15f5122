from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from servq.inspections import services


@pytest.fixture
def inspector(agency_tree, user_with_role):
    """行政院's supervisor, who inspects its subtree."""
    return user_with_role(agency_tree["root"], "supervisor", username="rdec")


@pytest.fixture
def criteria(agency_tree, inspector):
    return services.save_criteria(
        by=inspector,
        body=agency_tree["root"],
        name="服務品質考核",
        lines="A1｜服務流程｜10｜2\nA2｜服務禮儀｜10｜1",
    )


@pytest.fixture
def visit(agency_tree, inspector, criteria):
    """A regular visit of 行政院 to 臺北國稅局 (below 財政部, its 主管機關)."""
    return services.schedule_visit(
        by=inspector,
        body=agency_tree["root"],
        kind="regular",
        on=timezone.localdate() - dt.timedelta(days=3),
        agencies=[agency_tree["ntbt"]],
        criteria=criteria,
        reply_rule="1個月",
    )


@pytest.fixture
def sent_finding(agency_tree, inspector, visit):
    """A finding of the visit, approved by the inspector and sent: its clock runs."""
    finding = services.add_finding(
        by=inspector, visit=visit, agency=agency_tree["ntbt"], text="網站最新消息逾期未更新"
    )
    services.advance_visit(by=inspector, visit=visit, action="submit", approver=inspector)
    services.advance_visit(by=inspector, visit=visit, action="approve")
    services.advance_visit(by=inspector, visit=visit, action="send")
    finding.refresh_from_db()
    return finding
