"""`manage.py db_worker`: django-tasks-db's worker, plus a heartbeat and the housekeeping and follow-up
reminder schedules.

Same options as the library's command (`--queue-name`, `--batch`, `--worker-id`…). Before the
worker loop starts it writes its heartbeat (so readiness sees it), starts the heartbeat thread
(which also takes back tasks left by a dead worker, see operations.worker) and makes sure the
housekeeping task is scheduled (see operations.housekeeping).
"""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from followup import tasks as followup_tasks
from operations.housekeeping import ensure_scheduled
from operations.worker import Heartbeat


class Command(db_worker.Command):
    help = "Run a database background worker (with a heartbeat and the housekeeping schedule)"

    def handle(self, *args, **options) -> None:
        if options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The autoreloader's parent only watches files; its child is the worker.
            return super().handle(*args, **options)
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.beat_once()
        ensure_scheduled()
        followup_tasks.ensure_scheduled()
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
