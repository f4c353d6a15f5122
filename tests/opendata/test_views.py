"""The public catalogue and its machine-readable doors: DCAT JSON-LD that validates against the
DCAT-AP 3.0.0 SHACL shapes, a CKAN-compatible API that a CKAN client library reads, downloads
that keep unpublished files private, exports for the national and city platforms; and the staff's
pages, which confirm before publishing."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.urls import reverse

from servq.opendata import services
from servq.opendata.models import Dataset
from tests.rows import table_post

SHAPES = Path(__file__).with_name("dcat-ap-3.0.0-shacl.jsonld")


def test_the_catalogue_lists_only_published_datasets_and_searches_them(client, published, agency_tree, staff):
    services.save_dataset(
        by=staff,
        agency=agency_tree["mof"],
        unit=agency_tree["mof_unit"],
        title="規劃中的人口資料",
        description="x",
    )
    page = client.get(reverse("opendata:catalogue"), {"q": "人口"}).content.decode()
    assert "各區戶數及人口數" in page and "規劃中的人口資料" not in page
    assert "各區戶數及人口數" not in client.get(reverse("opendata:catalogue"), {"q": "預算"}).content.decode()


def test_an_unpublished_dataset_and_its_file_are_404_to_the_public_but_not_to_its_keeper(
    client, dataset, staff
):
    assert client.get(reverse("opendata:dataset", args=[dataset.identifier])).status_code == 404
    resource = dataset.resources.get()
    assert client.get(reverse("opendata:download", args=[resource.pk])).status_code == 404
    client.force_login(staff)
    assert client.get(reverse("opendata:download", args=[resource.pk])).status_code == 200


def test_a_published_file_downloads_as_utf8_and_its_big5_original_as_it_came(client, published):
    resource = published.resources.get()
    converted = b"".join(client.get(reverse("opendata:download", args=[resource.pk])).streaming_content)
    original = b"".join(
        client.get(reverse("opendata:download", args=[resource.pk]), {"original": "1"}).streaming_content
    )
    assert (
        converted.decode("utf-8").startswith("區別,戶數") and original.decode("cp950") == converted.decode()
    )


def test_links_in_the_catalogue_and_the_api_name_the_host_the_reader_used(
    client, published, settings, approver
):
    settings.ALLOWED_HOSTS = ["data.example.gov.tw"]
    settings.SERVQ_SITE_URL = "http://127.0.0.1:8000"  # for mail only: never in a response
    host = {"HTTP_HOST": "data.example.gov.tw"}
    catalog = client.get(reverse("opendata:catalog_jsonld"), **host).text
    api = client.get("/opendata/api/3/action/package_show", {"id": str(published.identifier)}, **host).text
    client.force_login(approver)
    city = client.get(reverse("opendata:export_city"), **host).content.decode()
    for body in (catalog, api, city):
        assert "http://data.example.gov.tw/" in body
        assert "127.0.0.1:8000" not in body


def test_dcat_validates_against_the_dcat_ap_shapes(client, published):
    pyshacl = pytest.importorskip("pyshacl")
    from rdflib import Graph

    shapes = Graph().parse(SHAPES, format="json-ld")
    for url in (
        reverse("opendata:catalog_jsonld"),
        reverse("opendata:dataset_jsonld", args=[published.identifier]),
    ):
        data = Graph().parse(data=client.get(url).content.decode(), format="json-ld")
        conforms, _graph, report = pyshacl.validate(data, shacl_graph=shapes, inference="rdfs")
        assert conforms, report
    assert len(data) > 20, "the dataset's description came through as triples"


def test_the_shapes_catch_a_dataset_without_a_title(client, published):
    """The validation above can fail: the same document without its title does not conform."""
    pyshacl = pytest.importorskip("pyshacl")
    from rdflib import Graph

    document = json.loads(client.get(reverse("opendata:dataset_jsonld", args=[published.identifier])).content)
    del document["dct:title"]
    conforms, _graph, report = pyshacl.validate(
        Graph().parse(data=json.dumps(document), format="json-ld"),
        shacl_graph=Graph().parse(SHAPES, format="json-ld"),
        inference="rdfs",
    )
    assert not conforms and "title" in report


@pytest.mark.django_db(transaction=True)
def test_a_ckan_client_reads_the_catalogue_from_the_running_server(
    live_server, settings, agency_tree, user_with_role
):
    from ckanapi import NotFound, RemoteCKAN

    settings.SERVQ_SITE_URL = live_server.url
    staff = user_with_role(agency_tree["mof_unit"], "unit_staff", username="s")
    approver = user_with_role(agency_tree["mof"], "coordinator", username="c")
    made = []
    for title in ("各區戶數及人口數", "公有停車場位置", "年度預算"):
        dataset = services.save_dataset(
            by=staff,
            agency=agency_tree["mof"],
            unit=agency_tree["mof_unit"],
            title=title,
            description=f"{title}說明",
        )
        services.add_upload(
            by=staff,
            dataset=dataset,
            name=title,
            fmt="CSV",
            upload=io.BytesIO(b"a,b\n1,2\n"),
            filename="d.csv",
        )
        for by, to in ((staff, "submit"), (approver, "approve"), (approver, "publish")):
            services.move(by=by, dataset=dataset, to=to)
        made.append(dataset)
    hidden = services.save_dataset(
        by=staff, agency=agency_tree["mof"], unit=agency_tree["mof_unit"], title="未上架", description="x"
    )

    ckan = RemoteCKAN(f"{live_server.url}/opendata", user_agent="servq-test")
    names = ckan.action.package_list()
    assert sorted(names) == sorted(str(d.identifier) for d in made) and str(hidden.identifier) not in names
    package = ckan.action.package_show(id=str(made[0].identifier))
    assert package["title"] == "各區戶數及人口數" and package["organization"]["title"] == "財政部"
    assert package["resources"][0]["format"] == "CSV"
    import urllib.request

    with urllib.request.urlopen(package["resources"][0]["url"]) as response:
        assert response.read() == b"a,b\n1,2\n"
    found = ckan.action.package_search(q="停車", rows=5)
    assert found["count"] == 1 and found["results"][0]["title"] == "公有停車場位置"
    assert ckan.action.package_search(rows=2, start=2)["results"][0]["name"] in names
    with pytest.raises(NotFound):
        ckan.action.package_show(id=str(hidden.identifier))
    # Issue 36.7: what harvesters and portals call besides the package actions.
    import datetime as dt

    assert dt.datetime.fromisoformat(package["metadata_created"]), "a timestamp"
    assert ckan.action.status_show()["api_version"] == 3
    assert ckan.action.organization_list() == ["mof"]
    (organization,) = ckan.action.organization_list(all_fields=True)
    assert (organization["title"], organization["package_count"]) == ("財政部", 3)
    shown = ckan.action.organization_show(id="mof", include_datasets=True)
    assert len(shown["packages"]) == 3
    with urllib.request.urlopen(shown["url"]) as response:  # the DCAT publisher IRI is a page
        assert "財政部的開放資料" in response.read().decode()
    assert ckan.action.tag_list() == [] and ckan.action.group_list() == []
    resource = ckan.action.resource_show(id=package["resources"][0]["id"])
    assert resource["package_id"] == package["id"] and resource["format"] == "CSV"
    with pytest.raises(NotFound):
        ckan.action.organization_show(id="moea")


@pytest.mark.parametrize(
    ("query", "status"),
    [({"rows": "abc"}, 409), ({"rows": "5000"}, 409), ({"start": "-1"}, 409)],
)
def test_bad_api_parameters_get_a_ckan_style_error(client, published, query, status):
    response = client.get(reverse("opendata:api", args=["package_search"]), query)
    assert response.status_code == status and response.json()["success"] is False
    assert response.json()["error"]["__type"] == "Validation Error"


def test_an_unknown_action_or_a_non_object_body_is_refused(client, published):
    assert client.get(reverse("opendata:api", args=["organization_purge"])).status_code == 400
    response = client.post(
        reverse("opendata:api", args=["package_search"]), data="[1, 2]", content_type="application/json"
    )
    assert response.status_code == 409 and "JSON 物件" in response.json()["error"]["message"]


def test_the_national_export_has_the_national_platforms_columns(client, published, staff):
    client.force_login(staff)
    text = client.get(reverse("opendata:export_national")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["資料集識別碼", "資料集名稱", "資料提供屬性"] and "提供機關聯絡人電話" in rows[0]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["資料集名稱"] == "各區戶數及人口數" and row["更新頻率"] == "每月" and "Big5" in row["編碼格式"]


def test_the_city_export_is_ckan_packages(client, published, staff):
    client.force_login(staff)
    packages = json.loads(client.get(reverse("opendata:export_city")).content)
    assert [p["title"] for p in packages] == ["各區戶數及人口數"]


def test_publishing_from_the_page_needs_the_ticked_confirmation(client, dataset, staff, approver):
    services.move(by=staff, dataset=dataset, to="submit")
    services.move(by=approver, dataset=dataset, to="approve")
    client.force_login(approver)
    url = reverse("opendata:move", args=[dataset.pk, "publish"])
    client.post(url)
    assert Dataset.objects.get(pk=dataset.pk).state == "approved"
    client.post(url, {"confirm": "yes"})
    assert Dataset.objects.get(pk=dataset.pk).state == "published"


def test_a_refused_new_dataset_keeps_what_was_typed(client, staff, agency_tree):
    client.force_login(staff)
    response = client.post(
        reverse("opendata:manage"),
        {
            "agency": agency_tree["mof"].pk,
            "title": "人口統計",
            "description": "",
            **_fields(("區別", "text", ""), ("", "", "")),
        },
    )
    page = response.content.decode()
    assert response.status_code == 400 and "請填寫資料集描述" in page
    assert (
        'value="人口統計"' in page and 'value="區別"' in page and '<option value="text" selected>文字' in page
    )


# --- a dataset's fields as a table (issue 33.11: typed as 「區別｜text」) --------------------------------


def _fields(*rows):
    return table_post("fields", ("name", "type", "description"), *rows)


def test_fields_are_chosen_by_type_name_and_a_row_can_be_added(client, staff, agency_tree):
    from servq.opendata.models import Dataset

    client.force_login(staff)
    page = client.get(reverse("opendata:manage")).content.decode()
    assert "整數" in page and "integer、" not in page and "｜" not in page
    base = {
        "agency": agency_tree["mof"].pk,
        "title": "人口統計",
        "description": "各區人口",
        "frequency": "yearly",
    }
    added = client.post(
        reverse("opendata:manage"), {**base, **_fields(("區別", "text", "")), "fields-add": "1"}
    )
    assert added.status_code == 200 and not Dataset.objects.exists()
    assert 'name="fields-1-name"' in added.content.decode() and 'value="區別"' in added.content.decode()
    client.post(
        reverse("opendata:manage"),
        {
            **base,
            **_fields(("區別", "text", "行政區"), ("", "", ""), ("人口數", "integer", "月底人口｜含外籍")),
        },
    )
    assert Dataset.objects.get().fields == [
        {"name": "區別", "type": "text", "description": "行政區"},
        {"name": "人口數", "type": "integer", "description": "月底人口 含外籍"},
    ]


def test_a_hostile_field_type_is_refused_naming_the_row(client, staff, agency_tree):
    from servq.opendata.models import Dataset

    client.force_login(staff)
    got = client.post(
        reverse("opendata:manage"),
        {
            "agency": agency_tree["mof"].pk,
            "title": "t",
            "description": "d",
            **_fields(("a", "text", ""), ("b", "<script>", "")),
        },
    )
    page = got.content.decode()
    assert got.status_code == 400 and "主要欄位第 2 列" in page and "<script>" not in page
    assert not Dataset.objects.exists()


def test_another_agencys_dataset_is_404_on_the_staff_pages(client, dataset, agency_tree, user_with_role):
    client.force_login(user_with_role(agency_tree["moea"], "coordinator", username="moea"))
    assert client.get(reverse("opendata:edit", args=[dataset.pk])).status_code == 404
    assert client.post(reverse("opendata:move", args=[dataset.pk, "submit"])).status_code == 404


def test_an_update_date_is_typed_in_roc(client, published, staff):
    """Issue 33.12: the open-data date input was the browser's Gregorian picker."""
    import datetime as dt

    from django.urls import reverse

    client.force_login(staff)
    page = client.get(reverse("opendata:edit", args=[published.pk])).content.decode()
    assert 'placeholder="115/3/5"' in page and 'type="date"' not in page
    client.post(reverse("opendata:record_update", args=[published.pk]), {"on": "115/3/5"})
    published.refresh_from_db()
    assert published.last_updated == dt.date(2026, 3, 5)
