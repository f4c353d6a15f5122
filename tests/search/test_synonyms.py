"""Synonyms the body keeps (issue 23.4): a query for one word finds the others; the list is kept by
supervisors, all or nothing, audited; a refused list comes back as typed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from servq.core.models import AuditEntry
from servq.core.search_kinds import SERVICE, Document
from servq.search import selectors, services
from servq.search.models import Synonym
from servq.search.rules import query_variants, required_matches, synonym_group, synonym_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(agency_tree, user_with_role):
    return user_with_role(agency_tree["root"], "supervisor", username="root-s")


def index(*documents: tuple[str, str]) -> None:
    for key, title in documents:
        services.write_entries(
            SERVICE, SERVICE, [Document(key, title, title, f"/{key}/", "/t/", public=True)]
        )


def test_a_query_for_one_word_finds_its_synonyms(supervisor):
    index(("license", "駕駛執照換發"), ("lost", "駕照遺失補發"))
    assert {e.key for e in selectors.find(None, "駕照").entries} == {"lost"}
    services.save_synonyms(by=supervisor, text="駕照，駕駛執照")
    assert {e.key for e in selectors.find(None, "駕照").entries} == {"lost", "license"}
    assert {e.key for e in selectors.find(None, "駕駛執照").entries} == {"lost", "license"}


def test_the_list_is_replaced_whole_and_audited(supervisor):
    services.save_synonyms(by=supervisor, text="身分證、國民身分證\n\n臺北, 北市")
    assert list(Synonym.objects.values_list("words", flat=True)) == ["身分證, 國民身分證", "台北, 北市"]
    services.save_synonyms(by=supervisor, text="健保卡＝全民健康保險卡")
    assert selectors.synonym_groups() == [["健保卡", "全民健康保險卡"]]
    entry = AuditEntry.objects.filter(action="search.synonyms").latest("pk")
    assert entry.changes["groups"] == [["身分證, 國民身分證", "台北, 北市"], ["健保卡, 全民健康保險卡"]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("身分證，國民身分證\n駕照", "第 2 行：每一行至少要有兩個詞"),
        ("a, <script>alert(1)</script>", "第 1 行：請輸入純文字"),
        ("甲, 乙\n好, ！！", "第 2 行：每個詞都要有文字或數字"),
        ("甲, " + "乙" * 21, "太長"),
        ("\n".join(["甲, 乙"] * 501), "最多 500 行"),
    ],
)
def test_a_bad_line_refuses_the_whole_list_naming_it(supervisor, text, message):
    services.save_synonyms(by=supervisor, text="身分證, 國民身分證")
    with pytest.raises(services.SynonymError, match=message):
        services.save_synonyms(by=supervisor, text=text)
    assert selectors.synonym_groups() == [["身分證", "國民身分證"]]


def test_only_supervisors_keep_synonyms(agency_tree, user_with_role):
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    with pytest.raises(services.SynonymError):
        services.save_synonyms(by=coordinator, text="a, b")
    assert not Synonym.objects.exists()


def test_the_page_keeps_a_refused_list_as_typed(client, supervisor, agency_tree, user_with_role):
    url = reverse("search:synonyms")
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(user_with_role(agency_tree["mof"], "coordinator"))
    assert client.get(url).status_code == 403
    client.force_login(supervisor)
    typed = "身分證，國民身分證\n只有一個詞"
    refused = client.post(url, {"text": typed})
    assert refused.status_code == 400
    assert "第 2 行" in refused.text and "只有一個詞" in refused.text
    saved = client.post(url, {"text": "身分證，國民身分證"}, follow=True)
    assert "已儲存同義詞" in saved.text and "身分證, 國民身分證" in saved.text
    assert "維護同義詞" in client.get(reverse("search:everything")).text


def test_rules_for_synonyms_and_partial_matches():
    assert synonym_group(" 臺北 ,台北，ＦＡＱ ") == ["台北", "faq"]
    assert synonym_problem(["甲"]) and not synonym_problem(["甲", "乙"])
    groups = [["身分證", "國民身分證"], ["遺失", "不見"]]
    assert query_variants("國民身分證遺失", groups) == ["國民身分證遺失", "身分證遺失", "國民身分證不見"]
    assert query_variants("護照", groups) == ["護照"]
    assert len(query_variants("甲乙丙丁", [["甲", "1", "2", "3", "4", "5"]])) == 4
    assert [required_matches(n) for n in (1, 2, 3, 4, 5, 7)] == [1, 2, 2, 3, 4, 5]


def test_the_demo_keeps_a_few_synonyms_once(agency_tree, user_with_role):
    from servq.search.demo import ensure_demo_synonyms

    user_with_role(agency_tree["root"], "supervisor", username="supervisor")
    assert ensure_demo_synonyms() and ["駕照", "駕駛執照"] in selectors.synonym_groups()
    assert not ensure_demo_synonyms()  # a second load changes nothing


def test_a_first_run_shows_the_demo_synonyms_at_work():
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    for typed, written in (("身障", "身心障礙"), ("市民熱線", "1999")):  # neither typed word is written
        found = selectors.find(None, typed).entries
        assert any(written in entry.text for entry in found), typed


def test_the_results_mark_the_synonym_that_found_them(client, supervisor):
    index(("license", "駕駛執照換發"))
    services.save_synonyms(by=supervisor, text="駕照，駕駛執照")
    page = client.get(reverse("search:everything"), {"q": "駕照"}).text
    assert "<mark>駕駛執照</mark>換發" in page
