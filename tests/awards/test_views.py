"""Award pages: who reads what, the exports, the public results, and the edition page's query count."""

from __future__ import annotations

import io

from django.urls import reverse

from servq.awards import services


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
    with django_assert_num_queries(23):  # the panel candidates picked by name: one query
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
