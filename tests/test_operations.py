"""Running the portal: health endpoints, request and task logs, housekeeping, lost tasks."""

import logging
import os
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from operations.housekeeping import ensure_scheduled, housekeeping
from operations.models import WorkerHeartbeat
from operations.worker import beat, recover_lost_tasks
from roadmap.pdf.report import cache_name
from roadmap.pdf.tasks import render_plan
from tests.personas import client_for
from tests.processes import ThrowAwayDatabase, manage, portal_env
from tests.tasks import run_queued_tasks
from tests.test_exchange import upload_changed_export
from tests.test_pages import text_of

YEAR = "2023-2024"
BODY = "meie"


# --- Health ----------------------------------------------------------------------------------


def test_liveness_answers_anyone_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/sante/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readiness_fails_without_a_worker_and_tells_anonymous_callers_nothing_more(client):
    response = client.get("/sante/pret/")
    assert response.status_code == 503
    assert response.json() == {"status": "error"}


def test_readiness_passes_with_a_live_worker_and_shows_details_to_staff(db, client):
    beat("worker-a", timezone.now())
    response = client.get("/sante/pret/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}

    admin = client_for("admin")
    assert admin.get("/sante/pret/").json() == {
        "status": "ok",
        "checks": {"Database": "ok", "Migrations": "ok", "Storage": "ok", "TaskWorker": "ok"},
    }
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(seconds=61))
    details = admin.get("/sante/pret/").json()
    assert details["status"] == "error"
    assert details["checks"]["TaskWorker"] == "Unavailable: no task worker seen in the last minute"


# --- Logs --------------------------------------------------------------------------------------


def test_each_request_is_one_log_line_with_its_id(reader_client, caplog):
    with caplog.at_level(logging.INFO, logger="ptn.requests"):
        response = reader_client.get(reverse("roadmap:home", args=[BODY, YEAR]))
    (line,) = [r for r in caplog.records if r.name == "ptn.requests"]
    assert (line.method, line.path, line.status) == ("GET", f"/plan/{BODY}/{YEAR}/", 200)
    assert line.user_id == User.objects.get(username="lecteur").pk
    assert line.duration_ms > 0
    assert line.request_id == response["X-Request-ID"] and len(line.request_id) == 32


def test_a_proxys_request_id_is_kept_and_a_forged_one_replaced(client):
    assert client.get("/sante/", HTTP_X_REQUEST_ID="abc-123-def")["X-Request-ID"] == "abc-123-def"
    forged = client.get("/sante/", HTTP_X_REQUEST_ID="x\n{fake log line}")["X-Request-ID"]
    assert forged != "x\n{fake log line}" and len(forged) == 32


