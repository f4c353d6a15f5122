"""Cases services: intake."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from servq.agencies.models import Agency
from servq.cases import rules, selectors
from servq.cases.models import (
    Case,
    CaseCategory,
    CitizenMail,
    ReplyMethod,
)
from servq.cases.services._common import MAX_DESCRIPTION, CaseError
from servq.cases.services.attachments import CleanFile, Upload, clean_uploads, save_attachments
from servq.cases.services.clients import new_query_password, token_hash, token_matches
from servq.cases.services.outbox import _mail_on_commit
from servq.cases.services.stats import _bump_stats
from servq.cases.services.workflow import _event
from servq.core import audit
from servq.core.actors import Actor
from servq.core.rules import format_roc_date, to_roc_year
from servq.core.selectors import office_calendar

# --- intake -------------------------------------------------------------------------------------


def _clean_intake(
    description: str, email: str, phone: str, lat: Any, long: Any
) -> tuple[str, str, str, Decimal | None, Decimal | None]:
    text = (description or "").strip()
    CaseError.require(bool(text), "請描述您要反映的事項。", "description")
    CaseError.require(
        len(text) <= MAX_DESCRIPTION,
        f"內容最多 {MAX_DESCRIPTION} 字，您輸入了 {len(text)} 字。",
        "description",
    )
    CaseError.require("\x00" not in text, "內容含有無法處理的字元。", "description")
    email = (email or "").strip()
    CaseError.require(not email or rules.valid_email(email), f"電子郵件「{email[:60]}」格式不正確。", "email")
    cleaned_phone = ""
    if (phone or "").strip():
        found = rules.clean_phone(phone)
        CaseError.require(found is not None, f"電話「{phone[:30]}」不是有效的號碼。", "phone")
        cleaned_phone = found or ""
    return text, email, cleaned_phone, _coordinate(lat, "lat", 90), _coordinate(long, "long", 180)


def _reply_method(chosen: str, email: str, phone: str) -> str:
    """The citizen's choice, which needs its contact; unchosen, the contact they left (else none)."""
    if not chosen:
        return ReplyMethod.EMAIL if email else ReplyMethod.PHONE if phone else ReplyMethod.NONE
    CaseError.require(chosen in ReplyMethod.values, f"沒有「{chosen[:20]}」這種回覆方式。", "reply_by")
    CaseError.require(
        chosen != ReplyMethod.EMAIL or bool(email), "選擇以電子郵件回覆，請留下電子郵件。", "email"
    )
    CaseError.require(chosen != ReplyMethod.PHONE or bool(phone), "選擇以電話回覆，請留下電話。", "phone")
    return chosen


