"""Last years' cases from another system (issue 34.7): all or nothing, dry run, audited, and counted
where the on-time rates and analytics read."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from servq.cases.models import Case, CaseCategory, CaseStats
from servq.cases.services import load_default_categories
from servq.core.models import AuditEntry

pytestmark = pytest.mark.django_db
HEADER = "案號,來源,類別,收件日期,結案日期,機關代碼,狀態\n"


@pytest.fixture
def body(agency_tree):
    load_default_categories(by=None, body=agency_tree["root"])
    return agency_tree["root"]


def run(tmp_path, text: str, *, dry_run=False, encoding="utf-8") -> str:
    path = tmp_path / "歷史案件.csv"
    path.write_bytes(text.encode(encoding))
    out = io.StringIO()
    call_command("import_cases", str(path), "--body", "ey", *(["--dry-run"] if dry_run else []), stdout=out)
    return out.getvalue()


def test_past_cases_come_in_counted_and_audited(tmp_path, body):
    category = CaseCategory.objects.filter(body=body).order_by("pk").first()
    text = HEADER + (
        f"A114000001,1999,{category.name},114/3/2,114/3/3,mof,結案\n"
        f"A114000002,民意信箱,{category.code},114/3/2,114/12/30,mof,已結案\n"
        f"A115000003,網路,{category.name},2026-01-05,,moea,處理中\n"
    )
    said = run(tmp_path, text, dry_run=True, encoding="cp950")
    assert "would import 3 cases (2025: 2, 2026: 1); 2 closed, 1 on time" in said
    assert not Case.objects.exists()
    run(tmp_path, text, encoding="cp950")
    assert Case.objects.count() == 3 and Case.objects.get(number="A114000001").closed_on_time is True
    assert Case.objects.get(number="A114000002").closed_on_time is False
    assert Case.objects.get(number="A115000003").state == "in_progress"
    totals = CaseStats.objects.aggregate(Sum("received"), Sum("closed"), Sum("closed_on_time"))
    assert list(totals.values()) == [3, 2, 1]
    assert AuditEntry.objects.filter(action="case.import").count() == 3
    assert Case.objects.get(number="A114000001").citizen_email == ""  # nobody's contact carried over


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("B1,1999,{cat},114/3/2,,nope,處理中", "第 2 列：機關代碼「nope」不在行政院之下"),
        ("B1,1999,不存在類別,114/3/2,,mof,處理中", "第 2 列：行政院沒有案件類別「不存在類別」"),
        ("B1,傳真,{cat},114/3/2,,mof,處理中", "第 2 列：來源「傳真」不是"),
        ("B1,1999,{cat},114/3/2,,mof,結案", "第 2 列：狀態為結案，卻沒有結案日期"),
        ("B1,1999,{cat},199/3/2,,mof,處理中", "第 2 列：日期不合理"),
        ("B1,1999,{cat},114/3/9,114/3/2,mof,結案", "第 2 列：日期不合理"),
        ("B1,1999,=cmd|' /C calc'!A0,114/3/2,,mof,處理中", "第 2 列：類別「=cmd"),
        ("B1,1999,{cat},昨天,,mof,處理中", "第 2 列：收件日期「昨天」不是日期"),
    ],
)
def test_a_bad_line_refuses_the_whole_export(tmp_path, body, line, said):
    category = CaseCategory.objects.filter(body=body).order_by("pk").first()
    good = f"G1,1999,{category.name},114/3/2,,mof,處理中\n"
    with pytest.raises(CommandError, match=said.replace("第 2 列", "第 3 列")):
        run(tmp_path, HEADER + good + line.format(cat=category.name) + "\n")
    assert not Case.objects.exists() and not AuditEntry.objects.filter(action="case.import").exists()


def test_the_same_export_twice_is_refused(tmp_path, body):
    category = CaseCategory.objects.filter(body=body).order_by("pk").first()
    text = HEADER + f"C1,1999,{category.name},114/3/2,,mof,處理中\n"
    run(tmp_path, text)
    with pytest.raises(CommandError, match="第 2 列：案號 C1 已經匯入過"):
        run(tmp_path, text)
    assert Case.objects.count() == 1