def test_the_error_page_shows_the_request_id_that_the_log_has(reader_client, settings, caplog):
    settings.ROOT_URLCONF = "tests.failing_urls"
    reader_client.raise_request_exception = False
    with caplog.at_level(logging.INFO):
        response = reader_client.get("/panne/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert f"<code>{request_id}</code>" in response.content.decode()
    traceback = [r for r in caplog.records if r.name == "django.request"]
    assert traceback and traceback[0].request_id == request_id and traceback[0].exc_info


def test_a_task_logs_one_line_with_the_id_of_the_request_that_queued_it(
    reader_client, edition, caplog
):
    response = reader_client.get(reverse("roadmap:pdf", args=[BODY, YEAR]))  # queues the render
    with caplog.at_level(logging.INFO):
        run_queued_tasks(render_plan)
    (line,) = [r for r in caplog.records if r.name == "ptn.tasks"]
    assert line.request_id == response["X-Request-ID"]
    assert (line.task, line.status) == (render_plan.module_path, "SUCCESSFUL")
    assert line.duration_ms > 100 and line.task_id


# --- Housekeeping ------------------------------------------------------------------------------


def _file(name: str, age: timedelta) -> str:
    stored = default_storage.save(name, ContentFile(b"x"))
    moment = time.time() - age.total_seconds()
    os.utime(default_storage.path(stored), (moment, moment))
    return stored


def test_housekeeping_deletes_old_import_files_and_stale_draft_pdfs_then_runs_again_later(
    edition, coordinator_client
):
    preview = upload_changed_export(coordinator_client, edition, {("Initiatives", "C2"): "Neuf"})
    abandoned = _file("imports/abandonne.xlsx", timedelta(hours=25))
    recent = _file("imports/recent.xlsx", timedelta(hours=23))
    stale = _file(f"pdf-cache/{BODY}/{YEAR}/0000000000000000.pdf", timedelta(days=8))
    current = _file(cache_name(edition), timedelta(days=8))  # still the draft's render
    fresh = _file(f"pdf-cache/{BODY}/{YEAR}/1111111111111111.pdf", timedelta(days=6))

    ensure_scheduled()
    ensure_scheduled()  # a second worker starting: still one run queued
    (run,) = run_queued_tasks(housekeeping)
    assert run.status == TaskResultStatus.SUCCESSFUL
    assert run.return_value == {
        "import_files": 1,
        "pdf_cache": 1,
        "heartbeats": 0,
        "pending_mail": 0,
    }
    assert [default_storage.exists(n) for n in (abandoned, recent, stale, current, fresh)] == [
        False,
        True,
        False,
        True,
        True,
    ]
    (following,) = DBTaskResult.objects.filter(
        task_path=housekeeping.module_path, status=TaskResultStatus.READY
    )
    assert timedelta(minutes=59) < following.run_after - timezone.now() <= timedelta(hours=1)

    # The preview's own file is a day old now too: confirming says so instead of failing.
    default_storage.delete(coordinator_client.session["ptn_import"]["path"])
    done = coordinator_client.post(
        reverse("roadmap:import_confirm", args=[BODY, YEAR]),
        {"token": preview.context["token"]},
        follow=True,
    )
    assert "Cet aperçu n'est plus valide" in text_of(done)


def test_scheduled_housekeeping_is_visible_in_the_admin(db):
    ensure_scheduled()
    admin = client_for("admin")
    page = admin.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    assert page.status_code == 200 and "housekeeping" in page.content.decode()


# --- A worker that dies in the middle of a task -----------------------------------------------


def _claimed_by_a_worker_that_died(result_id: str, worker_id: str) -> None:
    result = DBTaskResult.objects.get(pk=result_id)
    result.claim(worker_id)
    DBTaskResult.objects.filter(pk=result_id).update(
        started_at=timezone.now() - timedelta(minutes=2)
    )


def test_a_render_left_by_a_dead_worker_runs_again_once_then_is_reported_failed(
    reader_client, edition
):
    reader_client.get(reverse("roadmap:pdf", args=[BODY, YEAR]))
    progress = reverse("roadmap:pdf_progress", args=[BODY, YEAR])
    result_id = reader_client.session[f"ptn-pdf-{edition.pk}"]
    beat("survivor", timezone.now())  # the worker that notices
    _claimed_by_a_worker_that_died(result_id, "killed-1")
    assert "Production du PDF en cours" in reader_client.get(progress).content.decode()

    assert recover_lost_tasks() == [result_id]
    assert DBTaskResult.objects.get(pk=result_id).status == TaskResultStatus.READY
    assert "en attente de démarrage" in reader_client.get(progress).content.decode()

    _claimed_by_a_worker_that_died(result_id, "killed-2")
    assert recover_lost_tasks() == [result_id]
    failed = DBTaskResult.objects.get(pk=result_id)
    assert failed.status == TaskResultStatus.FAILED
    assert failed.exception_class_path == "operations.worker.WorkerLost"
    assert "La production du PDF a échoué" in reader_client.get(progress).content.decode()


def test_a_long_task_of_a_live_worker_is_left_alone(reader_client, edition):
    reader_client.get(reverse("roadmap:pdf", args=[BODY, YEAR]))
    result_id = reader_client.session[f"ptn-pdf-{edition.pk}"]
    beat("busy", timezone.now())
    _claimed_by_a_worker_that_died(result_id, "busy")  # started 2 min ago, still beating
    assert recover_lost_tasks() == []
    assert DBTaskResult.objects.get(pk=result_id).status == TaskResultStatus.RUNNING


# --- An upgrade that moves a task's module ------------------------------------------------------

QUEUE_TASKS_OF_THE_PREVIOUS_RELEASE = """
from django_tasks_db.models import DBTaskResult
from roadmap.pdf.tasks import render_plan
from roadmap.workflow.notifications import send_step_notification
render = render_plan.enqueue(1)
mail = send_step_notification.enqueue(1, "di@example.org", 2)
# As the previous release named them, before roadmap/pdf/ and roadmap/workflow/ existed.
DBTaskResult.objects.filter(pk=render.id).update(task_path="roadmap.tasks.render_plan")
DBTaskResult.objects.filter(pk=mail.id).update(
    task_path="roadmap.notifications.send_step_notification"
)
print(render.id, mail.id)
"""

READ_THEM_BACK = """
from roadmap.pdf.tasks import render_plan
from roadmap.workflow.notifications import send_step_notification
print(render_plan.get_result("{render}").status, send_step_notification.get_result("{mail}").status)
"""


def test_tasks_queued_before_an_upgrade_that_moved_their_module_still_run(tmp_path):
    """The queue names a task by its import path: an archive render or an e-mail retried for
    hours, queued by the previous release, is found by the worker and the progress page after
    `migrate`, not lost to an ImportError."""
    database = ThrowAwayDatabase(tmp_path)
    try:
        env = portal_env(database, tmp_path)
        manage(env, "migrate", "--noinput")
        manage(env, "migrate", "--noinput", "roadmap", "0006_derived_figures_and_signed_sections")
        queued = manage(env, "shell", "-c", QUEUE_TASKS_OF_THE_PREVIOUS_RELEASE)
        render, mail = queued.splitlines()[-1].split()

        manage(env, "migrate", "--noinput")

        statuses = manage(env, "shell", "-c", READ_THEM_BACK.format(render=render, mail=mail))
        assert statuses.splitlines()[-1].split() == ["READY", "READY"]
    finally:
        database.drop()


@pytest.fixture(autouse=True)
def _alone(db, settings, tmp_path):
    """No worker and no file of another test: a storage of its own (no PDF already cached)."""
    WorkerHeartbeat.objects.all().delete()
    settings.MEDIA_ROOT = tmp_path
