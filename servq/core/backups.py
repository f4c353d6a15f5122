"""Backups: the database and every uploaded file, in one directory, and their restore.

A backup directory holds ``database.dump`` (PostgreSQL's custom format, from pg_dump) or
``database.sqlite3`` (SQLite's online backup), one ``files-<storage>.tar`` per file storage
(evidence, citizens' attachments, open-data files, media) and ``manifest.json`` saying what is in
it. A restore goes into an empty database only, and refuses a backup whose manifest is missing or
names a file that is not there, so a half-copied backup is found out at restore, not after it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

FILE_STORAGES = ("evidence", "attachments", "opendata", "default")
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def storage_location(name: str) -> Path:
    storage: dict[str, Any] = settings.STORAGES[name]  # type: ignore[assignment]
    location = storage.get("OPTIONS", {}).get("location") or settings.MEDIA_ROOT
    return Path(location)


def back_up(destination: Path) -> dict[str, Any]:
    destination.mkdir(parents=True, exist_ok=True)
    if any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty: a backup goes into a directory of its own")
    database = _dump_database(destination)
    files = {
        name: _archive(storage_location(name), destination / f"files-{name}.tar") for name in FILE_STORAGES
    }
    manifest = {
        "made_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": database,
        "vendor": connection.vendor,
        "files": files,
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def restore(source: Path) -> dict[str, Any]:
    manifest = _read_manifest(source)
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"the backup is of a {manifest['vendor']} database; this is {connection.vendor}")
    if connection.introspection.table_names():
        raise BackupError("the database is not empty: restore into a new, empty database")
    _load_database(source / manifest["database"])
    for name, entry in manifest["files"].items():
        _unpack(source / entry["archive"], storage_location(name))
    return manifest


def _read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{source / MANIFEST}: no readable manifest ({error})") from None
    wanted = [manifest["database"], *(entry["archive"] for entry in manifest["files"].values())]
    missing = [name for name in wanted if not (source / name).is_file()]
    if missing:
        raise BackupError(f"{source}: the manifest names files that are not there: {', '.join(missing)}")
    return manifest


def _dump_database(destination: Path) -> str:
    if connection.vendor == "sqlite":
        target = destination / "database.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        return target.name
    if connection.vendor != "postgresql":
        raise BackupError(f"backups of {connection.vendor} are not supported")
    target = destination / "database.dump"
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)])
    return target.name


def _load_database(dump: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(dump) as copy:
            copy.backup(connection.connection)
        return
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", str(dump)]
    )


def _run(command: list[str]) -> None:
    """pg_dump / pg_restore on the configured database, its password passed in the environment."""
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    target = ["--host", str(db.get("HOST") or "localhost"), "--port", str(db.get("PORT") or 5432)]
    target += ["--username", str(db.get("USER") or ""), "--dbname", str(db["NAME"])]
    executable = shutil.which(command[0])
    if executable is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)")
    done = subprocess.run([executable, *command[1:], *target], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _archive(location: Path, target: Path) -> dict[str, Any]:
    count = 0
    with tarfile.open(target, "w") as archive:
        if location.is_dir():
            for path in sorted(location.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(location)))
                    count += 1
    return {"archive": target.name, "files": count}


def _unpack(archive_path: Path, location: Path) -> None:
    location.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path) as archive:
        archive.extractall(location, filter="data")  # no absolute paths, links out or devices
