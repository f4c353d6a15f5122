"""The restore drill: back up a site with plans, a case and files, restore it into a fresh database
and fresh file directories, and the restored site serves the same plans, cases and files.

Backup and restore run as operators run them (`manage.py backup` / `restore`, separate processes,
pg_dump and pg_restore). Needs PostgreSQL with its client tools: the PostgreSQL pass runs it.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection

from tests.factories import PlanFactory, PlanItemFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)

READ_BACK = """
import hashlib, json
from pathlib import Path
from django.conf import settings
from django.test import Client
from servq.cases.models import Case
from servq.plans.models import Plan
plan = Plan.objects.get(title="備份演練計畫")
page = Client().get(f"/plans/{plan.pk}/")
files = sorted(
    (str(p.relative_to(settings.ATTACHMENTS_DIR)), hashlib.sha256(p.read_bytes()).hexdigest())
    for p in Path(settings.ATTACHMENTS_DIR).rglob("*") if p.is_file()
)
print(json.dumps({
    "plans": sorted(Plan.objects.values_list("title", flat=True)),
    "items": sorted(plan.items.values_list("text", flat=True)),
    "cases": sorted(Case.objects.values_list("number", flat=True)),
    "page": [page.status_code, "備份演練計畫" in page.content.decode()],
    "files": files,
}, ensure_ascii=False))
"""


@pytest.fixture
def server():
    if connection.vendor != "postgresql":
        pytest.skip("the drill restores a PostgreSQL dump; the PostgreSQL pass runs it")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.fail("pg_dump and pg_restore are needed (Debian: postgresql-client)")
    db = connection.settings_dict
    host, port, user = db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["USER"]
    return f"host={host} port={port} user={user} dbname=postgres", f"postgres://{user}@{host}:{port}"


@pytest.fixture
def fresh_database(server):
    admin_dsn, base = server
    name = f"servq_restore_{secrets.token_hex(4)}"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{base}/{name}"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database_url: str, files: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SERVQ_ENV": "development",
        "DATABASE_URL": database_url,
        "SERVQ_EVIDENCE_DIR": files["evidence"],
        "SERVQ_ATTACHMENTS_DIR": files["attachments"],
        "SERVQ_OPENDATA_DIR": files["opendata"],
        "MEDIA_ROOT": files["media"],
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def this_sites_files() -> dict[str, str]:
    return {
        "evidence": str(settings.EVIDENCE_DIR),
        "attachments": str(settings.ATTACHMENTS_DIR),
        "opendata": str(settings.OPENDATA_DIR),
        "media": str(settings.MEDIA_ROOT),
    }


def test_a_backup_restored_into_a_fresh_database_serves_the_same_site(
    agency_tree, fresh_database, server, tmp_path
):
    from servq.cases import services as cases
    from servq.cases.models import CaseCategory

    plan = PlanFactory(agency=agency_tree["mof"], status="published", title="備份演練計畫")
    PlanItemFactory(plan=plan, text="縮短櫃檯等候時間", unit="秘書處")
    cases.load_default_categories(by=None, body=agency_tree["root"])
    category = CaseCategory.objects.filter(body=agency_tree["root"]).first()
    cases.submit_case(channel="web", body=agency_tree["root"], category=category, description="路燈不亮")
    photo = b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(2000)
    saved_as = storages["attachments"].save("2026/12/photo.png", ContentFile(photo))

    source_url = fresh_database.rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    original = manage(source_url, this_sites_files(), "shell", "--no-imports", "-c", READ_BACK)
    assert original.returncode == 0, original.stderr[-3000:]

    backup_dir = tmp_path / "backup"
    made = manage(source_url, this_sites_files(), "backup", str(backup_dir))
    assert made.returncode == 0, made.stderr[-3000:]
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    # The test run's attachment directory is shared with earlier tests: at least the photo is in it.
    assert manifest["files"]["attachments"]["files"] >= 1

    elsewhere = {
        name: str(tmp_path / "restored" / name) for name in ("evidence", "attachments", "opendata", "media")
    }
    restored = manage(fresh_database, elsewhere, "restore", str(backup_dir))
    assert restored.returncode == 0, restored.stderr[-3000:]
    again = manage(fresh_database, elsewhere, "shell", "--no-imports", "-c", READ_BACK)
    assert again.returncode == 0, again.stderr[-3000:]

    before, after = json.loads(original.stdout.splitlines()[-1]), json.loads(again.stdout.splitlines()[-1])
    assert after == before
    assert after["page"] == [200, True] and len(after["cases"]) == 1
    stored = {name: digest for name, digest in after["files"]}
    assert stored[saved_as] == hashlib.sha256(photo).hexdigest()


def test_a_restore_into_a_database_that_is_not_empty_is_refused(agency_tree, server, tmp_path):
    source_url = server[1] + "/" + connection.settings_dict["NAME"]
    made = manage(source_url, this_sites_files(), "backup", str(tmp_path / "b"))
    assert made.returncode == 0, made.stderr[-3000:]
    refused = manage(source_url, this_sites_files(), "restore", str(tmp_path / "b"))
    assert refused.returncode != 0 and "not empty" in refused.stderr


def test_a_backup_missing_a_file_is_refused_before_anything_is_written(fresh_database, server, tmp_path):
    source_url = server[1] + "/" + connection.settings_dict["NAME"]
    assert manage(source_url, this_sites_files(), "backup", str(tmp_path / "b")).returncode == 0
    (tmp_path / "b" / "files-evidence.tar").unlink()
    refused = manage(fresh_database, this_sites_files(), "restore", str(tmp_path / "b"))
    assert refused.returncode != 0 and "files-evidence.tar" in refused.stderr
    with psycopg.connect(fresh_database.replace("postgres://", "postgresql://")) as fresh:
        tables = fresh.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    assert tables == (0,)
