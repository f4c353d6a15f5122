"""Every write of the service catalogue: services with their documents and SOP (versioned and
audited), catalogue imports, simplifications, outreach visits, applications taken at any counter or
online (filed on the case engine), and application figures from agencies' own systems."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from servq.agencies.models import Agency
from servq.agencies.selectors import body_of
from servq.cases import services as cases
from servq.cases.models import ApiClient, Case, Channel
from servq.cases.rules import due_date
from servq.core import audit, search_kinds
from servq.core.actors import Actor, person
from servq.core.errors import ServiceError
from servq.core.permissions import has_perm
from servq.core.rules import normalize
from servq.core.selectors import office_calendar
from servq.core.tables import read_table
from servq.services import rules
from servq.services.models import (
    ApplicationRecord,
    OutreachVisit,
    RequiredDocument,
    Service,
    ServiceVersion,
    Simplification,
    SimplificationKind,
    SopStep,
    VisitKind,
)


class CatalogueError(ServiceError):
    pass


LANGUAGES = {"zh-Hant": "中文", "en": "English", "vi": "Tiếng Việt", "id": "Bahasa Indonesia", "th": "ไทย"}


@dataclass
class Document:
    name: str
    e_check: bool = False
    e_source: str = ""


@dataclass
class ServiceData:
    """What a coordinator states about a service, as typed (the service checks and stores it)."""

    code: str
    name: str
    time_limit: str
    summary: str = ""
    legal_basis: str = ""
    eligibility: str = ""
    channels: list[str] = field(default_factory=list)
    fees: str = ""
    online_level: int = rules.INFO
    apply_url: str = ""
    form_languages: list[str] = field(default_factory=lambda: ["zh-Hant"])
    alternatives: str = ""
    unit: Agency | None = None
    documents: list[Document] = field(default_factory=list)
    steps: str = ""
    published: bool = False


def _require_keeper(by: Actor, agency: Agency) -> None:
    """An agency's catalogue and its figures are kept by its coordinator and the supervisors above it."""
    CatalogueError.require(
        has_perm(by, "services.manage_catalogue", agency), f"您沒有維護{agency.name}服務項目的權限。"
    )


def _check(data: ServiceData, agency: Agency) -> tuple[rules.TimeLimit, list[rules.Step]]:
    code = data.code.strip()
    CatalogueError.require(
        bool(code)
        and len(code) <= 24
        and code.replace("-", "").replace("_", "").isascii()
        and code.replace("-", "").replace("_", "").isalnum(),
        f"代碼「{code[:30]}」須為 1 到 24 個英數字、- 或 _。",
        "code",
    )
    CatalogueError.require(
        bool(data.name.strip()) and len(data.name) <= 120, "服務名稱須為 1 到 120 字。", "name"
    )
    try:
        limit = rules.parse_time_limit(data.time_limit)
    except rules.BadTimeLimit as error:
        raise CatalogueError(str(error), "time_limit") from None
    try:
        steps = rules.parse_steps(data.steps)
    except rules.BadStep as error:
        raise CatalogueError(f"作業流程：{error}", "steps") from None
    unknown = [c for c in data.channels if c not in rules.CHANNELS]
    CatalogueError.require(not unknown, f"沒有「{'、'.join(unknown)[:40]}」這種申辦方式。", "channels")
    CatalogueError.require(
        data.online_level in rules.LEVEL_NAMES, "線上服務程度須為 1 到 4。", "online_level"
    )
    languages = [lang for lang in data.form_languages if lang not in LANGUAGES]
    CatalogueError.require(
        not languages, f"不支援的表單語言「{'、'.join(languages)[:40]}」。", "form_languages"
    )
    CatalogueError.require(
        not data.apply_url or data.apply_url.startswith(("https://", "http://")),
        "線上申辦網址須以 https:// 開頭。",
        "apply_url",
    )
    CatalogueError.require(
        data.unit is None or (data.unit.kind == "unit" and data.unit.path.startswith(agency.path)),
        f"{data.unit.name if data.unit else ''} 不是 {agency.name} 的單位。",
        "unit",
    )
    for document in data.documents:
        CatalogueError.require(
            bool(document.name.strip()) and len(document.name) <= 200,
            "應備文件名稱須為 1 到 200 字。",
            "documents",
        )
    return limit, steps


