"""Housekeeping: files nobody will ask for again are deleted, on a schedule.

- Import files: a previewed import keeps its file in storage (`imports/`) until it is confirmed;
  one never confirmed is deleted after IMPORT_FILE_MAX_AGE (a day). Its preview then says to
  upload the file again.
- Draft PDFs: `pdf-cache/<year>/<fingerprint>.pdf` holds the render of a draft's content; one
  older than PDF_CACHE_MAX_AGE (a week) is deleted unless it is still the current render of a
  draft (an archived PDF is never touched).
- Heartbeats of workers gone for a day.
- Account e-mails still pending after a day (security.mail): their task was lost.

Scheduling: django-tasks has no scheduler, so `housekeeping` is a task that first queues its next
run (`run_after` = now + HOUSEKEEPING_INTERVAL, an hour) and then does the work. Each worker makes
sure at start that one run is queued (`ensure_scheduled`), so the chain starts with the first
worker and survives a crash; a run that finds another one already queued does not queue a second.
Every run, past and next, is in the admin (« Task results ») with what it deleted.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from operations.models import WorkerHeartbeat
from security.mail import purge_lost_messages

logger = logging.getLogger("ptn.housekeeping")

IMPORTS_DIR = "imports"
PDF_CACHE_DIR = "pdf-cache"


def _files(folder: str) -> list[str]:
    """Every file below ``folder`` in the storage (local disk or object store)."""
    try:
        directories, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    found = [f"{folder}/{name}" for name in files]
    for directory in directories:
        found += _files(f"{folder}/{directory}")
    return found


def _older_than(name: str, seconds: float) -> bool:
    try:
        modified = default_storage.get_modified_time(name)
    except FileNotFoundError:
        return False
    return modified < timezone.now() - timedelta(seconds=seconds)


def purge_import_files() -> int:
    """Delete previewed import files never confirmed; returns how many."""
    deleted = 0
    for name in _files(IMPORTS_DIR):
        if _older_than(name, settings.IMPORT_FILE_MAX_AGE):
            default_storage.delete(name)
            deleted += 1
    return deleted


def purge_pdf_cache() -> int:
    """Delete draft renders older than a week that are not a draft's current render."""
    from roadmap.models import Edition
    from roadmap.pdf.report import cache_name

    current = {
        cache_name(edition)
        for edition in Edition.objects.select_related("body").exclude(
            status__in=[Edition.Status.APPROVED, Edition.Status.TRANSMITTED]
        )
    }
    deleted = 0
    for name in _files(PDF_CACHE_DIR):
        if name not in current and _older_than(name, settings.PDF_CACHE_MAX_AGE):
            default_storage.delete(name)
            deleted += 1
    return deleted


def purge_heartbeats() -> int:
    return WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - timedelta(days=1)).delete()[
        0
    ]


def _queued_runs():
    return DBTaskResult.objects.filter(
        task_path=housekeeping.module_path, status=TaskResultStatus.READY
    )


def ensure_scheduled() -> None:
    """Queue a run now unless one is queued or running (called by each worker at start)."""
    if not DBTaskResult.objects.filter(
        task_path=housekeeping.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).exists():
        housekeeping.enqueue()


@task
def housekeeping() -> dict[str, int]:
    """Queue the next run, then delete what is no longer needed; returns what was deleted."""
    if not _queued_runs().exists():
        housekeeping.using(
            run_after=timezone.now() + timedelta(seconds=settings.HOUSEKEEPING_INTERVAL)
        ).enqueue()
    done = {
        "import_files": purge_import_files(),
        "pdf_cache": purge_pdf_cache(),
        "heartbeats": purge_heartbeats(),
        "pending_mail": purge_lost_messages(),
    }
    logger.info("housekeeping done", extra=done)
    return done
