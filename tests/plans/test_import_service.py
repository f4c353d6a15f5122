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


def test_program_is_found_from_the_basis_and_widened(agency_tree):
    program = services.program_for(by=None, name="政府服務躍升方案", years=(2017, 2017))
    again = services.program_for(by=None, name="政府服務躍升方案", years=(2016, 2020))
    assert program.pk == again.pk and (again.first_year, again.last_year) == (2016, 2020)
    assert services.program_for(by=None, name="", years=(2026, 2026)).slug == "service-quality"


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
