"""Every write to a case: intake from any channel, routing, the guarded workflow, replies and follow-up.

Each service is atomic, writes the audit log and the roll-ups in the same transaction, and sends mail
to the citizen only once the transaction has committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from servq.agencies.models import Agency
from servq.cases import rules
from servq.cases.models import (
    STATS_SHARDS,
    ApiClient,
    Case,
    CaseCategory,
    CaseEvent,
    CaseStats,
    CitizenMail,
    CloseTime,
    Outcome,
    RoutingRule,
)
from servq.core import audit, outbox
from servq.core.actors import Actor, person
from servq.core.errors import ServiceError
from servq.core.permissions import has_perm
from servq.core.rules import format_roc_date, to_roc_year
from servq.core.selectors import office_calendar
from servq.core.services import forget_now_and_on_commit
from servq.core.workflow import TransitionRefused

MAX_DESCRIPTION = 5000
TOKEN_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # noqa: S105 — an alphabet; no 0/O, 1/I: read over the phone
TOKEN_LENGTH = 8


class CaseError(ServiceError):
    """A case write refused; ``field`` names the input at fault where there is one."""


# --- tokens -------------------------------------------------------------------------------------


def token_hash(number: str, token: str) -> str:
    """Keyed hash of the query password: a random 40-bit token needs no slow hash, the key keeps a
    leaked table from being checked offline, and rate limits keep guessing online hopeless."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{number}:{token.strip().upper()}".encode(), hashlib.sha256).hexdigest()


def new_query_password() -> str:
    """Eight characters of the 32-letter alphabet from one read of the system's random source (256 is
    a multiple of 32, so every letter is equally likely); one read, not one per letter, because
    each is a system call and intake is the hottest path there is."""
    return "".join(TOKEN_ALPHABET[byte % len(TOKEN_ALPHABET)] for byte in secrets.token_bytes(TOKEN_LENGTH))


def token_matches(case: Case, token: str) -> bool:
    return hmac.compare_digest(case.token_hash, token_hash(case.number, token))


def api_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_api_client(*, by: Actor, name: str, body: Agency) -> tuple[ApiClient, str]:
    key = secrets.token_urlsafe(32)
    client = ApiClient.objects.create(name=name, body=body, key_hash=api_key_hash(key))
    audit.record(by=by, action="apiclient.create", obj=client, agency=body, after={"name": name})
    return client, key


# Reference data every intake reads, cached briefly: a change made on another process is seen within
# this many seconds (at once where the cache is shared, i.e. with REDIS_URL). A lookup that found
# nothing is cached too (as None), so a wrong API key or code cannot make every request hit the database.
REFERENCE_TTL = 60


def client_for_key(key: str) -> ApiClient | None:
    if not key:
        return None
    digest = api_key_hash(key)
    return cache.get_or_set(
        f"cases:client:{digest}",
        lambda: ApiClient.objects.filter(key_hash=digest, active=True).select_related("body").first(),
        REFERENCE_TTL,
    )


def category_for_code(body: Agency, code: str) -> CaseCategory | None:
    return cache.get_or_set(
        _category_cache_key(body, code),
        lambda: (
            CaseCategory.objects.filter(body=body, code=code, active=True)
            .select_related("agency", "unit")
            .first()
        ),
        REFERENCE_TTL,
    )


def _category_cache_key(body: Agency, code: str) -> str:
    # Hashed: a code comes from the request, and cache keys must be short and plain.
    return f"cases:category:{body.pk}:{hashlib.sha256(code.encode()).hexdigest()[:32]}"


def _routing_rules(body: Agency) -> list[RoutingRule]:
    rules_of_body = cache.get_or_set(
        f"cases:routing:{body.pk}",
        lambda: list(RoutingRule.objects.filter(body=body).select_related("agency", "unit")),
        REFERENCE_TTL,
    )
    return cast(list[RoutingRule], rules_of_body)


