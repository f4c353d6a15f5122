from __future__ import annotations

import pytest

from servq.core.models import AuditEntry
from servq.plans import services
from tests.factories import AgencyFactory
from tests.plans.importing.test_formats import imported

pytestmark = pytest.mark.django_db


def test_units_are_linked_by_name_with_the_agency_prefix_stripped(tmp_path, agency_tree):
    AgencyFactory(code="mof-it", name="資訊科", kind="unit", parent=agency_tree["mof"])
    _, plan = imported(tmp_path)
    units = {u.name: u.unit for item in plan.items.all() for u in item.units.all()}
    assert units["資訊科"].code == "mof-it"
    assert units["秘書室"] is None  # no such unit at 財政部: kept as written and flagged on the page
    assert (
        services.match_unit("本部資訊科", {"資訊科": units["資訊科"]}, agency_tree["mof"]) == units["資訊科"]
    )


def test_import_is_one_audited_transaction(tmp_path, agency_tree):
    _, plan = imported(tmp_path)
    entry = AuditEntry.objects.get(action="plan.import")
    assert entry.object_id == str(plan.pk) and entry.changes["items"] == [None, 2]


def test_framework_nodes_are_built_from_item_paths(tmp_path, agency_tree):
    _, plan = imported(tmp_path)
    assert [n.title for n in plan.nodes.all()] == ["一、服務一致"]
    assert {i.node.title for i in plan.items.all()} == {"一、服務一致"}


def test_program_is_found_from_the_basis_and_widened_with_a_note(agency_tree):
    first = services.program_for(by=None, name="政府服務躍升方案", years=(2017, 2017))
    again = services.program_for(by=None, name="政府服務躍升方案", years=(2016, 2020))
    assert first.program.pk == again.program.pk
    assert (again.program.first_year, again.program.last_year) == (2016, 2020)
    # Never widened silently: the importer's user reads what changed.
    assert again.notes == [
        "方案「政府服務躍升方案」的年度由 106–106 年 擴為 105–109 年（本計畫為 105–109 年）。"
    ]
    assert AuditEntry.objects.filter(action="program.widen").count() == 1
    unnamed = services.program_for(by=None, name="", years=(2026, 2026)).program
    assert unnamed.slug == "service-quality"
    assert services.program_for(by=None, name="", years=(2026, 2026)).program.pk == unnamed.pk


def test_the_letter_wins_over_the_name_a_plan_gives_it(agency_tree):
    """002 cites the 106 letter under the older name 「政府服務創新精進方案」; 001 and 003 call it
    「政府服務躍升方案」. Filed by name, 002's 106 plan went under the 104–105 program."""
    older = services.program_for(
        by=None, name="政府服務創新精進方案", years=(2015, 2016), letter="10413004711"
    )
    match = services.program_for(
        by=None, name="政府服務創新精進方案", years=(2017, 2017), letter="1061300008"
    )
    assert match.program.name == "政府服務躍升方案" and match.program.pk != older.program.pk
    assert (older.program.first_year, older.program.last_year) == (2015, 2016)
    assert any("檔案寫作「政府服務創新精進方案」" in note for note in match.notes)


def test_a_known_edition_brings_its_award_and_calendar(agency_tree):
    leap = services.program_for(by=None, name="政府服務躍升方案", years=(2017, 2017)).program
    innovation = services.program_for(by=None, name="政府服務創新精進方案", years=(2015, 2016)).program
    assert (leap.award_name, innovation.award_name) == ("政府服務獎", "政府服務品質獎")
    assert leap.letter_number == "1061300008" and "1 月底" in leap.schedule
    assert innovation.schedule.count("\n") == 12 and "函送行政院參獎" in innovation.schedule


def test_the_same_file_is_a_duplicate_even_after_its_plan_was_retitled(tmp_path, agency_tree, user_with_role):
    """The web upload skipped the file's checksum: renamed in servq, the same file imported again."""
    from servq.plans import services

    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    path = tmp_path / "去年計畫.txt"
    path.write_text(SMALL_PLAN_FOR_DUPLICATES, encoding="utf-8")
    plan, _ = services.import_plan_file(by=coordinator, path=path, agency=agency_tree["mof"])
    assert plan.source_sha256
    services.update_plan(by=coordinator, plan=plan, expected_lock=plan.lock_version, title="改過名字的計畫")
    with pytest.raises(services.PlanImportError):
        services.import_plan_file(by=coordinator, path=path, name="上傳.txt", agency=agency_tree["mof"])


SMALL_PLAN_FOR_DUPLICATES = """示範機關 115 年度提升服務品質執行計畫

壹、計畫依據

「政府服務躍升方案」。

肆、計畫內容

實施要項\t推動作法\t完成期限\t承辦機關(單位)\t預期效益
一、服務一致\t(一)建置常見問題集\t115年6月30日\t資訊科\t◎減少重複詢問。
"""