def snapshot(service: Service) -> dict[str, Any]:
    """What a version records and the audit log compares: the service as its public page states it."""
    return {
        "name": service.name,
        "summary": service.summary,
        "legal_basis": service.legal_basis,
        "eligibility": service.eligibility,
        "channels": list(service.channels),
        "fees": service.fees,
        "limit_days": service.limit_days,
        "working_days": service.working_days,
        "online_level": service.online_level,
        "apply_url": service.apply_url,
        "form_languages": list(service.form_languages),
        "alternatives": service.alternatives,
        "unit": service.unit.code if service.unit_id and service.unit else "",
        "published": service.published,
        "documents": [
            [d.name, d.e_check, d.e_source] for d in RequiredDocument.objects.filter(service=service)
        ],
        "steps": [[s.role, s.action, s.limit_days] for s in SopStep.objects.filter(service=service)],
    }


def _category_code(agency: Agency, code: str) -> str:
    return f"svc-{agency.pk}-{code}"


@transaction.atomic
def save_service(*, by: Actor, agency: Agency, data: ServiceData, service: Service | None = None) -> Service:
    """Create or change a service; every save is a new version, audited with what changed."""
    _require_keeper(by, agency)
    CatalogueError.require(agency.kind != "unit", "服務項目屬於機關，不屬於單位；請選擇機關。", "agency")
    limit, steps = _check(data, agency)
    if service is None:
        CatalogueError.require(
            not Service.objects.filter(agency=agency, code=data.code.strip()).exists(),
            f"{agency.name}已有代碼「{data.code.strip()}」的服務。",
            "code",
        )
        service = Service(agency=agency, code=data.code.strip(), version=0)
        before: dict[str, Any] = {}
    else:
        service = Service.objects.select_for_update().get(pk=service.pk)
        CatalogueError.require(service.agency_id == agency.pk, "服務項目不屬於這個機關。")
        before = snapshot(service)
    service.name = data.name.strip()
    service.summary = data.summary.strip()
    service.legal_basis = data.legal_basis.strip()
    service.eligibility = data.eligibility.strip()
    service.channels = list(dict.fromkeys(data.channels))
    service.fees = data.fees.strip()[:200]
    service.limit_days, service.working_days = limit.days, limit.working_days
    service.limit_months = limit.months
    service.online_level = data.online_level
    service.apply_url = data.apply_url.strip()
    service.form_languages = list(dict.fromkeys(data.form_languages)) or ["zh-Hant"]
    service.alternatives = data.alternatives.strip()
    service.unit = data.unit
    service.published = data.published
    service.version += 1
    service.reviewed_on = timezone.localdate()  # a new version is a review of the SOP and forms
    service.category = cases.keep_application_kind(
        body=body_of(agency),
        code=_category_code(agency, service.code),
        name=service.name,
        limit_days=limit.days,
        working_days=limit.working_days,
        limit_months=limit.months,
        agency=agency,
        unit=data.unit,
        active=data.published,
        source=f"服務項目「{service.name}」處理期限 {limit.describe()}",
    )
    service.save()
    RequiredDocument.objects.filter(service=service).delete()
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            service=service,
            position=i,
            name=d.name.strip(),
            e_check=d.e_check,
            e_source=d.e_source.strip()[:200] if d.e_check else "",
        )
        for i, d in enumerate(data.documents)
    )
    SopStep.objects.filter(service=service).delete()
    SopStep.objects.bulk_create(
        SopStep(service=service, position=i, role=s.role, action=s.action, limit_days=s.limit_days)
        for i, s in enumerate(steps)
    )
    after = snapshot(service)
    ServiceVersion.objects.create(
        service=service, number=service.version, at=timezone.now(), by=person(by), snapshot=after
    )
    audit.record(
        by=by,
        action="service.create" if not before else "service.update",
        obj=service,
        agency=agency,
        before=before,
        after=after,
        extra={"version": service.version},
    )
    search_kinds.changed("services.service", [service.pk])  # again: its documents are written now
    return service


@transaction.atomic
def bundle(*, by: Actor, service: Service, with_services: Iterable[Service]) -> None:
    """The services applied for together with this one (一次申辦多項服務)."""
    _require_keeper(by, service.agency)
    others = [s for s in with_services if s.pk != service.pk]
    body = body_of(service.agency)
    CatalogueError.require(
        all(s.agency.path.startswith(body.path) for s in others),
        "只能併同同一機關體系內的服務。",
        "bundled_with",
    )
    before = sorted(service.bundled_with.values_list("code", flat=True))
    service.bundled_with.set(others)
    audit.record(
        by=by,
        action="service.bundle",
        obj=service,
        agency=service.agency,
        before={"bundled_with": before},
        after={"bundled_with": sorted(s.code for s in others)},
    )


