"""Every write of the open-data inventory: datasets and their workflow (planned → in review →
approved → published → withdrawn), resources uploaded or linked, personal columns cleared, updates
recorded and link checks stored. Audited in the same transaction."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from servq.agencies.models import Agency
from servq.agencies.rules import Role
from servq.agencies.selectors import users_holding
from servq.cases.rules import scrub
from servq.core import audit, notices
from servq.core.actors import Actor, person
from servq.core.errors import ServiceError
from servq.core.locking import locked
from servq.core.permissions import has_perm
from servq.core.validators import MARKUP
from servq.opendata import profiling, rules
from servq.opendata.models import Dataset, DatasetEvent, Resource, opendata_storage

# A field's type as the open-data platform (data.gov.tw) records it, and as officials name it.
FIELD_TYPE_NAMES = {"text": "文字", "integer": "整數", "number": "數值", "date": "日期", "boolean": "是非"}
FIELD_TYPES = set(FIELD_TYPE_NAMES)


class OpenDataError(ServiceError):
    pass


def _require(by: Actor, permission: str, agency: Agency) -> None:
    OpenDataError.require(has_perm(by, permission, agency), f"您不能維護{agency.name}的開放資料。")


def _plain(field: str, text: str, limit: int) -> str:
    text = text.strip()
    OpenDataError.require(len(text) <= limit, f"內容超過 {limit} 字。", field)
    OpenDataError.require(
        not MARKUP.search(text), "請輸入純文字，不可包含 HTML 標記或程式碼（例如 <script>）。", field
    )
    return text


def parse_fields(text: str) -> list[dict[str, str]]:
    """「欄位名稱｜型別｜說明」 one a line (型別 text, integer, number, date or boolean)."""
    fields = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, kind, description = ([part.strip() for part in line.replace("|", "｜").split("｜")] + ["", ""])[
            :3
        ]
        kind = kind or "text"
        OpenDataError.require(bool(name), f"主要欄位第 {number} 列沒有欄位名稱。", "fields")
        OpenDataError.require(
            kind in FIELD_TYPES,
            f"主要欄位第 {number} 列：型別「{kind[:20]}」請從清單選擇（"
            + "、".join(FIELD_TYPE_NAMES.values())
            + "）。",
            "fields",
        )
        fields.append({"name": name, "type": kind, "description": description})
    OpenDataError.require(len(fields) <= 300, "主要欄位最多 300 個。", "fields")
    return fields


@transaction.atomic
def save_dataset(
    *,
    by: Actor,
    agency: Agency,
    title: str,
    description: str,
    unit: Agency | None,
    frequency: str = "yearly",
    license: str = rules.GOVERNMENT_LICENSE,
    keywords: str = "",
    fields: list[dict[str, str]] | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    dataset: Dataset | None = None,
) -> Dataset:
    _require(by, "opendata.keep_datasets", agency)
    values: dict[str, Any] = {
        "title": _plain("title", title, 200),
        "description": _plain("description", description, 5000),
        "keywords": _plain("keywords", keywords, 200),
        "license": _plain("license", license, 100),
        "contact_name": _plain("contact_name", contact_name, 60),
        "contact_phone": _plain("contact_phone", contact_phone, 40),
        "frequency": frequency,
        "fields": fields or [],
        "unit": unit,
    }
    OpenDataError.require(bool(values["title"]), "請填寫資料集名稱。", "title")
    OpenDataError.require(bool(values["description"]), "請填寫資料集描述。", "description")
    OpenDataError.require(frequency in rules.FREQUENCY_DAYS, "請選擇更新頻率。", "frequency")
    OpenDataError.require(
        unit is None or (unit.kind == "unit" and unit.path.startswith(agency.path)),
        "資料提供單位不屬於這個機關。",
        "unit",
    )
    if dataset is None:
        dataset = Dataset(agency=agency)
        before: dict[str, Any] = {}
    else:
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        OpenDataError.require(dataset.agency_id == agency.pk, "這個資料集不屬於這個機關。")
        before = {k: getattr(dataset, k) for k in values}
    for key, value in values.items():
        setattr(dataset, key, value)
    dataset.save()
    audit.record(
        by=by,
        action="opendata.save",
        obj=dataset,
        agency=agency,
        before={k: v for k, v in before.items() if k != "unit"},
        after={k: v for k, v in values.items() if k != "unit"},
    )
    return dataset


def publishable_problems(dataset: Dataset) -> list[str]:
    """What stands between a dataset and the public, each in words its keeper can act on."""
    problems = []
    if not dataset.license.strip():
        problems.append("沒有授權方式（預設為政府資料開放授權條款）。")
    if dataset.unit_id is None:
        problems.append("沒有資料提供單位。")
    resources = list(dataset.resources.all())
    if not resources:
        problems.append("還沒有任何資源（檔案或連結）。")
    for resource in resources:
        for flag in resource.uncleared:
            problems.append(
                f"資源「{resource.name}」的「{flag['column']}」欄看來含有個人資料（{flag['label']}），"
                "請去識別化或說明為何不是個資。"
            )
    return problems


@transaction.atomic
def move(*, by: Actor, dataset: Dataset, to: str, note: str = "") -> Dataset:
    """One step of the workflow. Submitting and approving check what must hold before publication;
    the approver is never the one who submitted it; publishing needs the approval before it."""
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    agency = dataset.agency
    target = rules.next_move(dataset.state, to)
    state_label = dict(rules.STATES)[dataset.state]
    OpenDataError.require(target is not None, f"資料集目前「{state_label}」，不能{_MOVE_WORDS[to]}。")
    needs_approver = to in ("approve", "return", "publish")
    _require(by, "opendata.approve_datasets" if needs_approver else "opendata.keep_datasets", agency)
    if to in ("submit", "approve", "publish"):
        problems = publishable_problems(dataset)
        OpenDataError.require(not problems, "尚不能送出：" + " ".join(problems))
    if to == "approve":
        submitter = dataset.events.filter(to_state="in_review").order_by("-at", "-pk").first()
        OpenDataError.require(
            submitter is None or submitter.by_id != getattr(person(by), "pk", None),
            "送審者不能核准自己送出的資料集，請由另一位聯絡窗口或上級核准。",
        )
    note = _plain("note", note, 300)
    before = dataset.state
    assert target is not None
    dataset.state = target
    if target == "published" and dataset.published_on is None:
        dataset.published_on = timezone.localdate()
    if target == "published" and dataset.last_updated is None:
        dataset.last_updated = timezone.localdate()
    dataset.save(update_fields=["state", "published_on", "last_updated", "modified_at"])
    DatasetEvent.objects.create(
        dataset=dataset, from_state=before, to_state=target, note=note, at=timezone.now(), by=person(by)
    )
    entry = audit.record(
        by=by,
        action=f"opendata.{to}",
        obj=dataset,
        agency=agency,
        before={"state": before},
        after={"state": target},
        extra={"note": note} if note else None,
    )
    if to == "submit":  # the approver is another person: the agency's coordinators
        notices.notify(
            event=entry,
            recipients=users_holding(Role.COORDINATOR, agency),
            subject=f"開放資料「{dataset.title[:60]}」送審，待核准",
            body=f"{agency.name}的資料集「{dataset.title}」已送審，請檢查後核准或退回。",
            url=reverse("opendata:edit", args=[dataset.pk]),
        )
    return dataset


_MOVE_WORDS = {"submit": "送審", "return": "退回", "approve": "核准", "publish": "上架", "withdraw": "下架"}


@transaction.atomic
def record_update(*, by: Actor, dataset: Dataset, on: dt.date) -> Dataset:
    _require(by, "opendata.keep_datasets", dataset.agency)
    OpenDataError.require(on <= timezone.localdate(), "更新日期不能晚於今天。", "on")
    before = dataset.last_updated
    dataset.last_updated = on
    dataset.save(update_fields=["last_updated", "modified_at"])
    audit.record(
        by=by,
        action="opendata.updated",
        obj=dataset,
        agency=dataset.agency,
        before={"last_updated": before.isoformat() if before else None},
        after={"last_updated": on.isoformat()},
    )
    return dataset


def _max_bytes() -> int:
    return int(settings.SERVQ_OPENDATA_MAX_BYTES)


@transaction.atomic
def add_upload(
    *, by: Actor, dataset: Dataset, name: str, fmt: str, upload: IO[bytes], filename: str
) -> Resource:
    """A file: it must be what its format says; a CSV is profiled (a Big5 one converted to UTF-8,
    the original kept) and its personal-looking columns flagged for clearing before approval."""
    _require(by, "opendata.keep_datasets", dataset.agency)
    name = _plain("name", name or filename, 200)
    OpenDataError.require(fmt in rules.MEDIA_TYPES, "請選擇檔案格式（CSV、JSON、ODS 或 XML）。", "format")
    upload.seek(0, io.SEEK_END)
    size = upload.tell()
    upload.seek(0)
    OpenDataError.require(size > 0, f"{filename}：檔案是空的。", "file")
    OpenDataError.require(
        size <= _max_bytes(), f"{filename}：檔案超過 {_max_bytes() // 1_000_000} MB，請改用連結。", "file"
    )
    resource = Resource(dataset=dataset, name=name, format=fmt, byte_size=size, added_at=timezone.now())
    try:
        if fmt == "CSV":
            _store_csv(resource, upload, filename)
        else:
            profiling.check_other(
                upload.read(profiling.HEAD_BYTES),
                _rewound(upload),
                fmt,
                filename,
                max_bytes=min(_max_bytes(), 100_000_000),
            )
            resource.file.save(_safe_name(filename, fmt), File(_rewound(upload)), save=False)
    except profiling.NotWhatItSays as refused:
        raise OpenDataError(str(refused), "file") from None
    resource.save()
    audit.record(
        by=by,
        action="opendata.resource",
        obj=dataset,
        agency=dataset.agency,
        after={
            "resource": name,
            "format": fmt,
            "bytes": size,
            "personal": [p["column"] for p in resource.personal],
        },
    )
    return resource


def _rewound(stream: IO[bytes]) -> IO[bytes]:
    stream.seek(0)
    return stream


def _safe_name(filename: str, fmt: str) -> str:
    stem = "".join(c for c in filename.rsplit(".", 1)[0] if c.isalnum() or c in "-_")[:60] or "resource"
    return f"{stem}.{fmt.lower()}"


def _store_csv(resource: Resource, upload: IO[bytes], filename: str) -> None:
    stored_name = _safe_name(filename, "csv")
    with tempfile.TemporaryFile() as converted:
        profile = profiling.profile_csv(_rewound(upload), filename, converted=converted)
        if profile.encoding == "Big5":
            resource.original.save(stored_name, File(_rewound(upload)), save=False)
            resource.file.save(stored_name, File(_rewound(converted)), save=False)
        else:
            resource.file.save(stored_name, File(_rewound(upload)), save=False)
    resource.profile = profile.as_dict()
    resource.personal = [
        {
            "column": c.name,
            "kind": c.personal,
            "label": rules.PERSONAL_LABELS.get(c.personal, c.personal),
            "cleared": "",
            "reason": "",
        }
        for c in profile.columns
        if c.personal
    ]


@transaction.atomic
def add_link(*, by: Actor, dataset: Dataset, name: str, fmt: str, url: str) -> Resource:
    """A resource kept elsewhere (an API, a file on the agency's site), checked by the link checker."""
    _require(by, "opendata.keep_datasets", dataset.agency)
    url = url.strip()
    OpenDataError.require(
        url.startswith(("https://", "http://")) and len(url) <= 500, "請輸入 http(s) 網址。", "url"
    )
    OpenDataError.require(fmt in rules.MEDIA_TYPES, "請選擇檔案格式（CSV、JSON、ODS 或 XML）。", "format")
    resource = Resource.objects.create(
        dataset=dataset, name=_plain("name", name or url, 200), format=fmt, url=url, added_at=timezone.now()
    )
    audit.record(
        by=by,
        action="opendata.link",
        obj=dataset,
        agency=dataset.agency,
        after={"resource": resource.name, "url": url},
    )
    return resource


@transaction.atomic
def clear_personal(*, by: Actor, resource: Resource, column: str, how: str, reason: str = "") -> Resource:
    """A flagged column is de-identified (each value scrubbed as the case open data is; the Big5
    original, which still holds the values, is deleted) or declared not personal, with the reason."""
    resource = locked(Resource.objects.select_related("dataset__agency"), resource.pk)
    _require(by, "opendata.keep_datasets", resource.dataset.agency)
    flag = next((p for p in resource.personal if p["column"] == column and not p["cleared"]), None)
    OpenDataError.require(flag is not None, f"「{column}」欄沒有待處理的個資標記。")
    assert flag is not None
    if how == "not_personal":
        reason = _plain("reason", reason, 300)
        OpenDataError.require(bool(reason), "請說明這一欄為何不是個人資料。", "reason")
    else:
        OpenDataError.require(how == "deidentified", "請選擇去識別化或說明不是個資。")
        _scrub_column(resource, column, flag["kind"])
    flag["cleared"], flag["reason"] = how, reason
    resource.save()
    audit.record(
        by=by,
        action="opendata.personal",
        obj=resource.dataset,
        agency=resource.dataset.agency,
        after={"resource": resource.name, "column": column, "how": how, "reason": reason},
    )
    return resource


def _scrub_column(resource: Resource, column: str, kind: str) -> None:
    with resource.file.open("rb") as source, tempfile.TemporaryFile() as out:
        text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
        delimiter = resource.profile.get("delimiter", ",")
        reader = csv.reader(text, delimiter=delimiter)
        writer_stream = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        writer = csv.writer(writer_stream, delimiter=delimiter)
        header = next(reader)
        index = [h.strip() for h in header].index(column)
        writer.writerow(header)
        for row in reader:
            if index < len(row) and row[index]:
                row[index] = scrub(row[index], names=[row[index]] if kind == "name" else ())
            writer.writerow(row)
        writer_stream.flush()
        old_name = resource.file.name
        resource.file.save(old_name.rsplit("/", 1)[-1], File(_rewound(out)), save=False)
        writer_stream.detach()
    storage = opendata_storage()
    transaction.on_commit(lambda: storage.delete(old_name))
    if resource.original:
        original = resource.original.name
        resource.original = ""
        transaction.on_commit(lambda: storage.delete(original))


def store_link_checks(results: dict[int, tuple[str, str]]) -> None:
    """The link checker's verdicts on linked resources: ok, broken or unverified, with the detail."""
    now = timezone.now()
    for pk, (status, detail) in results.items():
        Resource.objects.filter(pk=pk).update(
            link_status=status, link_detail=detail[:200], link_checked_at=now
        )