def _coordinate(value: Any, field: str, bound: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise CaseError(f"座標 {field}「{str(value)[:20]}」不是數字。", field) from None
    CaseError.require(
        number.is_finite() and -bound <= number <= bound, f"座標 {field} 須介於 -{bound} 與 {bound}。", field
    )
    return number.quantize(Decimal("0.000001"))


def route(body: Agency, category: CaseCategory, address: str) -> tuple[Agency, Agency | None]:
    """The agency and unit a new case goes to: the first routing rule that matches, else the category's."""
    for rule in selectors.routing_rules(body):
        if rule.category_id not in (None, category.pk):
            continue
        if rule.area and rule.area not in address:
            continue
        return rule.agency, rule.unit
    return category.agency or body, category.unit


def new_case_number(received: dt.date) -> str:
    """The ROC date and eight random digits, e.g. 115112504718263. Known before the insert, so filing
    is one statement, not an insert and an update; and a number tells nobody how many cases came
    that day or which number the next citizen got."""
    return f"{to_roc_year(received.year):03d}{received:%m%d}{secrets.randbelow(10**8):08d}"


NUMBER_ATTEMPTS = 5  # a clash needs one of 10^8 numbers already given that day; five in a row, never


def submit_case(
    *,
    channel: str,
    body: Agency,
    category: CaseCategory,
    description: str,
    subject: str = "",
    address: str = "",
    lat: Any = None,
    long: Any = None,
    name: str = "",
    email: str = "",
    phone: str = "",
    reply_by: str = "",
    attachments: Sequence[Upload] = (),
    received_by: Agency | None = None,
    by: Actor = None,
) -> tuple[Case, str]:
    """File a case from any channel; returns it with its query password (shown once, e-mailed).

    ``received_by`` is the counter that took it (一處收件、全程服務): when another agency handles it,
    the hand-over is on the timeline, and the clock runs from the counter's receipt.
    A number that clashes with one already given rolls the whole filing back, and it is filed again."""
    CaseError.require(
        category.active and category.body_id == body.pk, f"類別「{category.name}」不受理。", "category"
    )
    text, email, phone, lat_value, long_value = _clean_intake(description, email, phone, lat, long)
    reply_by = _reply_method(reply_by, email, phone)
    files = clean_uploads(attachments)
    agency, unit = route(body, category, address)
    case = Case(
        channel=channel,
        body=body,
        category=category,
        agency=agency,
        unit=unit,
        subject=subject.strip()[:120],
        description=text,
        address=address.strip()[:200],
        district=rules.district_of(address),
        lat=lat_value,
        long=long_value,
        citizen_name=name.strip()[:60],
        citizen_email=email,
        citizen_phone=phone,
        reply_by=reply_by,
    )
    for attempt in range(1, NUMBER_ATTEMPTS + 1):
        try:
            return _file(case, by=by, files=files, received_by=received_by)
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS or not Case.objects.filter(number=case.number).exists():
                raise
            case.pk = None
    raise AssertionError("unreachable")


@transaction.atomic
def _file(
    case: Case, *, by: Actor, files: Sequence[CleanFile] = (), received_by: Agency | None = None
) -> tuple[Case, str]:
    case.received_at = timezone.now()
    received = timezone.localdate(case.received_at)
    calendar = office_calendar((received.year, received.year + 1))
    category = case.category
    case.due_on = rules.due_date(
        received,
        category.limit_days,
        working_days=category.working_days,
        cal=calendar,
        months=category.limit_months,
    )
    token = new_query_password()
    case.number = new_case_number(received)
    case.token_hash = token_hash(case.number, token)
    case.save(force_insert=True)
    save_attachments(case, files)
    handed_over = received_by is not None and received_by.pk != case.agency_id
    if handed_over:
        assert received_by is not None  # for the type checker: handed_over says so
        _event(
            case,
            "handed_over",
            by=by,
            note=f"{received_by.name}收件，轉送{case.agency.name}辦理（一處收件、全程服務）",
            from_agency=received_by,
            to_agency=case.agency,
        )
    else:
        _event(
            case, "received", by=by, note=f"{category.name}，由{case.agency.name}辦理", to_agency=case.agency
        )
    audit.record(
        by=by,
        action="case.receive",
        obj=case,
        agency=case.agency,
        after={"channel": case.channel, "category": category.code},
        extra={"received_by": received_by.code} if handed_over and received_by else None,
    )
    if case.citizen_email:
        _mail_on_commit(
            case.citizen_email,
            f"[{case.body.name}] 已收到您的案件 {case.number}",
            f"您的案件已收件，案號 {case.number}，查詢密碼 {token}。\n"
            f"處理期限：{format_roc_date(case.due_on)}。請以案號與查詢密碼查詢辦理情形。",
        )
    # Last before commit: the cases of the month share this roll-up row, so its lock is held briefly.
    _bump_stats(case, received=1)
    return case, token


# A citizen may have the number and password sent again a few times, to any address they give.
COPIES_PER_CASE = 3


@transaction.atomic
def mail_copy(*, case: Case, token: str, to: str) -> None:
    """Send the number and query password again (the citizen lost them, or left no e-mail)."""
    CaseError.require(token_matches(case, token), "案號或查詢密碼不正確。")
    address = (to or "").strip()
    CaseError.require(rules.valid_email(address), f"電子郵件「{address[:60]}」格式不正確。", "email")
    subject = f"[{case.body.name}] 您的案號 {case.number}"
    sent = CitizenMail.objects.filter(subject=subject).count()
    CaseError.require(sent < COPIES_PER_CASE, f"這個案號已寄出 {sent} 次，請改用列印或抄寫。")
    _mail_on_commit(
        address,
        subject,
        f"案號 {case.number}，查詢密碼 {token}。\n處理期限：{format_roc_date(case.due_on)}。"
        "請以案號與查詢密碼在網站「案件查詢」查詢辦理情形。",
    )