# --- the catalogue sheet -------------------------------------------------------------------------

CATALOGUE_COLUMNS = (
    "機關代碼",
    "服務代碼",
    "服務名稱",
    "處理期限",
)
OPTIONAL_COLUMNS = (
    "服務說明",
    "法令依據",
    "申請資格",
    "申辦方式",
    "規費",
    "線上服務程度",
    "線上申辦網址",
    "表單語言",
    "承辦單位",
    "應備文件",
    "作業流程",
    "數位落差替代方式",
    "公開",
)
CATALOGUE_SHEET = CATALOGUE_COLUMNS + OPTIONAL_COLUMNS  # the export's columns, in the order it writes them
MAX_CATALOGUE_BYTES = 5_000_000
MAX_ERRORS_SHOWN = 20


def parse_documents(raw: str) -> list[Document]:
    """「戶口名簿（可電子查驗：戶役政系統）；身分證正本」: one per ；, a marked one replaceable."""
    documents = []
    for part in (p.strip() for p in raw.replace("\n", "；").split("；")):
        if not part:
            continue
        name, marker, rest = part.partition("（可電子查驗")
        source = rest.lstrip("：:").rstrip("）").strip() if marker else ""
        documents.append(Document(name.strip(), e_check=bool(marker), e_source=source))
    return documents


def _yes(raw: str) -> bool:
    return normalize(raw).strip().lower() in ("是", "y", "yes", "1", "true", "公開", "v")


@transaction.atomic
def import_catalogue(*, by: Actor, within: Agency, data: bytes, filename: str) -> list[Service]:
    """Services from a CSV or ODS sheet, one a row, created or updated; all or nothing, every error
    named by its row and column."""
    table = read_table(data, filename, max_bytes=MAX_CATALOGUE_BYTES)
    where = table.columns(CATALOGUE_COLUMNS)
    agencies = {a.code: a for a in Agency.objects.filter(path__startswith=within.path)}
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    parsed: list[tuple[Agency, ServiceData]] = []

    def cell(cells: list[str], column: str) -> str:
        i = where.get(column)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    for line, cells in table.rows:
        agency_code, code = cell(cells, "機關代碼"), cell(cells, "服務代碼")
        agency = agencies.get(agency_code)
        if agency is None:
            errors.append(f"第 {line} 列「機關代碼」：{within.name}之下沒有機關「{agency_code[:30]}」。")
            continue
        if not has_perm(by, "services.manage_catalogue", agency):
            errors.append(f"第 {line} 列「機關代碼」：您沒有維護{agency.name}服務項目的權限。")
            continue
        key = (agency_code, code)
        if key in seen:
            errors.append(f"第 {line} 列「服務代碼」：「{code[:30]}」與第 {seen[key]} 列重複。")
            continue
        seen[key] = line
        channels, unknown = rules.parse_channels(cell(cells, "申辦方式"))
        level = rules.parse_level(cell(cells, "線上服務程度") or "1")
        unit_name = cell(cells, "承辦單位")
        unit = next(
            (
                a
                for a in agencies.values()
                if a.kind == "unit" and a.parent_id == agency.pk and unit_name in (a.name, a.code)
            ),
            None,
        )
        problems = []
        if unknown:
            problems.append(f"「申辦方式」：看不懂「{'、'.join(unknown)[:30]}」")
        if level is None:
            problems.append(f"「線上服務程度」：「{cell(cells, '線上服務程度')[:20]}」須為 1 到 4 或其名稱")
        if unit_name and unit is None:
            problems.append(f"「承辦單位」：{agency.name}沒有「{unit_name[:30]}」")
        row = ServiceData(
            code=code,
            name=cell(cells, "服務名稱"),
            time_limit=cell(cells, "處理期限"),
            summary=cell(cells, "服務說明"),
            legal_basis=cell(cells, "法令依據"),
            eligibility=cell(cells, "申請資格"),
            channels=channels,
            fees=cell(cells, "規費"),
            online_level=level or rules.INFO,
            apply_url=cell(cells, "線上申辦網址"),
            form_languages=[x for x in cell(cells, "表單語言").replace("、", " ").split() if x]
            or ["zh-Hant"],
            alternatives=cell(cells, "數位落差替代方式"),
            unit=unit,
            documents=parse_documents(cell(cells, "應備文件")),
            steps=cell(cells, "作業流程"),
            published=_yes(cell(cells, "公開")),
        )
        try:
            _check(row, agency)
        except CatalogueError as error:
            problems.append(str(error))
        errors.extend(f"第 {line} 列{p if p.startswith('「') else '：' + p}" for p in problems)
        parsed.append((agency, row))
    if errors:
        more = f"（另有 {len(errors) - MAX_ERRORS_SHOWN} 項）" if len(errors) > MAX_ERRORS_SHOWN else ""
        raise CatalogueError(f"{filename}：" + "；".join(errors[:MAX_ERRORS_SHOWN]) + more, "file")
    CatalogueError.require(bool(parsed), f"{filename}：沒有任何服務項目。", "file")
    existing = {
        (s.agency_id, s.code): s
        for s in Service.objects.filter(
            agency__in=[a for a, _ in parsed], code__in=[d.code for _, d in parsed]
        )
    }
    return [
        save_service(by=by, agency=agency, data=row, service=existing.get((agency.pk, row.code)))
        for agency, row in parsed
    ]