def _forget_configuration(body: Agency) -> None:
    codes = CaseCategory.objects.filter(body=body).values_list("code", flat=True)
    cache.delete_many([f"cases:routing:{body.pk}", *(_category_cache_key(body, code) for code in codes)])


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
    for rule in _routing_rules(body):
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
    by: Actor = None,
) -> tuple[Case, str]:
    """File a case from any channel; returns it with its query password (shown once, e-mailed).

    A number that clashes with one already given rolls the whole filing back, and it is filed again."""
    CaseError.require(
        category.active and category.body_id == body.pk, f"類別「{category.name}」不受理。", "category"
    )
    text, email, phone, lat_value, long_value = _clean_intake(description, email, phone, lat, long)
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
        lat=lat_value,
        long=long_value,
        citizen_name=name.strip()[:60],
        citizen_email=email,
        citizen_phone=phone,
    )
    for attempt in range(1, NUMBER_ATTEMPTS + 1):
        try:
            return _file(case, by=by)
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS or not Case.objects.filter(number=case.number).exists():
                raise
            case.pk = None
    raise AssertionError("unreachable")


@transaction.atomic
def _file(case: Case, *, by: Actor) -> tuple[Case, str]:
    case.received_at = timezone.now()
    received = timezone.localdate(case.received_at)
    calendar = office_calendar((received.year, received.year + 1))
    category = case.category
    case.due_on = rules.due_date(
        received, category.limit_days, working_days=category.working_days, cal=calendar
    )
    token = new_query_password()
    case.number = new_case_number(received)
    case.token_hash = token_hash(case.number, token)
    case.save(force_insert=True)
    _event(case, "received", by=by, note=f"{category.name}，由{case.agency.name}辦理", to_agency=case.agency)
    audit.record(
        by=by,
        action="case.receive",
        obj=case,
        agency=case.agency,
        after={"channel": case.channel, "category": category.code},
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


# --- the workflow -------------------------------------------------------------------------------


def _locked(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("agency", "unit", "category", "body")
        .get(pk=case.pk)
    )


def _advance(by: Actor, case: Case, action: str) -> tuple[Case, str]:
    fresh = _locked(case)
    CaseError.require(has_perm(by, "cases.handle_case", fresh), "您沒有處理這件案件的權限。")
    try:
        target = rules.next_state(fresh.state, action)
    except TransitionRefused as error:
        raise CaseError(str(error), "state") from None
    before = fresh.state
    fresh.state = target
    return fresh, before


def _record(by: Actor, case: Case, action: str, before: str, **extra: Any) -> None:
    audit.record(
        by=by,
        action=f"case.{action}",
        obj=case,
        agency=case.agency,
        before={"state": before},
        after={"state": case.state},
        extra=extra or None,
    )


@transaction.atomic
def assign(*, by: Actor, case: Case, unit: Agency, assignee: Any = None) -> Case:
    fresh, before = _advance(by, case, rules.ASSIGN)
    CaseError.require(
        unit.path.startswith(fresh.agency.path) and unit.kind == "unit",
        f"{unit.name} 不是 {fresh.agency.name} 的單位。",
        "unit",
    )
    _bump_stats(fresh, received=-1)  # the count follows the case to its unit
    fresh.unit, fresh.assignee = unit, assignee
    fresh.save()
    _bump_stats(fresh, received=1)
    _event(fresh, "assigned", by=by, note=f"分派至{unit.name}")
    _record(by, fresh, "assign", before, unit=unit.code)
    return fresh


@transaction.atomic
def start(*, by: Actor, case: Case) -> Case:
    fresh, before = _advance(by, case, rules.START)
    fresh.save()
    _event(fresh, "started", by=by, note="開始處理")
    _record(by, fresh, "start", before)
    return fresh


@transaction.atomic
def ask_citizen(*, by: Actor, case: Case, question: str) -> Case:
    """Ask the citizen for more; the clock stops until the case resumes."""
    CaseError.require(bool(question.strip()), "請寫明需要民眾補充的資料。", "question")
    fresh, before = _advance(by, case, rules.WAIT)
    fresh.paused_since = timezone.localdate()
    fresh.save()
    _event(fresh, "waiting", by=by, note=f"請補充：{question.strip()}")
    _record(by, fresh, "wait", before)
    if fresh.citizen_email:
        _mail_on_commit(fresh.citizen_email, f"案件 {fresh.number} 需要您補充資料", question.strip())
    return fresh


def _unpause(case: Case, today: dt.date) -> None:
    if case.paused_since is None:
        return
    calendar = office_calendar((case.paused_since.year, today.year + 1))
    case.due_on = rules.resume_due(
        case.due_on, case.paused_since, today, working_days=case.category.working_days, cal=calendar
    )
    case.paused_since = None


@transaction.atomic
def resume(*, by: Actor, case: Case, note: str = "") -> Case:
    fresh, before = _advance(by, case, rules.RESUME)
    _unpause(fresh, timezone.localdate())
    fresh.save()
    _event(fresh, "resumed", by=by, note=note.strip() or "民眾已補充，繼續處理")
    _record(by, fresh, "resume", before)
    return fresh


@transaction.atomic
def reply(*, by: Actor, case: Case, outcome: str, text: str) -> Case:
    """Answer the citizen and close the case; on time is judged against the (paused, extended) due date."""
    CaseError.require(outcome in Outcome.values, f"結果「{outcome}」不存在。", "outcome")
    CaseError.require(bool(text.strip()), "請填寫回覆內容。", "reply")
    CaseError.require(len(text) <= 10000, "回覆最多 10000 字。", "reply")
    fresh, before = _advance(by, case, rules.REPLY)
    now = timezone.now()
    _unpause(fresh, timezone.localdate(now))
    fresh.outcome, fresh.reply, fresh.closed_at = outcome, text.strip(), now
    fresh.closed_on_time = rules.closed_on_time(timezone.localdate(now), fresh.due_on)
    fresh.save()
    _event(fresh, "replied", by=by, note=fresh.reply)
    _count_close(fresh, +1)
    _record(by, fresh, "reply", before, outcome=outcome, on_time=fresh.closed_on_time)
    if fresh.citizen_email:
        _mail_on_commit(fresh.citizen_email, f"案件 {fresh.number} 回覆", fresh.reply)
    return fresh


@transaction.atomic
def reopen(*, by: Actor, case: Case, reason: str) -> Case:
    """Work a closed case again; its close is taken back out of the roll-ups and a new limit starts."""
    CaseError.require(bool(reason.strip()), "請說明重新處理的理由。", "reason")
    fresh, before = _advance(by, case, rules.REOPEN)
    _count_close(fresh, -1)
    today = timezone.localdate()
    calendar = office_calendar((today.year, today.year + 1))
    fresh.closed_at, fresh.closed_on_time, fresh.extended_days = None, None, 0
    fresh.due_on = rules.due_date(
        today, fresh.category.limit_days, working_days=fresh.category.working_days, cal=calendar
    )
    fresh.save()
    _event(fresh, "reopened", by=by, note=reason.strip())
    _record(by, fresh, "reopen", before, reason=reason.strip())
    return fresh


@transaction.atomic
def transfer(*, by: Actor, case: Case, to: Agency, reason: str) -> Case:
    """移文: hand the case to another agency of the same body, with the reason in the public timeline."""
    CaseError.require(bool(reason.strip()), "移文須說明理由。", "reason")
    fresh, before = _advance(by, case, rules.TRANSFER)
    CaseError.require(to.pk != fresh.agency_id, "不能移文給原承辦機關。", "agency")
    CaseError.require(
        to.path.startswith(fresh.body.path) and to.kind != "unit", f"{to.name} 不在受理範圍內。", "agency"
    )
    previous = fresh.agency
    _bump_stats(fresh, received=-1)
    fresh.agency, fresh.unit, fresh.assignee = to, None, None
    fresh.save()
    _bump_stats(fresh, received=1)
    _event(
        fresh,
        "transferred",
        by=by,
        note=f"移文至{to.name}：{reason.strip()}",
        from_agency=previous,
        to_agency=to,
    )
    _record(
        by, fresh, "transfer", before, from_agency=previous.code, to_agency=to.code, reason=reason.strip()
    )
    return fresh


@transaction.atomic
def extend(*, by: Actor, case: Case, days: int, reason: str) -> Case:
    """展期 once, with a notice to the citizen."""
    CaseError.require(bool(reason.strip()), "展期須說明理由。", "reason")
    fresh = _locked(case)
    CaseError.require(has_perm(by, "cases.handle_case", fresh), "您沒有處理這件案件的權限。")
    CaseError.require(fresh.state in rules.OPEN_STATES, "已結案的案件不能展期。", "state")
    calendar = office_calendar((fresh.due_on.year, fresh.due_on.year + 1))
    try:
        new_due = rules.extended_due(
            fresh.due_on,
            days,
            already_extended=fresh.extended_days,
            limit_days=fresh.category.limit_days,
            working_days=fresh.category.working_days,
            cal=calendar,
        )
    except rules.ExtensionRefused as error:
        raise CaseError(str(error), "days") from None
    before_due = fresh.due_on
    fresh.due_on, fresh.extended_days = new_due, days
    fresh.save()
    _event(fresh, "extended", by=by, note=f"展期至{format_roc_date(new_due)}：{reason.strip()}")
    audit.record(
        by=by,
        action="case.extend",
        obj=fresh,
        agency=fresh.agency,
        before={"due_on": before_due.isoformat()},
        after={"due_on": new_due.isoformat()},
        extra={"reason": reason.strip()},
    )
    if fresh.citizen_email:
        _mail_on_commit(
            fresh.citizen_email,
            f"案件 {fresh.number} 展期通知",
            f"您的案件處理期限延至 {format_roc_date(new_due)}。理由：{reason.strip()}",
        )
    return fresh


@transaction.atomic
def record_satisfaction(*, by: Actor, case: Case, score: int, note: str = "") -> Case:
    """外撥滿意度: the follow-up call after closing, 1 (very dissatisfied) to 5 (very satisfied)."""
    fresh = _locked(case)
    CaseError.require(has_perm(by, "cases.handle_case", fresh), "您沒有處理這件案件的權限。")
    CaseError.require(fresh.state == rules.CLOSED, "結案後才能記錄滿意度。", "state")
    CaseError.require(1 <= score <= 5, "滿意度須為 1 到 5。", "score")
    fresh.satisfaction, fresh.satisfaction_note = score, note.strip()[:300]
    fresh.save()
    _event(fresh, "satisfaction", by=by, public=False, note=f"滿意度 {score}")
    audit.record(by=by, action="case.satisfaction", obj=fresh, agency=fresh.agency, after={"score": score})
    return fresh


@transaction.atomic
def merge_duplicate(*, by: Actor, case: Case, into: Case) -> Case:
    """Close ``case`` as a duplicate of ``into``; the citizen is told which case carries on."""
    CaseError.require(case.pk != into.pk, "不能與自己併案。")
    CaseError.require(into.body_id == case.body_id, "只能與同一受理機關的案件併案。")
    closed = reply(
        by=by, case=case, outcome=Outcome.DUPLICATE, text=f"本案與案號 {into.number} 內容相同，併該案辦理。"
    )
    Case.objects.filter(pk=closed.pk).update(duplicate_of=into)
    closed.duplicate_of = into
    return closed


def read_personal_data(*, by: Actor, case: Case) -> dict[str, str]:
    """The citizen's name and contacts, for those who may see them; every read is in the audit log."""
    CaseError.require(has_perm(by, "cases.see_personal_data", case), "您沒有檢視民眾個人資料的權限。")
    with transaction.atomic():
        audit.record(by=by, action="case.read_personal_data", obj=case, agency=case.agency)
    return {"name": case.citizen_name, "email": case.citizen_email, "phone": case.citizen_phone}


# --- helpers ------------------------------------------------------------------------------------


def _event(
    case: Case, kind: str, *, by: Actor, note: str = "", public: bool = True, **agencies: Agency
) -> None:
    CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        kind=kind,
        note=note,
        public=public,
        by=person(by),
        **agencies,
    )


