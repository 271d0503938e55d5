"""Running queued background tasks inside a test, with the worker's own code."""

from django.tasks import Task
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_queued_tasks(*only: Task, worker_id: str = "tests") -> list[DBTaskResult]:
    """What `manage.py db_worker` does for each ready task (``only`` these tasks, if given), in
    the worker's order: claim it and run it. (Not the command's polling loop: between tasks it
    closes database connections, which would close the test's transaction on PostgreSQL.)"""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ready = DBTaskResult.objects.ready()
    if only:
        ready = ready.filter(task_path__in=[t.module_path for t in only])
    ran = []
    for result in ready:
        result.claim(worker_id)
        worker.run_task(result)
        result.refresh_from_db()
        ran.append(result)
    return ran
