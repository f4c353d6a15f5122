"""The inventory's writes: the workflow with its approval step and history, what must hold before
publication (license, owner unit, resources, personal columns), uploads that are not what they say,
de-identification, and the audit log in the same transaction."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from servq.core.models import AuditEntry
from servq.opendata import selectors, services
from servq.opendata.models import Dataset, Resource
from servq.opendata.services import OpenDataError


def upload(by, dataset, text: str, filename: str = "data.csv", fmt: str = "CSV", encoding: str = "utf-8"):
    return services.add_upload(
        by=by, dataset=dataset, name="", fmt=fmt, upload=io.BytesIO(text.encode(encoding)), filename=filename
    )


def test_a_dataset_goes_through_approval_to_publication_with_its_history(published, staff, approver):
    assert published.state == "published" and published.published_on == timezone.localdate()
    steps = [(e.from_state, e.to_state, e.by) for e in published.events.all()]
    assert steps == [
        ("planned", "in_review", staff),
        ("in_review", "approved", approver),
        ("approved", "published", approver),
    ]
    actions = list(AuditEntry.objects.filter(object_id=str(published.pk)).values_list("action", flat=True))
    assert {"opendata.submit", "opendata.approve", "opendata.publish"} <= set(actions)


def test_publishing_without_approval_is_refused(dataset, approver, staff):
    with pytest.raises(OpenDataError, match="不能上架"):
        services.move(by=approver, dataset=dataset, to="publish")
    services.move(by=staff, dataset=dataset, to="submit")
    with pytest.raises(OpenDataError, match="不能上架"):
        services.move(by=approver, dataset=dataset, to="publish")
    assert Dataset.objects.get(pk=dataset.pk).state == "in_review"


def test_the_submitter_cannot_approve_their_own_dataset(dataset, agency_tree, user_with_role):
    coordinator = user_with_role(agency_tree["mof"], "coordinator", username="solo")
    services.move(by=coordinator, dataset=dataset, to="submit")
    with pytest.raises(OpenDataError, match="送審者不能核准自己"):
        services.move(by=coordinator, dataset=dataset, to="approve")


def test_unit_staff_cannot_approve(dataset, staff):
    services.move(by=staff, dataset=dataset, to="submit")
    with pytest.raises(OpenDataError, match="不能維護"):
        services.move(by=staff, dataset=dataset, to="approve")


def test_a_dataset_with_no_license_or_owner_unit_cannot_be_submitted(agency_tree, staff):
    bare = services.save_dataset(
        by=staff, agency=agency_tree["mof"], unit=None, title="無主資料", description="說明", license=""
    )
    upload(staff, bare, "a,b\n1,2\n")
    with pytest.raises(OpenDataError) as refused:
        services.move(by=staff, dataset=bare, to="submit")
    assert "沒有授權方式" in refused.value.message and "沒有資料提供單位" in refused.value.message
    assert Dataset.objects.get(pk=bare.pk).state == "planned"


def test_an_unflagged_id_column_blocks_approval_until_cleared(dataset, staff, approver):
    resource = upload(staff, dataset, "序號,欄A\n1,A123456789\n2,B223456789\n", "ids.csv")
    assert [p["column"] for p in resource.uncleared] == ["欄A"]
    with pytest.raises(OpenDataError, match="「欄A」欄看來含有個人資料（身分證統一編號）"):
        services.move(by=staff, dataset=dataset, to="submit")
    services.clear_personal(by=staff, resource=resource, column="欄A", how="deidentified")
    resource.refresh_from_db()
    with resource.file.open("rb") as cleaned:
        text = cleaned.read().decode("utf-8")
    assert "A123456789" not in text and "〔身分證號〕" in text
    services.move(by=staff, dataset=dataset, to="submit")
    services.move(by=approver, dataset=dataset, to="approve")


def test_de_identifying_a_big5_upload_deletes_the_original_that_still_holds_the_names(
    dataset, staff, django_capture_on_commit_callbacks
):
    resource = upload(staff, dataset, "姓名,時數\n王大明,12\n", "v.csv", encoding="cp950")
    original, storage = resource.original.name, resource.original.storage
    assert storage.exists(original)
    with django_capture_on_commit_callbacks(execute=True):
        services.clear_personal(by=staff, resource=resource, column="姓名", how="deidentified")
    resource.refresh_from_db()
    assert not resource.original and not storage.exists(original)
    with resource.file.open("rb") as cleaned:
        assert "王大明" not in cleaned.read().decode("utf-8")


def test_declaring_a_column_not_personal_needs_a_reason(dataset, staff):
    resource = upload(staff, dataset, "申請人,件數\n財政部,3\n", "x.csv")
    with pytest.raises(OpenDataError, match="請說明"):
        services.clear_personal(by=staff, resource=resource, column="申請人", how="not_personal")
    services.clear_personal(
        by=staff, resource=resource, column="申請人", how="not_personal", reason="申請人為機關，不是個人"
    )
    assert Resource.objects.get(pk=resource.pk).uncleared == []


@pytest.mark.parametrize(
    ("text", "filename", "fmt", "message"),
    [
        ("<!doctype html><title>404</title>", "fake.csv", "CSV", "fake.csv：內容是網頁"),
        ("<html><body>x</body></html>", "fake.json", "JSON", "fake.json：內容是網頁"),
        ("項目,金額\n甲,=1+1\n", "f.csv", "CSV", "f.csv 第 2 列「金額」欄"),
        ("", "empty.csv", "CSV", "empty.csv：檔案是空的"),
        ('{"a": [1, 2', "cut.json", "JSON", "cut.json：不是有效的 JSON"),
    ],
)
def test_an_upload_that_is_not_what_it_says_is_refused_and_nothing_is_kept(
    dataset, staff, text, filename, fmt, message
):
    before = Resource.objects.count()
    with pytest.raises(OpenDataError, match=message):
        upload(staff, dataset, text, filename, fmt)
    assert Resource.objects.count() == before


def test_an_oversized_upload_is_refused(dataset, staff, settings):
    settings.SERVQ_OPENDATA_MAX_BYTES = 1000
    with pytest.raises(OpenDataError, match=r"big\.csv：檔案超過"):
        upload(staff, dataset, "a,b\n" + "1,2\n" * 500, "big.csv")


@pytest.mark.parametrize("field", ["title", "description", "keywords"])
def test_script_in_metadata_is_refused(agency_tree, staff, field):
    values = {"title": "資料", "description": "說明", "keywords": ""}
    values[field] = "<script>alert(1)</script>"
    with pytest.raises(OpenDataError, match="純文字"):
        services.save_dataset(by=staff, agency=agency_tree["mof"], unit=agency_tree["mof_unit"], **values)
    assert not Dataset.objects.exists()


def test_fields_are_read_one_a_line_and_bad_types_named():
    assert services.parse_fields("區別｜text｜行政區\n人口數|integer") == [
        {"name": "區別", "type": "text", "description": "行政區"},
        {"name": "人口數", "type": "integer", "description": ""},
    ]
    with pytest.raises(OpenDataError, match="第 2 列：型別「數字」"):
        services.parse_fields("區別\n人口數｜數字")


def test_another_agencys_staff_cannot_touch_the_dataset(dataset, agency_tree, user_with_role):
    stranger = user_with_role(agency_tree["moea"], "coordinator", username="moea-coord")
    with pytest.raises(OpenDataError, match="不能維護"):
        upload(stranger, dataset, "a,b\n1,2\n")
    assert not selectors.kept_by(stranger).filter(pk=dataset.pk).exists()


def test_a_published_dataset_past_its_frequency_is_overdue(published, staff):
    services.record_update(by=staff, dataset=published, on=timezone.localdate() - dt.timedelta(days=40))
    assert selectors.overdue(Dataset.objects.all(), timezone.localdate()) == [published]
    services.record_update(by=staff, dataset=published, on=timezone.localdate())
    assert selectors.overdue(Dataset.objects.all(), timezone.localdate()) == []


def test_counts_by_agency_and_unit(published, agency_tree, staff):
    services.save_dataset(
        by=staff, agency=agency_tree["mof"], unit=agency_tree["mof_unit"], title="第二", description="說明"
    )
    assert selectors.counts_by_provider(Dataset.objects.all()) == [
        {"agency__name": "財政部", "unit__name": "秘書處", "total": 2, "published": 1}
    ]


def test_a_dataset_sent_for_approval_is_announced_to_the_approver(dataset, approver, staff):
    """Issue 33.10: approvers learned of a dataset waiting only from their 待辦."""
    from servq.core.models import Notification

    services.move(by=staff, dataset=dataset, to="submit")
    notice = Notification.objects.get(recipient=approver, kind="opendata.submit")
    assert "待核准" in notice.subject and not Notification.objects.filter(recipient=staff).exists()