# --- simplifications and outreach ----------------------------------------------------------------


@transaction.atomic
def record_simplification(
    *,
    by: Actor,
    service: Service,
    kind: str,
    before: int,
    after: int,
    on: dt.date,
    reason: str,
    data_source: str = "",
) -> Simplification:
    _require_keeper(by, service.agency)
    CatalogueError.require(kind in SimplificationKind.values, f"沒有「{kind[:20]}」這種簡化項目。", "kind")
    CatalogueError.require(0 <= after < before <= 999, "簡化後的數目須少於簡化前。", "after")
    CatalogueError.require(on <= timezone.localdate(), "實施日期不能在未來。", "on")
    CatalogueError.require(bool(reason.strip()), "請寫明簡化方式及理由。", "reason")
    change = Simplification.objects.create(
        service=service,
        kind=kind,
        before=before,
        after=after,
        on=on,
        reason=reason.strip()[:300],
        data_source=data_source.strip()[:200],
    )
    audit.record(
        by=by,
        action="service.simplify",
        obj=change,
        agency=service.agency,
        within=service,
        after={
            "kind": kind,
            "before": before,
            "after": after,
            "on": on.isoformat(),
            "source": change.data_source,
        },
    )
    return change


@transaction.atomic
def record_visit(
    *, by: Actor, service: Service, kind: str, on: dt.date, place: str, served: int, note: str = ""
) -> OutreachVisit:
    _require_keeper(by, service.agency)
    CatalogueError.require(kind in VisitKind.values, f"沒有「{kind[:20]}」這種服務方式。", "kind")
    CatalogueError.require(on <= timezone.localdate(), "服務日期不能在未來。", "on")
    CatalogueError.require(bool(place.strip()), "請填寫地點。", "place")
    CatalogueError.require(0 <= served <= 100_000, "服務人次須介於 0 與 100000。", "served")
    visit = OutreachVisit.objects.create(
        service=service, kind=kind, on=on, place=place.strip()[:200], served=served, note=note.strip()[:300]
    )
    audit.record(
        by=by,
        action="service.visit",
        obj=visit,
        agency=service.agency,
        within=service,
        after={"kind": kind, "on": on.isoformat(), "place": visit.place, "served": served},
    )
    return visit


# --- applications taken in servq (cases of the service's kind) --------------------------------


@transaction.atomic
def take_application(
    *,
    by: Actor,
    counter: Agency,
    service: Service,
    description: str,
    name: str = "",
    phone: str = "",
    email: str = "",
) -> tuple[Case, str]:
    """An application taken at any counter of the body (一處收件、全程服務), sent to the owning agency."""
    body = body_of(counter)
    CatalogueError.require(
        has_perm(by, "services.take_applications", counter), f"您不是{counter.name}的櫃檯人員。", "counter"
    )
    CatalogueError.require(
        service.published and service.agency.path.startswith(body.path),
        f"{body.name}沒有「{service.name}」這項服務，無法收件。",
        "service",
    )
    return cases.submit_case(
        channel=Channel.WALK_IN,
        body=body,
        category=service.category,
        subject=service.name,
        description=description,
        name=name,
        phone=phone,
        email=email,
        received_by=counter,
        by=by,
    )


