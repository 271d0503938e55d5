"""Backups of the portal: the database and the files that cannot be made again.

`manage.py backup --output DIR` writes into DIR:

- `database.dump` (PostgreSQL, `pg_dump -Fc`: a consistent snapshot, restored with
  `pg_restore`) or `database.sqlite3` (SQLite's online backup API: consistent while the portal
  runs);
- `media/`: the stored files that cannot be rendered again — the approved editions' archived
  PDFs above all — copied from the storage (local disk or object store). Draft PDFs
  (`pdf-cache/`) and import previews (`imports/`) are left out: the first are rendered again,
  the second expire in a day;
- `manifest.json`: when, which database engine, each file's SHA-256, each archived PDF with the
  SHA-256 recorded at approval (a mismatch fails the backup: the archive was altered), and the
  row count of every table.

`manage.py restore DIR` loads such a backup into an empty database and storage, then checks the
archived PDFs against their recorded SHA-256 and the row counts against the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

SKIPPED_FOLDERS = {"pdf-cache", "imports", "health_check_storage_test"}
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def row_counts() -> dict[str, int]:
    tables = connection.introspection.table_names()
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.db_table in tables and not model._meta.proxy
    }


def _stored_files(folder: str = "") -> list[str]:
    try:
        directories, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    prefix = f"{folder}/" if folder else ""
    found = [prefix + name for name in files]
    for directory in directories:
        if not folder and directory in SKIPPED_FOLDERS:
            continue
        found += _stored_files(prefix + directory)
    return found


def _postgres_env() -> tuple[dict, list[str]]:
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    args = ["--dbname", str(db["NAME"])]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [option, str(db[key])]
    return env, args


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


@dataclass
class Summary:
    files: int
    archives: int
    rows: int


def backup(output: Path) -> Summary:
    from roadmap.models import Edition

    output.mkdir(parents=True, exist_ok=True)
    if (output / MANIFEST).exists() or any(output.iterdir()):
        raise BackupError(f"{output} is not empty: a backup goes into a new folder.")
    vendor = connection.vendor
    if vendor == "postgresql":
        env, args = _postgres_env()
        dump = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
        _run([*dump, "--file", str(output / "database.dump"), *args], env)
    elif vendor == "sqlite":
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        target = sqlite3.connect(output / "database.sqlite3")
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        raise BackupError(f"No backup for the {vendor} database engine.")

    files = {}
    for name in _stored_files():
        with default_storage.open(name, "rb") as stored:
            data = stored.read()
        path = output / "media" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files[name] = sha256(data)

    archives, altered = [], []
    editions = Edition.objects.exclude(archived_pdf="").select_related("body")
    for edition in editions.order_by("body__acronym", "fiscal_year"):
        found = files.get(edition.archived_pdf.name)
        archives.append(
            {
                "body": edition.body.acronym,
                "edition": edition.fiscal_year,
                "file": edition.archived_pdf.name,
                "sha256": edition.archived_pdf_sha256,
            }
        )
        if found != edition.archived_pdf_sha256:
            altered.append(f"{edition.body.acronym} {edition.fiscal_year}")
    counts = row_counts()
    manifest = {
        "created_at": timezone.now().isoformat(),
        "database": vendor,
        "files": files,
        "archives": archives,
        "row_counts": counts,
    }
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    if altered:
        raise BackupError(
            "Archived PDF missing or not matching its recorded SHA-256: " + ", ".join(altered)
        )
    return Summary(len(files), len(archives), sum(counts.values()))


def restore(source: Path) -> Summary:
    from roadmap.models import Edition

    manifest = json.loads((source / MANIFEST).read_text())
    if "django_migrations" in connection.introspection.table_names():
        raise BackupError("The database is not empty: restore into a new, empty database.")
    vendor = connection.vendor
    if manifest["database"] != vendor:
        raise BackupError(f"This backup is of a {manifest['database']} database, not {vendor}.")
    if vendor == "postgresql":
        connection.close()
        env, args = _postgres_env()
        restore_command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
        _run([*restore_command, *args, str(source / "database.dump")], env)
    else:
        connection.close()
        backup_file = sqlite3.connect(source / "database.sqlite3")
        target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        try:
            backup_file.backup(target)
        finally:
            target.close()
            backup_file.close()

    for name, digest in manifest["files"].items():
        data = (source / "media" / name).read_bytes()
        if sha256(data) != digest:
            raise BackupError(f"{name} in the backup does not match its SHA-256.")
        if default_storage.exists(name):
            raise BackupError(f"{name} is already in the storage: restore into an empty one.")
        default_storage.save(name, ContentFile(data))

    for edition in Edition.objects.exclude(archived_pdf="").select_related("body"):
        with edition.archived_pdf.open("rb") as stored:
            if sha256(stored.read()) != edition.archived_pdf_sha256:
                raise BackupError(
                    f"The archived PDF of {edition.body.acronym} {edition.fiscal_year} does not "
                    "match."
                )
    counts = row_counts()
    different = {
        label: (count, counts.get(label))
        for label, count in manifest["row_counts"].items()
        if counts.get(label) != count
    }
    if different:
        raise BackupError(f"Row counts differ from the backup's: {different}")
    return Summary(len(manifest["files"]), len(manifest["archives"]), sum(counts.values()))