def _month(case: Case) -> dt.date:
    return timezone.localdate(case.received_at).replace(day=1)


def _bump_stats(case: Case, **deltas: int) -> None:
    """Add to the roll-up row of the case's month, agency, unit, category and channel (race-safe)."""
    key = {
        "month": _month(case),
        "agency_id": case.agency_id,
        "unit_id": case.unit_id,
        "category_id": case.category_id,
        "channel": case.channel,
        "shard": case.pk % STATS_SHARDS,
    }
    counts = {name: deltas.get(name, 0) for name in STATS_COUNTS}
    if connection.features.supports_nulls_distinct_unique_constraints:
        _upsert_stats(key, counts)
        return
    # Elsewhere (SQLite) the key has no unique constraint to upsert on: update, else create.
    increments = {name: F(name) + delta for name, delta in counts.items()}
    if not CaseStats.objects.filter(**key).update(**increments):
        CaseStats.objects.create(**key, **counts)


STATS_KEY = ("month", "agency_id", "unit_id", "category_id", "channel", "shard")
STATS_COUNTS = ("received", "closed", "closed_on_time")
STATS_UPSERT = """
INSERT INTO cases_casestats (month, agency_id, unit_id, category_id, channel, shard, received, closed, closed_on_time)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT ON CONSTRAINT stats_one_per_key DO UPDATE SET
    received = cases_casestats.received + EXCLUDED.received,
    closed = cases_casestats.closed + EXCLUDED.closed,
    closed_on_time = cases_casestats.closed_on_time + EXCLUDED.closed_on_time
"""