def apply_online(
    *,
    service: Service,
    description: str,
    name: str = "",
    email: str = "",
    phone: str = "",
    reply_by: str = "",
    attachments: Sequence[cases.Upload] = (),
) -> tuple[Case, str]:
    """An application through servq's own form, for a service whose agency has no system of its own,
    with the required documents as files."""
    CatalogueError.require(service.takes_online_applications_here, f"「{service.name}」不受理線上申辦。")
    return cases.submit_case(
        channel=Channel.WEB,
        body=body_of(service.agency),
        category=service.category,
        subject=service.name,
        description=description,
        name=name,
        email=email,
        phone=phone,
        reply_by=reply_by,
        attachments=attachments,
        by=None,
    )


# --- figures from agencies' own systems -----------------------------------------------------------

RECORD_COLUMNS = ("服務代碼", "案號", "申辦方式", "收件日期", "結案日期")
MAX_RECORD_BYTES = 400_000_000
BATCH = 5_000


@dataclass
class _Tally:
    received: int = 0
    closed: int = 0
    closed_on_time: int = 0


def _iso_date(raw: str) -> dt.date:
    text = raw.strip()
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return dt.date.fromisoformat(text)


@transaction.atomic
def import_records(*, by: Actor, agency: Agency, data: bytes, filename: str) -> int:
    """Application records of an agency's business system (CSV), all or nothing: each row's service
    must be the agency's, its dates real, received not in the future, no record twice. Rows are
    written in batches inside the one transaction, so memory stays flat however long the file."""
    _require_keeper(by, agency)
    table = read_table(data, filename, max_bytes=MAX_RECORD_BYTES)
    reader = _RecordReader(agency, filename, table.columns(RECORD_COLUMNS))
    batch: list[tuple[int, RecordRow]] = []
    rollups = _Rollups()
    total = 0
    for line, cells in table.rows:
        batch.append((line, reader.record(line, cells)))
        if len(batch) == BATCH:
            total += _store(batch, filename, rollups)
            batch = []
    total += _store(batch, filename, rollups)
    CatalogueError.require(total > 0, f"{filename}：沒有任何申辦紀錄。", "file")
    rollups.write()
    audit.record(
        by=by,
        action="service.import_records",
        obj=agency,
        agency=agency,
        extra={"file": filename[:200], "records": total},
    )
    return total


class _RecordReader:
    """One row of a records file → an ApplicationRecord, or a refusal naming the line and column."""

    def __init__(self, agency: Agency, filename: str, where: dict[str, int]) -> None:
        self.agency, self.filename = agency, filename
        self.services = {
            s.code: s
            for s in Service.objects.filter(agency__path__startswith=agency.path).only(
                "id", "code", "limit_days", "working_days"
            )
        }
        self.columns = tuple(where[c] for c in RECORD_COLUMNS)
        self.width = max(self.columns) + 1
        self.today = timezone.localdate()
        self.calendar = office_calendar()
        self.due: dict[tuple[dt.date, int, bool, int], dt.date] = {}

    def refuse(self, line: int, column: str, message: str) -> CatalogueError:
        where = f"「{column}」" if column else ""
        return CatalogueError(f"{self.filename} 第 {line} 列{where}：{message}", "file")

    def record(self, line: int, cells: list[str]) -> RecordRow:
        if len(cells) < self.width:
            raise self.refuse(line, "", f"只有 {len(cells)} 欄，少於 {self.width} 欄。")
        code, external_id, channel_text, received_text, closed_text = (cells[i].strip() for i in self.columns)
        service = self.services.get(code)
        if service is None:
            raise self.refuse(line, "服務代碼", f"{self.agency.name}沒有服務「{code[:30]}」。")
        if not 1 <= len(external_id) <= 60:
            raise self.refuse(line, "案號", "須為 1 到 60 字。")
        channel = rules.channel_of(channel_text)
        if channel is None:
            raise self.refuse(line, "申辦方式", f"看不懂「{channel_text[:20]}」。")
        try:
            received = _iso_date(received_text)
            closed = _iso_date(closed_text) if closed_text else None
        except ValueError:
            raise self.refuse(line, "", "日期須寫成 2026-05-31 或 20260531。") from None
        if received > self.today:
            raise self.refuse(line, "收件日期", f"{received} 在未來。")
        if closed is not None and not received <= closed <= self.today:
            raise self.refuse(line, "結案日期", f"{closed} 早於收件日期或在未來。")
        return RecordRow(service.pk, external_id, channel, received, closed, self.due_on(received, service))

    def due_on(self, received: dt.date, service: Service) -> dt.date:
        key = (received, service.limit_days, service.working_days, service.limit_months)
        if key not in self.due:
            self.due[key] = due_date(
                received,
                service.limit_days,
                working_days=service.working_days,
                cal=self.calendar,
                months=service.limit_months,
            )
        return self.due[key]


