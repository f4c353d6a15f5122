"""The PDF's CJK font without root (issue 14.8): fetched once, checked, kept in var/fonts."""

from __future__ import annotations

import hashlib
import io
import tarfile

import pytest

from servq.core import fonts


def package(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture
def served(tmp_path):
    """The npm package's layout, served from a file: URL (the test makes no network call)."""
    data = package({member: f"font {member}".encode() for member in fonts.PACKAGE_MEMBERS})
    path = tmp_path / "fonts-tc.tgz"
    path.write_bytes(data)
    return path.as_uri(), hashlib.sha256(data).hexdigest()


def test_the_fonts_and_licence_are_kept_and_chosen_when_the_system_has_none(tmp_path, served, monkeypatch):
    url, digest = served
    target = fonts.fetch(tmp_path, url=url, sha256=digest)
    assert sorted(p.name for p in target.iterdir()) == [
        "LICENSE-NotoSansHant.txt",
        "NotoSansHant-Bold.otf",
        "NotoSansHant-Regular.otf",
    ]
    assert fonts.usable(target)
    monkeypatch.setattr(fonts, "has_system_font", lambda directory=fonts.SYSTEM_DIR: False)
    assert fonts.choose(tmp_path) == (target, fonts.FETCHED_FAMILY)


def test_a_package_with_another_checksum_is_refused_and_nothing_is_written(tmp_path, served):
    url, _ = served
    with pytest.raises(ValueError, match="checksum"):
        fonts.fetch(tmp_path, url=url, sha256="0" * 64)
    assert not (tmp_path / "fonts").exists()


def test_without_any_font_the_pdf_export_names_the_fix(tmp_path, settings):
    from servq.plans.exporting.document import PlanDocument
    from servq.plans.exporting.pdf import FontMissing, to_pdf

    settings.SERVQ_PDF_FONT_DIR = str(tmp_path)
    document = PlanDocument("計畫", "財政部", [], [], 0, [], [])
    with pytest.raises(FontMissing, match="make setup"):
        to_pdf(document)


@pytest.mark.django_db
def test_a_pdf_download_without_a_font_is_a_message_on_the_plan_page_not_an_error(
    client, agency_tree, settings, tmp_path
):
    from django.urls import reverse

    from tests.factories import PlanFactory

    settings.SERVQ_PDF_FONT_DIR = str(tmp_path)
    plan = PlanFactory(agency=agency_tree["mof"], status="published")
    page = reverse("plans:detail", args=[plan.pk])
    response = client.get(reverse("plans:export", args=[plan.pk, "pdf"]), HTTP_REFERER=page, follow=True)
    text = response.content.decode()
    assert response.status_code == 200 and "無法產生 PDF" in text and "fonts-noto-cjk" in text
