"""The platform search (issue 23): every kind in one index, filtered by the reader's reach in the
query, classified by 主題 / 施政 / 服務 with counts, 臺/台 and full-width folded, phrases kept whole,
and bad queries answered, never failing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from servq.faq import services as faq
from servq.search import selectors
from servq.search.models import Entry
from servq.services import services as catalogue


def titles(found):
    return {e.title for e in found.entries}


def test_a_citizen_finds_every_public_kind_and_nothing_internal(world):
    found = selectors.find(None, "納稅證明")
    assert titles(found) == {"臺北市納稅證明書申請", "納稅證明可以線上申請嗎？"}
    assert dict(found.facets["topic"]) == {"服務": 2}


def test_staff_also_find_their_agencys_internal_documents_and_others_do_not(
    world, agency_tree, user_with_role
):
    mine = titles(selectors.find(world["coordinator"], "納稅證明"))
    assert {"內部草稿：納稅證明收費", "各縣市納稅證明核發件數"} <= mine
    stranger = user_with_role(agency_tree["moea"], "coordinator", username="moea-c")
    assert titles(selectors.find(stranger, "納稅證明")) == {
        "臺北市納稅證明書申請",
        "納稅證明可以線上申請嗎？",
    }


def test_publishing_a_dataset_makes_it_public_in_the_same_transaction(world, agency_tree, user_with_role):
    from servq.opendata.models import Dataset

    Dataset.objects.filter(pk=world["dataset"].pk).update(state="published")
    Dataset.objects.get(pk=world["dataset"].pk).save()  # a save, as the workflow's, reindexes it
    found = selectors.find(None, "核發件數")
    assert titles(found) == {"各縣市納稅證明核發件數"} and dict(found.facets["topic"]) == {"主題": 1}


@pytest.mark.parametrize("query", ["台北", "臺北", "臺北市"])
def test_tai_written_either_way_finds_both(world, query):
    assert "臺北市納稅證明書申請" in titles(selectors.find(None, query))


def test_a_quoted_phrase_must_appear_as_written(world):
    assert titles(selectors.find(None, "「線上申請」")) == {"納稅證明可以線上申請嗎？"}
    assert titles(selectors.find(None, "「申請線上」")) == set()


def test_filters_narrow_and_facets_still_count_the_whole(world):
    found = selectors.find(None, "納稅", kind="faq.entry")
    assert titles(found) == {"納稅證明可以線上申請嗎？"}
    assert dict(found.facets["kind"]) == {"services.service": 1, "faq.entry": 1}


@pytest.mark.parametrize(
    "query",
    [
        "q=" + "%E7%B4%8D" * 10_000,  # 納 ten thousand times
        "q=%EF%BC%81%EF%BC%9F%E3%80%82",  # only punctuation
        "q=%ED%A0%80",  # a lone surrogate, as bytes no UTF-8 decoder accepts
        "q=%27+OR+1%3D1%3B+DROP+TABLE+search_entry%3B+--",
        "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ],
)
def test_bad_queries_get_an_answer_never_an_error(client, world, query):
    response = client.get(reverse("search:everything") + "?" + query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert Entry.objects.filter(kind="services.service").exists(), "nothing was dropped"


def test_the_page_shows_classified_results_with_counts(client, world):
    page = client.get(reverse("search:everything"), {"q": "納稅證明"}).content.decode()
    assert "服務（2）" in page and "找到 2 筆" in page and "<mark>納稅證明</mark>" in page


def test_years_are_shown_in_the_roc_calendar_on_results_and_facets(client, world):
    from django.utils import timezone

    from servq.core.rules import to_roc_year

    page = client.get(reverse("search:everything"), {"q": "納稅證明可以線上申請"}).content.decode()
    this_year = timezone.localdate().year  # the FAQ entry's year is when it was last confirmed
    assert f"常見問題 · 服務 · {to_roc_year(this_year)}年" in page
    assert f"{to_roc_year(this_year)}年（" in page and f"· {this_year}<" not in page


def test_rebuilding_the_index_gives_the_same_entries(world):
    before = sorted(Entry.objects.values_list("kind", "key", "public"))
    Entry.objects.all().delete()
    call_command("reindex_search", stdout=io.StringIO())
    assert sorted(Entry.objects.values_list("kind", "key", "public")) == before


def test_a_rebuild_drops_the_entries_of_documents_that_are_gone(world):
    from servq.search.services import reindex_kind

    Entry.objects.create(kind="faq.entry", key="999999", title="已刪除", text="", url="/", folded="已刪除")
    reindex_kind("faq.entry", batch=1)
    assert not Entry.objects.filter(kind="faq.entry", key="999999").exists()
    assert Entry.objects.filter(kind="faq.entry").count() == 2


def test_self_evaluations_year_end_reports_and_inspection_results_are_kinds(agency_tree, user_with_role):
    from django.utils import timezone

    from servq.inspections.models import Finding, Visit
    from servq.reporting.models import SelfEvaluation, YearEndReport
    from tests.factories import PlanFactory, open_cycle

    supervisor = user_with_role(agency_tree["root"], "supervisor", username="root-s")
    cycle = open_cycle(agency_tree, supervisor, year=2026)
    plan = PlanFactory(agency=agency_tree["mof"], cycle=cycle, title="財政部服務躍升計畫")
    draft = SelfEvaluation.objects.create(plan=plan, year=2026, half=1, summary="櫃台動線改善草稿")
    assert not selectors.find(None, "櫃台動線").entries  # not submitted: not indexed
    draft.overall, draft.submitted_at = "good", timezone.now()
    draft.save()
    assert titles(selectors.find(None, "櫃台動線")) == {"財政部 115年上半年自行考核：財政部服務躍升計畫"}

    report = YearEndReport.objects.create(cycle=cycle, agency=agency_tree["mof"], summary="全年夜間櫃台服務")
    assert not selectors.find(supervisor, "夜間櫃台").entries  # not compiled yet
    report.compiled_at = timezone.now()
    report.save()
    assert not selectors.find(None, "夜間櫃台").entries  # staff only
    mof_staff = user_with_role(agency_tree["mof"], "coordinator", username="mof-c2")
    assert [e.kind for e in selectors.find(mof_staff, "夜間櫃台").entries] == ["reporting.year_end"]
    outsider = user_with_role(agency_tree["moea"], "coordinator", username="moea-c")
    assert not selectors.find(outsider, "夜間櫃台").entries

    visit = Visit.objects.create(body=agency_tree["root"], kind="spot", theme="電話禮貌測試", on="2026-05-01")
    visit.agencies.add(agency_tree["mof"])
    Finding.objects.create(
        body=agency_tree["root"], agency=agency_tree["mof"], visit=visit, text="轉接超過兩次"
    )
    assert not selectors.find(None, "轉接").entries  # not published
    visit.state = "published"
    visit.save()
    found = selectors.find(None, "轉接")
    assert [e.kind for e in found.entries] == ["inspections.visit"]
    assert dict(found.facets["topic"]) == {"施政": 1}


def test_results_are_counted_and_narrowed_by_agency(client, world, agency_tree, user_with_role):
    moea = user_with_role(agency_tree["moea"], "coordinator", username="moea-c2")
    catalogue.save_service(
        by=moea,
        agency=agency_tree["moea"],
        data=catalogue.ServiceData(code="tax2", name="營業稅納稅證明", time_limit="1日", published=True),
    )
    found = selectors.find(None, "納稅證明")
    assert dict(found.facets["agency"]) == {agency_tree["mof"].path: 2, agency_tree["moea"].path: 1}
    page = client.get(reverse("search:everything"), {"q": "納稅證明"}).text
    assert "財政部（2）" in page and "經濟部（1）" in page
    narrowed = client.get(
        reverse("search:everything"), {"q": "納稅證明", "agency": agency_tree["moea"].path}
    ).text
    assert "找到 1 筆" in narrowed and "營業稅納稅證明" in narrowed
    assert "找到 3 筆" in client.get(reverse("search:everything"), {"q": "納稅證明", "agency": "moea"}).text


def test_a_save_rewrites_only_the_entries_whose_documents_changed(world):
    from servq.faq.models import Entry as FaqEntry
    from servq.search.services import reindex_entries

    question, draft = FaqEntry.objects.order_by("pk")
    ids = dict(Entry.objects.filter(kind="faq.entry").values_list("key", "pk"))

    faq.save_entry(
        by=world["coordinator"],
        agency=question.agency,
        entry=question,
        question="納稅證明如何線上申請？",
        answer=question.answer,
        published=True,
    )
    after = dict(Entry.objects.filter(kind="faq.entry").values_list("key", "pk"))
    assert after[str(draft.pk)] == ids[str(draft.pk)], "the other entry is left as it was"
    assert after[str(question.pk)] != ids[str(question.pk)]
    assert "納稅證明如何線上申請？" in titles(selectors.find(None, "如何線上"))

    assert reindex_entries("faq.entry", [str(question.pk), str(draft.pk)]) == 0, "nothing changed"
    assert reindex_entries("faq.entry", [str(question.pk)], rewrite=True) == 1


def test_an_entry_holds_each_of_its_terms_with_the_weight_its_title_and_text_give_it(world):
    from servq.search.models import EntryPosting
    from servq.search.rules import fold_variants, term_scores, terms_of_folded
    from servq.search.services import ENTRY_WEIGHTS

    for entry in Entry.objects.all():
        fields = [terms_of_folded(fold_variants(entry.title)), terms_of_folded(fold_variants(entry.text))]
        held = dict(EntryPosting.objects.filter(entry=entry).values_list("term", "score"))
        assert held == term_scores(fields, ENTRY_WEIGHTS), entry.title


def test_the_classifications_are_named_in_english_on_english_pages(client, world):
    page = client.get(
        reverse("search:everything"), {"q": "納稅證明"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Service（2）" in page and "· Service" in page
    assert "服務（" not in page


def test_a_chosen_year_is_shown_as_chosen(client, world):
    from django.utils import timezone

    from servq.core.rules import to_roc_year

    year = timezone.localdate().year
    page = client.get(reverse("search:everything"), {"q": "納稅證明", "year": year}).content.decode()
    assert f"<strong>{to_roc_year(year)}年（" in page
