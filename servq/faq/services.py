"""Every write of the FAQ: entries and their versions, confirmation, votes, and the proposals drawn
from case topics. Audited in the same transaction (votes, which are anonymous, are not)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from servq.agencies.models import Agency
from servq.cases.models import TermCount
from servq.core import audit
from servq.core.actors import Actor, person
from servq.core.errors import ServiceError
from servq.core.permissions import has_perm
from servq.core.validators import MARKUP
from servq.faq import rules
from servq.faq.models import Entry, EntryVersion, Proposal
from servq.services.models import Service


class FaqError(ServiceError):
    pass


def _require_keeper(by: Actor, agency: Agency) -> None:
    FaqError.require(has_perm(by, "faq.keep_faq", agency), f"您不能維護{agency.name}的常見問題。")


@transaction.atomic
def save_entry(
    *,
    by: Actor,
    agency: Agency,
    question: str,
    answer: str,
    unit: Agency | None = None,
    service: Service | None = None,
    legal_basis: str = "",
    review_days: int = 365,
    published: bool = False,
    entry: Entry | None = None,
) -> Entry:
    """Create or change an entry: a new version, confirmed today. An answer is plain text: markup or
    script is refused, never stored to be shown."""
    _require_keeper(by, agency)
    question, answer = question.strip(), answer.strip()
    FaqError.require(bool(question) and len(question) <= 300, "請填寫問題（300 字內）。", "question")
    FaqError.require(bool(answer) and len(answer) <= 10000, "請填寫回答（10000 字內）。", "answer")
    for field, text in (("question", question), ("answer", answer), ("legal_basis", legal_basis)):
        FaqError.require(
            not MARKUP.search(text), "請輸入純文字，不可包含 HTML 標記或程式碼（例如 <script>）。", field
        )
    FaqError.require(
        unit is None or (unit.kind == "unit" and unit.path.startswith(agency.path)),
        "承辦單位不屬於這個機關。",
        "unit",
    )
    FaqError.require(
        service is None or service.agency.path.startswith(agency.path), "服務項目不屬於這個機關。", "service"
    )
    FaqError.require(30 <= review_days <= 1095, "檢視週期須介於 30 與 1095 日。", "review_days")
    before = (
        {"question": entry.question, "answer": entry.answer, "published": entry.published} if entry else {}
    )
    if entry is None:
        entry = Entry(agency=agency, version=0)
    else:
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        FaqError.require(entry.agency_id == agency.pk, "這則常見問題不屬於這個機關。")
    entry.question, entry.answer, entry.unit, entry.service = question, answer, unit, service
    entry.legal_basis, entry.review_days, entry.published = legal_basis.strip()[:300], review_days, published
    entry.confirmed_on = timezone.localdate()
    entry.version += 1
    entry.save()
    EntryVersion.objects.create(
        entry=entry, number=entry.version, question=question, answer=answer, at=timezone.now(), by=person(by)
    )
    audit.record(
        by=by,
        action="faq.save",
        obj=entry,
        agency=agency,
        before=before,
        after={"question": question, "answer": answer, "published": published},
    )
    return entry


@transaction.atomic
def confirm(*, by: Actor, entry: Entry) -> Entry:
    """The owner unit has read it again and it still holds: confirmed today."""
    _require_keeper(by, entry.agency)
    entry.confirmed_on = timezone.localdate()
    entry.save(update_fields=["confirmed_on"])
    audit.record(
        by=by,
        action="faq.confirm",
        obj=entry,
        agency=entry.agency,
        after={"confirmed_on": entry.confirmed_on.isoformat()},
    )
    return entry


def vote(*, entry: Entry, helpful: bool) -> None:
    """「這則回答有幫助嗎？」: counted, never tied to anyone (the view rate-limits per address)."""
    FaqError.require(entry.published, "這則常見問題未公開。")
    field = "helpful" if helpful else "not_helpful"
    Entry.objects.filter(pk=entry.pk).update(**{field: F(field) + 1})


@transaction.atomic
def propose_from_cases(
    *, by: Actor, agency: Agency, body: Agency, month: dt.date, minimum: int = 10
) -> list[Proposal]:
    """The month's frequent case terms of the body that no entry of the agency answers, proposed."""
    _require_keeper(by, agency)
    terms = (
        TermCount.objects.filter(body=body, month=month.replace(day=1))
        .order_by("-count")
        .values_list("term", "count")[:200]
    )
    questions = list(Entry.objects.filter(agency=agency).values_list("question", flat=True))
    made = []
    for term, count in rules.uncovered(list(terms), questions, minimum):
        proposal, created = Proposal.objects.get_or_create(
            agency=agency, term=term, month=month.replace(day=1), defaults={"count": count}
        )
        if created:
            made.append(proposal)
    audit.record(
        by=by, action="faq.propose", obj=agency, agency=agency, after={"terms": [p.term for p in made]}
    )
    return made


@transaction.atomic
def settle_proposal(
    *, by: Actor, proposal: Proposal, accept: bool, question: str = "", answer: str = ""
) -> Proposal:
    """Accepted: it becomes an entry (unpublished until its owner publishes it); else dismissed."""
    _require_keeper(by, proposal.agency)
    FaqError.require(proposal.state == "proposed", "這項建議已處理。")
    if accept:
        proposal.entry = save_entry(by=by, agency=proposal.agency, question=question, answer=answer)
    proposal.state = "accepted" if accept else "dismissed"
    proposal.save(update_fields=["state", "entry"])
    audit.record(
        by=by, action="faq.settle", obj=proposal, agency=proposal.agency, after={"state": proposal.state}
    )
    return proposal
