"""One log line per request and per background task, each carrying the request id.

- ``RequestLogMiddleware`` gives every request an id (the proxy's ``X-Request-ID`` when it sends a
  sane one, else a new one), returns it in the ``X-Request-ID`` header, shows it on the error page
  and writes one line when the response is ready: method, path, status, duration, user id.
- A task enqueued while a request is handled records that request's id (in its database row);
  the worker sets it again while the task runs, so the task's own log lines and its closing line
  (task, status, duration) carry the id of the request that asked for it.
- ``ContextFilter`` adds ``request_id`` (and ``task_id`` in a worker) to every record, whichever
  logger wrote it; the formatter (JSON or text) is chosen in the settings from ``LOG_FORMAT``.
"""

from __future__ import annotations

import contextvars
import logging
import re
import sys
import time
import uuid

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

logger = logging.getLogger("ptn.requests")
task_logger = logging.getLogger("ptn.tasks")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
task_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("task_id", default="")

# What a proxy may send as the request id: short, and nothing that could forge a log line.
INCOMING_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Probes hit these every few seconds: their successful answers are logged at DEBUG only.
QUIET_PATHS = ("/sante/",)


def current_request_id() -> str:
    return request_id_var.get()


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        task_id = task_id_var.get()
        if task_id and not hasattr(record, "task_id"):
            record.task_id = task_id
        return True


def _user_id(request: HttpRequest) -> int | None:
    """The user's id if the view already looked the user up (no extra query for the log)."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestLogMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if INCOMING_ID_RE.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            duration_ms = round((time.perf_counter() - start) * 1000, 1)
            status = response.status_code
            if status >= 500:
                level = logging.ERROR
            elif status < 400 and request.path.startswith(QUIET_PATHS):
                level = logging.DEBUG
            else:
                level = logging.INFO
            logger.log(
                level,
                "%s %s %s %.1f ms",
                request.method,
                request.path,
                status,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": duration_ms,
                    "user_id": _user_id(request),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


# --- Background tasks ----------------------------------------------------------------------

_started: dict[str, float] = {}


def _remember_request_id(sender, instance, **kwargs) -> None:
    """A task queued during a request keeps that request's id with its arguments (the database
    queue has no other place for it; the worker reads only ``args`` and ``kwargs`` back)."""
    request_id = request_id_var.get()
    if instance._state.adding and request_id != "-" and isinstance(instance.args_kwargs, dict):
        instance.args_kwargs = {**instance.args_kwargs, "request_id": request_id}


def _task_started(sender, task_result, **kwargs) -> None:
    db_result = getattr(task_result, "db_result", None)
    args_kwargs = getattr(db_result, "args_kwargs", None) or {}
    request_id_var.set(args_kwargs.get("request_id", "-"))
    task_id_var.set(str(task_result.id))
    _started[str(task_result.id)] = time.perf_counter()


def _task_finished(sender, task_result, **kwargs) -> None:
    started = _started.pop(str(task_result.id), None)
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    status = str(task_result.status)
    failed = task_result.status == "FAILED"
    task_logger.log(
        logging.ERROR if failed else logging.INFO,
        "task %s %s",
        task_result.task.name,
        status,
        extra={
            "task": task_result.task.module_path,
            "task_id": str(task_result.id),
            "status": status,
            "duration_ms": duration_ms,
            "error": task_result.errors[-1].exception_class_path if task_result.errors else "",
        },
        # Sent from the worker's exception handler when the task raised: keep the traceback.
        exc_info=failed and sys.exc_info()[0] is not None,
    )
    request_id_var.set("-")
    task_id_var.set("")


def connect_task_signals() -> None:
    from django.db.models.signals import pre_save
    from django.tasks.signals import task_finished, task_started
    from django_tasks_db.models import DBTaskResult

    pre_save.connect(_remember_request_id, sender=DBTaskResult, dispatch_uid="ptn-request-id")
    task_started.connect(_task_started, dispatch_uid="ptn-task-started")
    task_finished.connect(_task_finished, dispatch_uid="ptn-task-finished")
