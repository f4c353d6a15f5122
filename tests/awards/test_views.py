"""Award pages: who reads what, the exports, the public results, and the edition page's query count."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from servq.awards import services
from tests.rows import table_post


def _through_first_stage(edition, organizer):
    first = edition.stages.first()
    services.assign_evenly(by=organizer, stage=first, per_entry=2)
    for assignment in first.assignments.select_related("reviewer__user", "entry__category"):
        services.save_scores(
            by=assignment.reviewer.user,
            assignment=assignment,
            scores={c.pk: "9" for c in assignment.entry.category.criteria.all()},
        )
    services.close_stage(by=organizer, stage=first)


def test_results_are_public_only_once_published(client, edition, entries, organizer, panel):
    url = reverse("awards:public", args=[edition.pk])
    assert client.get(url).status_code == 404
    _through_first_stage(edition, organizer)
    edition.stages.update(closed=True)  # the second stage had nobody left to score
    services.publish(by=organizer, edition=edition)
    page = client.get(url).content.decode()
    assert "mof 的服務" in page and "優等" in page


def test_a_score_sheet_is_its_reviewers_and_the_organizers_to_read(
    client, agency_tree, edition, entries, organizer, panel, user_with_role
):
    assignment = services.assign(
        by=organizer, stage=edition.stages.first(), entry=entries["moea"], reviewer=panel[0]
    )
    url = reverse("awards:review", args=[assignment.pk])
    client.force_login(panel[1].user)
    assert client.get(url).status_code == 404
    client.force_login(organizer)
    page = client.get(url)
    assert page.status_code == 200 and "儲存評分" not in page.content.decode(), (
        "read, not scored, by the organizer"
    )
    client.force_login(panel[0].user)
    assert "儲存評分" in client.get(url).content.decode()


def test_the_rewards_list_exports_for_the_personnel_office(
    client, edition, entries, organizer, panel, user_with_role
):
    from odf.opendocument import load

    staff = user_with_role(edition.body, "supervisor", username="研考科員", first_name="研考科員")
    services.add_reviewer(by=organizer, edition=edition, user=staff)
    services.propose_rewards(by=organizer, edition=edition)
    client.force_login(organizer)
    got = client.get(reverse("awards:rewards_export", args=[edition.pk, "ods"]))
    text = str(load(io.BytesIO(got.content)).spreadsheet)
    assert "姓名" in text and "研考科員" in text and "嘉獎1次" in text
    assert "expert0" not in text  # outside experts are not 敘獎 by the body


def test_the_edition_page_reads_a_fixed_number_of_queries(
    client, edition, entries, organizer, panel, django_assert_num_queries
):
    _through_first_stage(edition, organizer)
    services.propose_rewards(by=organizer, edition=edition)
    client.force_login(organizer)
    client.get(reverse("awards:edition", args=[edition.pk]))
    with django_assert_num_queries(18):  # the set-up is a page of its own now (issue 33.11)
        page = client.get(reverse("awards:edition", args=[edition.pk]))
    assert page.status_code == 200 and len(page.context["results"]) == 3


def test_the_home_page_lists_reviews_to_score(client, edition, entries, organizer, panel):
    services.assign(by=organizer, stage=edition.stages.first(), entry=entries["moea"], reviewer=panel[0])
    client.force_login(panel[0].user)
    page = client.get("/").content.decode()
    assert "待評審的參獎案" in page and "moea 的服務" in page


def test_a_year_is_typed_in_roc_or_gregorian(client, agency_tree, organizer, edition):
    """Issue 33.12: the award's year took only 2026; offices write 115."""
    from servq.awards.models import Edition

    client.force_login(organizer)
    client.post(
        reverse("awards:index"), {"name": "116年度政府服務獎", "year": "116", "body": agency_tree["root"].pk}
    )
    assert Edition.objects.filter(name="116年度政府服務獎", year=2027).exists()
    refused = client.post(
        reverse("awards:index"), {"name": "錯誤", "year": "12", "body": agency_tree["root"].pk}, follow=True
    )
    assert "年度須介於民國 89 年與 189 年之間" in refused.content.decode()
    page = client.get(reverse("awards:edition", args=[edition.pk])).content.decode()
    assert 'id="copy-year" name="year" inputmode="numeric" maxlength="4" size="5" value="116"' in page


# --- the rulebook as rows of choices (issue 33.11) ---------------------------------------------------


def _rulebook_post(rows, **extra):
    data = {"rows": str(len(rows)), "name": "經濟部敘獎原則", **extra}
    for i, (national, roles, reward, source) in enumerate(rows):
        data.update({f"national-{i}": national, f"reward-{i}": reward, f"source-{i}": source})
        data[f"roles-{i}"] = roles
    return data


def test_the_rulebook_is_written_in_the_offices_words_and_saved_as_a_version(client, agency_tree, organizer):
    from servq.awards.models import Rulebook

    client.force_login(organizer)
    page = client.get(reverse("awards:rulebook") + "?seed=003").content.decode()
    assert "national=" not in page and "nominated=" not in page, "no code on the page"
    assert "獲頒政府服務獎" in page and "首長（主管）" in page and 'value="記大功1次"' in page
    got = client.post(
        reverse("awards:rulebook"),
        _rulebook_post([("winner", ["head", "main"], "記大功1次", "(一)"), ("", ["panel"], "嘉獎1次", "")]),
    )
    assert got.status_code == 302
    saved = Rulebook.objects.get()
    assert (
        saved.text
        == "national=winner | 首長（主管）、主要承辦人員 | 記大功1次 | (一)\nany | 初評小組 | 嘉獎1次"
    )


