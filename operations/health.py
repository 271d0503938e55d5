"""`/sante/` (liveness) and `/sante/pret/` (readiness), as JSON, without login.

Liveness answers as soon as the process can answer: it touches neither the database nor the
storage, so a database outage does not get the app servers restarted for nothing.

Readiness runs django-health-check's checks — the database answers, every migration is applied,
the storage takes a write, and a task worker was seen in the last minute — and answers 200 or
503. An anonymous caller (a load balancer, a probe) gets only ``{"status": "ok" | "error"}``;
a logged-in staff member also gets each check's result, the failure's reason included.
"""

from __future__ import annotations

import asyncio
import dataclasses

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from operations.worker import alive_workers


@dataclasses.dataclass
class Migrations(HealthCheck):
    """Every migration of the code is applied (a release step that did not run shows here)."""

    alias: str = DEFAULT_DB_ALIAS

    async def run(self) -> None:
        # On the request's own thread and connection (thread_sensitive): no connection is
        # left open in a pool thread.
        pending = await sync_to_async(self._pending)()
        if pending:
            raise ServiceUnavailable(f"{pending} migration(s) not applied")

    def _pending(self) -> int:
        executor = MigrationExecutor(connections[self.alias])
        return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


@dataclasses.dataclass
class TaskWorker(HealthCheck):
    """A task worker (`manage.py db_worker`) wrote its heartbeat in the last minute."""

    async def run(self) -> None:
        if not await sync_to_async(alive_workers)():
            raise ServiceUnavailable("no task worker seen in the last minute")


class ReadinessView(HealthCheckView):
    checks = (
        "health_check.checks.Database",
        Migrations,
        "health_check.checks.Storage",
        TaskWorker,
    )

    async def get(self, request: HttpRequest, *args, **kwargs):
        with self.get_executor() as executor:
            self.results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        healthy = not any(result.error for result in self.results)
        body: dict = {"status": "ok" if healthy else "error"}
        user = await request.auser()
        if user.is_active and user.is_staff:
            body["checks"] = {
                type(result.check).__name__: "ok" if not result.error else str(result.error)
                for result in self.results
            }
        return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@login_not_required
def liveness(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


readiness = login_not_required(ReadinessView.as_view())