class RecordRow(NamedTuple):
    """One application record, as its table's columns: written without building model instances."""

    service_id: int
    external_id: str
    channel: str
    received_on: dt.date
    closed_on: dt.date | None
    due_on: dt.date


COPY_RECORDS = "COPY services_applicationrecord (service_id, external_id, channel, received_on, closed_on, due_on) FROM STDIN"
INSERT_RECORDS = """
INSERT INTO services_applicationrecord (service_id, external_id, channel, received_on, closed_on, due_on)
VALUES (%s, %s, %s, %s, %s, %s)
"""


def _insert(rows: list[RecordRow]) -> None:
    """COPY on PostgreSQL (the fastest way in), one prepared INSERT for many rows elsewhere."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with connection.wrap_database_errors, cursor.cursor.copy(COPY_RECORDS) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(INSERT_RECORDS, rows)


def _store(batch: list[tuple[int, RecordRow]], filename: str, rollups: _Rollups) -> int:
    """Write one batch; a record given twice (in the file or already stored) refuses the whole file."""
    if not batch:
        return 0
    records = [record for _, record in batch]
    try:
        with transaction.atomic():
            _insert(records)
    except IntegrityError:
        raise CatalogueError(f"{filename}：{_first_repeat(batch)}，整批未匯入。", "file") from None
    rollups.add(records)
    return len(records)


def _first_repeat(batch: list[tuple[int, RecordRow]]) -> str:
    stored = set(
        ApplicationRecord.objects.filter(
            service_id__in={r.service_id for _, r in batch}, external_id__in=[r.external_id for _, r in batch]
        ).values_list("service_id", "external_id")
    )
    seen: set[tuple[int, str]] = set()
    for line, record in batch:
        key = (record.service_id, record.external_id)
        if key in stored:
            return f"第 {line} 列的案號「{record.external_id}」已經匯入過"
        if key in seen:
            return f"第 {line} 列的案號「{record.external_id}」在檔案中重複"
        seen.add(key)
    return "有案號重複"


class _Rollups:
    """What a whole import adds to the roll-ups, tallied in memory (a few rows per service and
    month) and written once at the end, one upsert per row: each adds to what is there."""

    def __init__(self) -> None:
        self.counts: dict[tuple[int, dt.date, str], _Tally] = defaultdict(_Tally)
        self.days: dict[tuple[int, int, int], int] = defaultdict(int)

    def add(self, records: Iterable[RecordRow]) -> None:
        for record in records:
            tally = self.counts[(record.service_id, record.received_on.replace(day=1), record.channel)]
            tally.received += 1
            if record.closed_on is not None:
                tally.closed += 1
                tally.closed_on_time += record.closed_on <= record.due_on
                key = (
                    record.service_id,
                    record.received_on.year,
                    (record.closed_on - record.received_on).days,
                )
                self.days[key] += 1

    def write(self) -> None:
        _upsert_counts(self.counts, source="records", replace=False)
        with connection.cursor() as cursor:
            cursor.executemany(DAYS_UPSERT, [(*key, n) for key, n in self.days.items()])


COUNTS_UPSERT = """
INSERT INTO services_applicationcount (service_id, month, channel, source, received, closed, closed_on_time)
VALUES (%s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (service_id, month, channel, source) DO UPDATE SET
    received = {received}, closed = {closed}, closed_on_time = {closed_on_time}
"""
DAYS_UPSERT = """
INSERT INTO services_processingdays (service_id, year, days, applications) VALUES (%s, %s, %s, %s)
ON CONFLICT (service_id, year, days) DO UPDATE SET
    applications = services_processingdays.applications + EXCLUDED.applications
"""


def _upsert_counts(tallies: dict[tuple[int, dt.date, str], _Tally], *, source: str, replace: bool) -> None:
    """Add to (records) or replace (counts sent again) each key's row; race-safe, one statement a row."""
    columns = ("received", "closed", "closed_on_time")
    sql = COUNTS_UPSERT.format(
        **{
            c: f"EXCLUDED.{c}" if replace else f"services_applicationcount.{c} + EXCLUDED.{c}"
            for c in columns
        }
    )
    rows = [(s, m, ch, source, t.received, t.closed, t.closed_on_time) for (s, m, ch), t in tallies.items()]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


@dataclass(frozen=True)
class MonthlyCount:
    service_code: str
    month: dt.date
    channel: str
    received: int
    closed: int
    closed_on_time: int


# Counts before the e-government era are not what a system pushes (month 0001-01 was).
EARLIEST_COUNT_MONTH = dt.date(2000, 1, 1)


@transaction.atomic
def record_counts(
    *,
    by: Actor,
    agency: Agency,
    counts: Sequence[MonthlyCount],
    source_name: str,
    client: ApiClient | None = None,
) -> int:
    """Monthly counts per service and channel from a system that sends no records; a month sent
    again replaces what it said. All or nothing, each refusal naming its entry. An API client
    (``client``, whose key was checked) may send for the agencies of its body."""
    allowed = (
        client.pushes_counts
        and client.counts_agency is not None
        and agency.path.startswith(client.counts_agency.path)
        if client is not None
        else has_perm(by, "services.manage_catalogue", agency)
    )
    CatalogueError.require(allowed, f"您沒有填報{agency.name}申辦件數的權限。")
    services = {s.code: s.pk for s in Service.objects.filter(agency__path__startswith=agency.path)}
    this_month = timezone.localdate().replace(day=1)
    tallies: dict[tuple[int, dt.date, str], _Tally] = {}
    for number, count in enumerate(counts, start=1):
        where = f"{source_name} 第 {number} 筆"
        service_id = services.get(count.service_code)
        CatalogueError.require(
            service_id is not None, f"{where}：{agency.name}沒有服務「{count.service_code[:30]}」。"
        )
        CatalogueError.require(
            count.channel in rules.CHANNELS, f"{where}：沒有「{count.channel[:20]}」這種申辦方式。"
        )
        month = count.month.replace(day=1)
        CatalogueError.require(month <= this_month, f"{where}：{month:%Y-%m} 是未來的月份。")
        CatalogueError.require(
            month >= EARLIEST_COUNT_MONTH,
            f"{where}：{month:%Y-%m} 早於可填報的月份（{EARLIEST_COUNT_MONTH:%Y-%m}）。",
        )
        CatalogueError.require(
            0 <= count.closed_on_time <= count.closed <= count.received <= 10_000_000,
            f"{where}：件數須為非負整數，且如期結案數 ≤ 結案數 ≤ 收件數（{count.closed_on_time}、{count.closed}、{count.received}）。",
        )
        assert service_id is not None  # for the type checker: required above
        key = (service_id, month, count.channel)
        CatalogueError.require(key not in tallies, f"{where}：同一服務、月份與方式重複。")
        tallies[key] = _Tally(count.received, count.closed, count.closed_on_time)
    CatalogueError.require(bool(tallies), f"{source_name}：沒有任何件數。")
    _upsert_counts(tallies, source="counts", replace=True)
    audit.record(
        by=by,
        action="service.record_counts",
        obj=agency,
        agency=agency,
        extra={"source": source_name[:200], "entries": len(tallies), "client": client.name if client else ""},
    )
    return len(tallies)


# --- periodic review of the SOP and forms -----------------------------------------------------------


@transaction.atomic
def confirm_review(*, by: Actor, service: Service, note: str = "") -> Service:
    """The SOP and forms were read again and still hold (002, 003, 004: 定期檢視作業流程及申請表單)."""
    _require_keeper(by, service.agency)
    CatalogueError.require(len(note) <= 300, "說明請在 300 字以內。", "note")
    before = service.reviewed_on
    service.reviewed_on = timezone.localdate()
    service.save(update_fields=["reviewed_on"])
    audit.record(
        by=by,
        action="service.review",
        obj=service,
        agency=service.agency,
        before={"reviewed_on": before.isoformat() if before else None},
        after={"reviewed_on": service.reviewed_on.isoformat()},
        extra={"note": note.strip()} if note.strip() else None,
    )
    return service