def _upsert_stats(key: dict[str, Any], counts: dict[str, int]) -> None:
    """One statement instead of the ORM's update-then-create: intake is the hottest write there is
    (PostgreSQL 15+, where the key's NULL unit counts as one value)."""
    with connection.cursor() as cursor:
        cursor.execute(
            STATS_UPSERT, [key[name] for name in STATS_KEY] + [counts[name] for name in STATS_COUNTS]
        )


def fold_stats_shards(*, before: dt.date) -> int:
    """Fold the roll-up rows of months before ``before`` back into one row per key; the rows removed.

    Intake spreads a month's counts over STATS_SHARDS rows per key so that it never queues on one
    lock; once the month is past, hardly anything writes to it, and one row per key is a quarter of
    what the analytics sum. One short transaction per key: a close counted meanwhile waits for that
    key's locks and then lands in a row of its own, which the next fold takes in."""
    spread = CaseStats.objects.filter(month__lt=before, shard__gt=0)
    keys = sorted({tuple(row) for row in spread.values_list(*STATS_KEY[:-1]).order_by()}, key=str)
    return sum(_fold_key(dict(zip(STATS_KEY[:-1], key, strict=True))) for key in keys)


@transaction.atomic
def _fold_key(key: dict[str, Any]) -> int:
    kept, *folded = CaseStats.objects.select_for_update().filter(**key).order_by("shard", "id")
    for name in STATS_COUNTS:
        setattr(kept, name, sum(getattr(row, name) for row in (kept, *folded)))
    CaseStats.objects.filter(pk__in=[row.pk for row in folded]).delete()
    kept.shard = 0
    kept.save(update_fields=["shard", *STATS_COUNTS])
    return len(folded)


