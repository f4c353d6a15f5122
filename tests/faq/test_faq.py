"""The FAQ: entries and versions, script refused, votes, review flags, proposals from case topics,
the public page with schema.org data and the front desk."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from servq.cases.models import TermCount
from servq.core.models import AuditEntry
from servq.faq import rules, selectors, services
from servq.faq.models import Entry, Proposal
from servq.faq.services import FaqError


@pytest.fixture
def keeper(agency_tree, user_with_role):
    return user_with_role(agency_tree["mof"], "coordinator", username="mof-faq")


@pytest.fixture
def entry(agency_tree, keeper):
    return services.save_entry(
        by=keeper,
        agency=agency_tree["mof"],
        question="綜合所得稅可以線上申報嗎？",
        answer="可以，使用報稅軟體或網路申報。",
        legal_basis="所得稅法",
        published=True,
    )


def test_an_entry_is_versioned_confirmed_today_and_audited(agency_tree, keeper, entry):
    changed = services.save_entry(
        by=keeper,
        agency=agency_tree["mof"],
        entry=entry,
        question=entry.question,
        answer="可以，5 月 1 日起。",
        published=True,
    )
    assert (
        changed.version == 2
        and changed.versions.count() == 2
        and changed.confirmed_on == timezone.localdate()
    )
    assert AuditEntry.objects.filter(action="faq.save").count() == 2


@pytest.mark.parametrize(
    "answer", ["<script>alert(1)</script>", "請點 <a href='x'>這裡</a>", "javascript:alert(1)"]
)
def test_an_answer_with_script_or_markup_is_refused_and_nothing_is_published(agency_tree, keeper, answer):
    with pytest.raises(FaqError, match="請輸入純文字"):
        services.save_entry(
            by=keeper, agency=agency_tree["mof"], question="問", answer=answer, published=True
        )
    assert not Entry.objects.exists()


def test_another_agency_cannot_keep_the_faq(agency_tree, user_with_role):
    with pytest.raises(FaqError, match="不能維護財政部的常見問題"):
        services.save_entry(
            by=user_with_role(agency_tree["moea"], "coordinator"),
            agency=agency_tree["mof"],
            question="問",
            answer="答",
        )


def test_votes_count_and_an_unpublished_entry_takes_none(agency_tree, keeper, entry, client):
    client.post(reverse("faq:vote", args=[entry.pk]), {"helpful": "yes"})
    client.post(reverse("faq:vote", args=[entry.pk]), {"helpful": "no"})
    entry.refresh_from_db()
    assert (entry.helpful, entry.not_helpful) == (1, 1)
    hidden = services.save_entry(by=keeper, agency=agency_tree["mof"], question="內部", answer="答")
    assert client.post(reverse("faq:vote", args=[hidden.pk]), {"helpful": "yes"}).status_code == 404


def test_entries_not_confirmed_in_their_period_are_flagged_and_counted(agency_tree, entry):
    from servq.core.measures import Scope, get

    assert not rules.overdue(entry.confirmed_on, 365, timezone.localdate())
    Entry.objects.filter(pk=entry.pk).update(confirmed_on=timezone.localdate() - dt.timedelta(days=366))
    scope = Scope(
        agency_tree["root"].path, timezone.localdate() - dt.timedelta(days=30), timezone.localdate()
    )
    assert get("faq.overdue_reviews").value(scope) == 1
    assert [e.pk for e in selectors.due_for_review(Entry.objects.all(), timezone.localdate())] == [entry.pk]


def test_frequent_case_topics_no_entry_covers_are_proposed_once(agency_tree, keeper, entry):
    month = timezone.localdate().replace(day=1)
    for term, count in [("停車", 40), ("線上申報", 30), ("路燈", 3)]:
        TermCount.objects.create(month=month, body=agency_tree["root"], term=term, count=count)
    made = services.propose_from_cases(
        by=keeper, agency=agency_tree["mof"], body=agency_tree["root"], month=month, minimum=10
    )
    assert [p.term for p in made] == ["停車"], "「線上申報」 is answered already; 「路燈」 is too rare"
    assert (
        services.propose_from_cases(
            by=keeper, agency=agency_tree["mof"], body=agency_tree["root"], month=month
        )
        == []
    )
    accepted = services.settle_proposal(
        by=keeper,
        proposal=Proposal.objects.get(),
        accept=True,
        question="哪裡可以停車？",
        answer="地下室停車場。",
    )
    assert accepted.state == "accepted" and not accepted.entry.published


def test_the_public_faq_searches_and_carries_faqpage_data(client, entry):
    page = client.get(reverse("faq:public"), {"q": "線上"}).content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1])
    assert data["@type"] == "FAQPage" and data["mainEntity"][0]["name"] == entry.question
    assert "沒有符合的常見問題" in client.get(reverse("faq:public"), {"q": "護照"}).content.decode()


def test_the_front_desk_answers_after_two_characters(client, agency_tree, user_with_role, entry):
    client.force_login(user_with_role(agency_tree["mof"], "coordinator"))
    one = client.get(reverse("faq:desk"), {"q": "線"}, headers={"HX-Request": "true"}).content.decode()
    two = client.get(reverse("faq:desk"), {"q": "線上"}, headers={"HX-Request": "true"}).content.decode()
    assert entry.question not in one and entry.question in two and "<html" not in two


def test_the_home_page_lists_entries_overdue_for_review(client, agency_tree, keeper, entry):
    Entry.objects.filter(pk=entry.pk).update(confirmed_on=timezone.localdate() - dt.timedelta(days=400))
    client.force_login(keeper)
    page = client.get("/").content.decode()
    assert "逾期未檢視的常見問題" in page and entry.question in page


def test_a_case_reply_cites_a_published_entry_of_its_agency_or_above(client, agency_tree, keeper, entry):
    """A reply can cite the FAQ (issue 20.6): the entry's text and link end the reply the citizen reads;
    an entry of another agency (經濟部) cannot be cited."""
    from servq.cases import services as cases
    from servq.cases.models import Case, CaseCategory
    from servq.cases.services import load_default_categories
    from servq.core import citations

    load_default_categories(by=None, body=agency_tree["root"])
    category = CaseCategory.objects.filter(body=agency_tree["root"]).order_by("pk").first()
    case, _ = cases.submit_case(
        channel="web",
        body=agency_tree["root"],
        category=category,
        description="可以線上申報嗎",
        email="a@b.tw",
    )
    Case.objects.filter(pk=case.pk).update(agency=agency_tree["mof"])  # routed to 財政部
    case.refresh_from_db()
    elsewhere = services.save_entry(
        by=keeper, agency=agency_tree["mof"], question="別處的問題", answer="別處的回答", published=True
    )
    Entry.objects.filter(pk=elsewhere.pk).update(agency=agency_tree["moea"])
    client.force_login(keeper)  # 財政部's coordinator handles its cases
    client.post(reverse("cases:action", args=[case.number, "start"]))
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert entry.question in page and "別處的問題" not in page
    assert citations.resolve(f"faq:{elsewhere.pk}", case.agency.path) is None
    client.post(
        reverse("cases:action", args=[case.number, "reply"]),
        {"outcome": "resolved", "note": "您好，說明如下。", "cite": f"faq:{entry.pk}", "confirm": "yes"},
    )
    case.refresh_from_db()
    assert case.reply.startswith("您好，說明如下。") and entry.answer in case.reply
    assert f"/faq/#faq-{entry.pk}" in case.reply