def test_adding_a_row_keeps_what_was_chosen_and_saves_nothing(client, organizer):
    from servq.awards.models import Rulebook

    client.force_login(organizer)
    got = client.post(
        reverse("awards:rulebook"), _rulebook_post([("winner", ["head"], "記大功1次", "(一)")], add="1")
    )
    page = got.content.decode()
    assert got.status_code == 200 and not Rulebook.objects.exists()
    assert 'name="reward-1"' in page and 'value="記大功1次"' in page and 'value="winner" selected' in page


@pytest.mark.parametrize(
    ("row", "said"),
    [
        (("winner", [], "記大功1次", ""), "第 1 列請選擇適用的對象"),
        (("winner", ["head"], '=HYPERLINK("http://x")', ""), "第 1 列：看不懂獎勵"),
        (("bogus", ["head"], "嘉獎1次", ""), "第 1 列的條件"),
    ],
)
def test_a_refused_rulebook_names_the_row_keeps_the_choices_and_saves_nothing(client, organizer, row, said):
    from servq.awards.models import Rulebook

    client.force_login(organizer)
    got = client.post(reverse("awards:rulebook"), _rulebook_post([row]))
    assert got.status_code == 400 and said in got.content.decode()
    assert not Rulebook.objects.exists()


def test_script_typed_as_a_source_is_shown_as_text(client, organizer):
    client.force_login(organizer)
    client.post(
        reverse("awards:rulebook"), _rulebook_post([("", ["panel"], "嘉獎1次", "<script>x</script>")])
    )
    page = client.get(reverse("awards:rulebook")).content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


# --- the edition's set-up as tables (issue 33.11: typed as 「初審｜書面審查｜2｜zscore」) ----------------


def _set_up_post(stages=(("初審", "review", "2", "zscore"),)):
    return {
        **table_post("cat", ("code", "name", "eligibility"), ("overall", "整體服務類", "各機關")),
        **table_post(
            "crit",
            ("category", "code", "name", "weight", "max_score", "parent"),
            ("overall", "A", "基礎服務", "1", "10", ""),
        ),
        **table_post("stage", ("name", "kind", "advance", "method"), *stages),
    }


def test_the_set_up_is_three_tables_with_kinds_and_methods_by_name(client, agency_tree, organizer):
    edition = services.create_edition(by=organizer, body=agency_tree["root"], name="116年度", year=2027)
    client.force_login(organizer)
    url = reverse("awards:set_up", args=[edition.pk])
    page = client.get(url).content.decode()
    assert "委員標準分數（z 分數）平均" in page and "書面審查" in page and "｜" not in page
    assert client.post(url, _set_up_post()).status_code == 302
    stage = edition.stages.get()
    assert (stage.name, stage.kind, stage.advance, stage.method) == ("初審", "review", 2, "zscore")
    again = client.get(url).content.decode()
    assert 'value="基礎服務"' in again and '<option value="zscore" selected>' in again


def test_a_refused_set_up_names_the_row_and_keeps_what_was_typed(client, agency_tree, organizer):
    edition = services.create_edition(by=organizer, body=agency_tree["root"], name="116年度", year=2027)
    client.force_login(organizer)
    got = client.post(
        reverse("awards:set_up", args=[edition.pk]),
        _set_up_post(
            stages=(("初審", "review", "2", "zscore"), ("複審", "review", "1", "=cmd|' /C calc'!A0"))
        ),
    )
    page = got.content.decode()
    assert got.status_code == 400 and "階段第 2 列的計分方式" in page
    assert 'value="基礎服務"' in page and 'value="複審"' in page
    assert not edition.stages.exists()


def test_an_entrys_people_are_a_table_with_roles_by_name(client, agency_tree, edition, user_with_role):
    """Issue 33.11: people were typed as 「姓名｜職稱｜角色」."""
    from servq.awards.models import Entry

    client.force_login(user_with_role(agency_tree["mof"], "coordinator"))
    url = reverse("awards:enter", args=[edition.pk])
    category = edition.categories.get(code="overall")
    page = client.get(url + f"?agency={agency_tree['mof'].pk}&category={category.pk}").content.decode()
    assert "主要承辦人員" in page and "｜" not in page
    base = {"agency": agency_tree["mof"].pk, "category": category.pk, "title": "稅務一站式服務"}
    base.update({f"answer-{c.pk}": "作法" for c in category.criteria.all()})
    people = ("name", "title", "role")
    refused = client.post(url, {**base, **table_post("people", people, ("王承辦", "科長", ""))})
    assert refused.status_code == 400 and "參獎人員第 1 列請填姓名並選擇角色" in refused.content.decode()
    assert 'value="王承辦"' in refused.content.decode() and not Entry.objects.exists()
    client.post(url, {**base, **table_post("people", people, ("王承辦", "科長", "main"), ("", "", ""))})
    assert list(Entry.objects.get().people.values_list("name", "role")) == [("王承辦", "main")]
