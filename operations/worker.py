"""The task worker's heartbeat, and what happens to a task whose worker died.

django-tasks-db has no notion of a live worker: a task is READY, RUNNING, SUCCESSFUL or FAILED,
and one left RUNNING by a worker that was killed (out of memory, machine lost, `kill -9`) stays
RUNNING forever — the person waiting for that PDF would watch « en cours » forever.

So each worker (our `db_worker`, which wraps the library's) writes a heartbeat row at start and
then every WORKER_HEARTBEAT_INTERVAL seconds from a thread (a render runs in a child process, so
the beat goes on during it). On each beat, the worker also looks for RUNNING tasks whose worker
has not been seen for WORKER_LOST_AFTER seconds: such a task is put back in the queue, once, for
any worker to run again (renders are idempotent: a cache file is named by its content, an archive
is written once); a task that was already run again and lost again is marked FAILED, so the page
that follows it says so. The readiness check asks for a heartbeat in the last minute.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from operations.models import WorkerHeartbeat

logger = logging.getLogger("ptn.worker")

# A task is run at most this many times when its workers keep dying under it.
MAX_RUNS = 2


class WorkerLost(Exception):
    """The worker running the task stopped beating (killed, or its machine was lost)."""


def beat(worker_id: str, started_at) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": timezone.now(),
        },
    )


def alive_workers() -> set[str]:
    since = timezone.now() - timedelta(seconds=settings.WORKER_LOST_AFTER)
    return set(
        WorkerHeartbeat.objects.filter(seen_at__gte=since).values_list("worker_id", flat=True)
    )


def recover_lost_tasks() -> list[str]:
    """Requeue (or fail) the RUNNING tasks whose worker is gone; returns their ids."""
    lost_before = timezone.now() - timedelta(seconds=settings.WORKER_LOST_AFTER)
    alive = alive_workers()
    recovered = []
    for result in DBTaskResult.objects.running().filter(started_at__lt=lost_before):
        if result.worker_ids and result.worker_ids[-1] in alive:
            continue
        # Compare-and-set on (status, started_at): of two workers recovering at once, one wins.
        claimed = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        )
        if len(result.worker_ids) < MAX_RUNS:
            if claimed.update(status=TaskResultStatus.READY, started_at=None):
                logger.warning(
                    "task %s requeued: its worker %s was lost",
                    result.task_name,
                    result.worker_ids[-1:] or "?",
                    extra={"task_id": str(result.pk)},
                )
                recovered.append(str(result.pk))
        elif claimed.update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=f"WorkerLost: the task's workers were lost {len(result.worker_ids)} times",
        ):
            logger.error(
                "task %s failed: its workers were lost",
                result.task_name,
                extra={"task_id": str(result.pk)},
            )
            recovered.append(str(result.pk))
    return recovered


class Heartbeat(threading.Thread):
    """Beats (and recovers lost tasks) until stopped, on its own database connection."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="heartbeat", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def beat_once(self) -> None:
        try:
            beat(self.worker_id, self.started_at)
            recover_lost_tasks()
        except DatabaseError:
            logger.exception("worker heartbeat failed")

    def run(self) -> None:
        try:
            while not self.stopping.wait(settings.WORKER_HEARTBEAT_INTERVAL):
                self.beat_once()
                connections.close_all()  # this thread's own; no idle connection between beats
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopping.set()
        with contextlib.suppress(DatabaseError):  # stopping anyway; the row ages out
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
