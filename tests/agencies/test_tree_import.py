"""A body imports its agency list (機關代碼, name, parent, level): a dry run says what would change,
the import does all of it or nothing, and a bad line is refused by its number and value."""

from __future__ import annotations

import pytest

from servq.agencies import services, tree_import
from servq.agencies.models import Agency
from servq.core.models import AuditEntry
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

HEADER = "機關代碼,機關名稱,上級機關代碼,層級\n"
CITY = (
    HEADER
    + "376440100A,新竹縣政府民政處,,一級機關\n"
    + "376440101A,戶政科,376440100A,科\n"
    + "376440500A,竹北市戶政事務所,376440100A,二級機關\n"
    + "376440000A,竹東鎮公所,,鄉鎮市公所\n"
)


@pytest.fixture
def body():
    return AgencyFactory(code="376440000H", name="新竹縣政府", kind="parent_body", parent=None)


def run(body, text, *, dry_run=False, encoding="utf-8", name="機關.csv"):
    return services.import_agencies(
        by=None, body=body, data=text.encode(encoding), filename=name, dry_run=dry_run
    )


def test_a_dry_run_says_what_would_be_added_and_writes_nothing(body):
    plan = run(body, CITY, dry_run=True)
    order = [row.code for row in plan.add]
    assert sorted(order) == ["376440000A", "376440100A", "376440101A", "376440500A"]
    assert order.index("376440100A") < order.index("376440101A")  # a parent before its children
    assert Agency.objects.count() == 1 and not AuditEntry.objects.filter(action="agency.import").exists()


def test_the_import_builds_the_tree_with_units_levels_and_paths(body):
    run(body, CITY)
    civil = Agency.objects.get(code="376440100A")
    section = Agency.objects.get(code="376440101A")
    office = Agency.objects.get(code="376440500A")
    assert (civil.parent, civil.kind, civil.level.name) == (body, "agency", "一級機關")
    assert (section.parent, section.kind, section.level) == (civil, "unit", None)
    assert office.path == "/376440000H/376440100A/376440500A/" and office.depth == 2
    assert AuditEntry.objects.filter(action="agency.import").count() == 1


def test_importing_again_renames_moves_and_shows_what_the_list_no_longer_names(body):
    run(body, CITY)
    later = (
        HEADER
        + "376440100A,新竹縣政府民政處,,一級機關\n"
        + "376440101A,戶政及户籍科,376440100A,科\n"  # renamed
        + "376440500A,竹北市戶政事務所,,二級機關\n"  # moved up, directly under the body
    )
    plan = run(body, later, dry_run=True)
    assert [(row.code, old) for row, old in plan.rename] == [("376440101A", "戶政科")]
    assert [(row.code, old) for row, old in plan.move] == [("376440500A", "376440100A")]
    assert [agency.code for agency in plan.unlisted] == ["376440000A"]  # shown, never deleted
    run(body, later)
    office = Agency.objects.get(code="376440500A")
    assert office.parent == body and office.depth == 1 and office.path.count("/") == 3
    assert Agency.objects.get(code="376440101A").name == "戶政及户籍科"
    assert Agency.objects.filter(code="376440000A").exists()


def test_a_big5_list_with_other_usual_headings_is_read(body):
    text = "代碼,名稱,上級代碼,機關層級\r\n376440100A,新竹縣政府民政處,,一級機關\r\n"
    run(body, text, encoding="cp950")
    assert Agency.objects.get(code="376440100A").name == "新竹縣政府民政處"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HEADER + "376440100A,民政處,,一級機關\n376440100A,民政處,,一級機關\n",
            "第 3 列：機關代碼 376440100A 重複（第 2 列已有）",
        ),
        (HEADER + "ABC,民政處,,一級機關\n", "第 2 列：機關代碼「ABC」不是 10 碼"),
        (HEADER + "376440100A,民政處,376449999A,一級機關\n", "第 2 列：上級機關代碼 376449999A 不在清單中"),
        (
            HEADER + "376440100A,甲,376440200A,一級機關\n376440200A,乙,376440100A,一級機關\n",
            "上級機關形成循環",
        ),
        (HEADER + '376440100A,=HYPERLINK("x"),,一級機關\n', "第 2 列：機關名稱「=HYPERLINK"),
        (HEADER + "376440101A,戶政科,,科\n376440102A,股,376440101A,股\n", "第 3 列：上級 376440101A 是單位"),
        ("代號,名稱\n376440100A,民政處\n", "找不到欄位「機關代碼」「上級機關代碼」"),
        (HEADER + "376440100A,民政處,,一級機關\n", None),  # the control: this one is fine
    ],
)
def test_a_bad_line_is_refused_by_number_and_value_and_nothing_is_written(body, text, message):
    if message is None:
        run(body, text)
        assert Agency.objects.filter(code="376440100A").exists()
        return
    with pytest.raises(services.AgencyError, match=message):
        run(body, text)
    assert Agency.objects.count() == 1


def test_a_refusal_after_good_lines_writes_nothing_at_all(body):
    text = CITY + "376440101A,重複,,科\n"
    with pytest.raises(services.AgencyError, match="第 6 列"):
        run(body, text)
    assert Agency.objects.count() == 1


def test_only_the_bodys_supervisors_import(body, user_with_role):
    coordinator = user_with_role(
        AgencyFactory(code="x1", name="某局", kind="agency", parent=body), "coordinator"
    )
    with pytest.raises(services.AgencyError, match="研考督導"):
        services.import_agencies(by=coordinator, body=body, data=CITY.encode(), filename="a.csv")
    supervisor = user_with_role(body, "supervisor")
    services.import_agencies(by=supervisor, body=body, data=CITY.encode(), filename="a.csv")
    assert Agency.objects.filter(code="376440500A").exists()


def test_columns_are_found_by_their_usual_names():
    assert tree_import.columns(["Code", "Name", "Parent Code"], "a.csv") == {
        "code": 0,
        "name": 1,
        "parent": 2,
    }