def _count_close(case: Case, sign: int) -> None:
    """Count (or, on reopening, uncount) a close in the month it was received, and its duration."""
    assert case.closed_at is not None
    _bump_stats(case, closed=sign, closed_on_time=sign if case.closed_on_time else 0)
    days = max((timezone.localdate(case.closed_at) - timezone.localdate(case.received_at)).days, 0)
    key = {"month": _month(case), "agency": case.agency, "category_id": case.category_id, "days": days}
    if CloseTime.objects.filter(**key).update(cases=F("cases") + sign):
        return
    if sign > 0:
        try:
            with transaction.atomic():
                CloseTime.objects.create(**key, cases=1)
        except IntegrityError:
            CloseTime.objects.filter(**key).update(cases=F("cases") + 1)


def _mail_on_commit(to: str, subject: str, body: str) -> None:
    """Queue mail to the citizen in this transaction (the outbox); the worker sends it within a minute."""
    CitizenMail.objects.create(to=to, subject=subject[:200], body=body)


def send_pending_mail() -> int:
    """Send queued citizen mail through the outbox: one message at a time, a bad one set aside."""
    return outbox.deliver(CitizenMail.objects.all(), _send_citizen_mail).sent


def _send_citizen_mail(mail: CitizenMail) -> None:
    send_mail(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to], fail_silently=False)


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
    forget_now_and_on_commit(lambda: _forget_configuration(category.body))
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
    forget_now_and_on_commit(lambda: _forget_configuration(body))
    return rule


@transaction.atomic
def delete_routing_rule(*, by: Actor, rule: RoutingRule) -> None:
    CaseError.require(
        has_perm(by, "cases.configure_cases", rule.body), "只有受理機關的研考人員可以設定分案規則。"
    )
    audit.record(by=by, action="routing.delete", obj=rule, agency=rule.body, before={"area": rule.area})
    body = rule.body
    rule.delete()
    forget_now_and_on_commit(lambda: _forget_configuration(body))
