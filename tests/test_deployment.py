"""The portal as an IT team runs it: `make serve`, a second app server and a second worker on the
same database and object store, a worker killed mid-render, and a backup restored elsewhere.

Real processes (see tests/processes.py): an S3 endpoint (moto's server), server A started with
`make serve` (collectstatic, migrate, gunicorn and its task worker), server B started as
docs/deploy.md says (gunicorn and `db_worker`, after the release step A ran). PostgreSQL when the
tests run on it, else one SQLite file for every process. The tests of this module share that
deployment and run in order; the last one approves the demo edition.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import signal
import sqlite3
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from tests.processes import (
    Browser,
    Service,
    ThrowAwayDatabase,
    free_port,
    hashed_static_url,
    manage,
    port_open,
    portal_env,
    wait_until,
)

YEAR = "2023-2024"
BODY = "meie"
PASSWORD = "un-mot-de-passe-de-test-42"
BUCKET = "ptn-test"

# Users of the deployment: the demo accounts made regular ones (demo logins need DEBUG on).
SETUP_USERS = f"""
from accounts.models import User
for user in User.objects.filter(username__in=["lecteur", "admin"]):
    user.is_demo = False
    user.set_password("{PASSWORD}")
    user.save()
"""


@dataclass
class Deployment:
    database: ThrowAwayDatabase
    work: Path
    env: dict
    a: Service
    a_port: int
    b: Service
    b_worker: Service
    b_port: int
    s3: Service
    s3_url: str

    def query(self, sql: str, *params) -> list[tuple]:
        if self.database.postgres:
            import psycopg

            with psycopg.connect(self.database.url) as connection:
                return connection.execute(sql.replace("?", "%s"), params).fetchall()
        with sqlite3.connect(self.database.path, timeout=20) as connection:
            return connection.execute(sql, params).fetchall()

    def bucket_keys(self) -> list[str]:
        client = boto3.client(
            "s3",
            endpoint_url=self.s3_url,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
        )
        listed = client.list_objects_v2(Bucket=BUCKET)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def ready(self, port: int) -> bool:
        try:
            return Browser(port).get("/sante/pret/")[0] == 200
        except OSError:
            return False


def _start_s3(work: Path) -> tuple[Service, str]:
    port = free_port()
    service = Service(
        "s3",
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env={"PATH": "/usr/bin:/bin", "HOME": str(work)},
        log_dir=work,
    )
    wait_until(lambda: port_open(port), timeout=30, what="the S3 server")
    url = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3",
        endpoint_url=url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    ).create_bucket(Bucket=BUCKET)
    return service, url


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Deployment:
    work = tmp_path_factory.mktemp("deployment")
    database = ThrowAwayDatabase(work)
    services: list[Service] = []
    try:
        s3, s3_url = _start_s3(work)
        services.append(s3)
        env = portal_env(
            database,
            work,
            S3_BUCKET=BUCKET,
            S3_ENDPOINT_URL=s3_url,
            S3_REGION="us-east-1",
            S3_ACCESS_KEY_ID="test",
            S3_SECRET_ACCESS_KEY="test",
            WEB_CONCURRENCY="1",
            # Quick to notice a dead worker, for the test's sake (production: 10 s and 60 s).
            WORKER_HEARTBEAT_INTERVAL="1",
            WORKER_LOST_AFTER="8",
        )
        a_port, b_port = free_port(), free_port()
        a = Service(
            "a",
            ["make", "--no-print-directory", "serve"],
            env={**env, "PORT": str(a_port)},
            log_dir=work,
        )
        services.append(a)
        wait_until(lambda: port_open(a_port) or not a.alive(), timeout=240, what="make serve (A)")
        assert a.alive(), a.log_text()[-3000:]
        manage(env, "load_demo", "--verbosity", "0")
        manage(env, "shell", "-c", SETUP_USERS)
        b = Service(
            "b",
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
            env={**env, "PORT": str(b_port)},
            log_dir=work,
        )
        services.append(b)
        b_worker = Service(
            "b-worker",
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--worker-id", "worker-b"],
            env=env,
            log_dir=work,
        )
        services.append(b_worker)
        deployment = Deployment(database, work, env, a, a_port, b, b_worker, b_port, s3, s3_url)
        wait_until(lambda: deployment.ready(b_port), timeout=60, what="server B to be ready")
        yield deployment
    finally:
        for service in reversed(services):
            service.stop()
        database.drop()


def test_make_serve_runs_the_portal_like_production(deployment):
    d = deployment
    browser = Browser(d.a_port)
    wait_until(lambda: d.ready(d.a_port), timeout=30, what="server A to be ready")
    status, headers, body = browser.get("/sante/")
    assert status == 200 and json.loads(body) == {"status": "ok"}
    assert json.loads(browser.get("/sante/pret/")[2]) == {"status": "ok"}

    status, _, page = browser.get("/connexion/")
    assert status == 200

    # Static files by WhiteNoise: hashed names, cached for a year, compressed.
    stylesheet = hashed_static_url(page, "css/ptn.")
    assert stylesheet != "/static/css/ptn.css"
    status, headers, css = browser.get(stylesheet, **{"Accept-Encoding": "br, gzip"})
    assert status == 200 and headers["content-encoding"] in {"br", "gzip"}
    assert (
        "max-age=315360000" in headers["cache-control"] and "immutable" in headers["cache-control"]
    )

    # One JSON line per request, with the id the response carried.
    request_id = browser.get("/sante/pret/", **{"X-Request-ID": "probe-0123456789"})[1][
        "x-request-id"
    ]
    assert request_id == "probe-0123456789"
    browser.login("lecteur", PASSWORD)
    status, headers, _ = browser.get(f"/plan/{BODY}/{YEAR}/")
    assert status == 200
    lines = wait_until(
        lambda: [
            line for line in d.a.json_lines() if line.get("request_id") == headers["x-request-id"]
        ],
        timeout=10,
        what="the request's log line",
    )
    (line,) = lines
    assert (line["logger"], line["method"], line["path"], line["status"]) == (
        "ptn.requests",
        "GET",
        f"/plan/{BODY}/{YEAR}/",
        200,
    )
    assert line["user_id"] and line["duration_ms"] > 0 and line["level"] == "INFO"

    # The worker imported the portal's code before its first request (not during it).
    log = d.a.json_lines()
    (ready,) = [
        i for i, line in enumerate(log) if line["message"] == "Worker ready: views imported"
    ]
    first_request = next(i for i, line in enumerate(log) if line.get("logger") == "ptn.requests")
    assert ready < first_request and log[ready]["duration_ms"] > 0
    # Every line, gunicorn's and the portal's, says when in UTC (not in the server's zone).
    for line in log:
        assert datetime.datetime.fromisoformat(line["time"]).utcoffset() == datetime.timedelta(0)


def _render_and_wait(d: Deployment, requester: Browser, follower: Browser) -> None:
    status, headers, _ = requester.get(f"/plan/{BODY}/{YEAR}/pdf/")
    assert status == 302 and headers["location"].endswith("/pdf/production/")
    wait_until(
        lambda: (
            "Le PDF est prêt." in follower.get(f"/plan/{BODY}/{YEAR}/pdf/production/")[2].decode()
        ),
        timeout=120,
        what="the PDF to be ready",
        every=0.5,
    )


def test_two_app_servers_and_two_workers_share_sessions_tasks_and_files(deployment):
    d = deployment
    on_a = Browser(d.a_port)
    on_a.login("lecteur", PASSWORD)
    on_b = Browser(d.b_port)
    on_b.cookies = dict(on_a.cookies)  # the same person, sent to the other server
    status, _, page = on_b.get(f"/plan/{BODY}/{YEAR}/")
    assert status == 200 and "lecteur" in page.decode().lower()

    _render_and_wait(d, on_a, on_b)  # asked on A, followed on B, rendered by either worker
    status_a, _, pdf_a = on_a.get(f"/plan/{BODY}/{YEAR}/pdf/")
    status_b, _, pdf_b = on_b.get(f"/plan/{BODY}/{YEAR}/pdf/")
    assert status_a == status_b == 200 and pdf_a.startswith(b"%PDF-") and pdf_a == pdf_b
    assert any(key.startswith(f"pdf-cache/{BODY}/{YEAR}/") for key in d.bucket_keys())

    # Each task ran exactly once: one worker claimed it, one closing log line in all logs.
    runs = d.query("SELECT id, worker_ids, status FROM django_tasks_database_dbtaskresult")
    finished = [r for r in runs if r[2] == "SUCCESSFUL"]
    assert finished
    for _id, worker_ids, _status in finished:
        claimed = json.loads(worker_ids) if isinstance(worker_ids, str) else worker_ids
        assert len(claimed) == 1

    def closing() -> list[uuid.UUID]:
        return [
            uuid.UUID(line["task_id"])
            for service in (d.a, d.b_worker)
            for line in service.json_lines()
            if line.get("logger") == "ptn.tasks"
        ]

    # The workers go on (scheduled housekeeping and reminders may run meanwhile): wait for the
    # closing lines of the tasks seen finished, then check that no task closed twice.
    finished_ids = {uuid.UUID(str(r[0])) for r in finished}
    wait_until(lambda: finished_ids <= set(closing()), timeout=30, what="the tasks' log lines")
    closed = closing()
    assert len(closed) == len(set(closed))


def test_a_rate_limit_counts_the_attempts_made_on_every_app_server(deployment):
    # Three password resets a minute per address (ACCOUNT_RATE_LIMITS): asked twice on A and
    # once on B, the fourth, on B, is refused. Kept per process, B would have counted only one.
    d = deployment
    statuses = []
    for port in (d.a_port, d.a_port, d.b_port, d.b_port):
        browser = Browser(port)
        browser.get("/compte/password/reset/")
        status, _, body = browser.post(
            "/compte/password/reset/", {"email": "quelquun@organisme.example"}
        )
        statuses.append(status)
    assert statuses == [302, 302, 302, 429]
    assert "Trop de demandes" in body.decode()


def test_a_worker_killed_mid_render_leaves_a_task_another_worker_completes(deployment):
    d = deployment
    browser = Browser(d.b_port)
    browser.login("lecteur", PASSWORD)
    # Change the plan so that its PDF must be rendered again.
    manage(
        d.env,
        "shell",
        "-c",
        "from initiatives.models import Initiative\n"
        "i = Initiative.objects.get(code='1.1.2')\n"
        "i.title = 'Titre changé pour le rendu interrompu'\n"
        "i.save()",
    )
    status, _, _ = browser.get(f"/plan/{BODY}/{YEAR}/pdf/")
    assert status == 302
    (task_id, worker_id) = wait_until(
        lambda: d.query(
            "SELECT id, worker_ids FROM django_tasks_database_dbtaskresult "
            "WHERE status = 'RUNNING' AND task_path = 'roadmap.pdf.tasks.render_plan'"
        ),
        timeout=60,
        what="a worker to start the render",
        every=0.05,
    )[0]
    claimed = json.loads(worker_id) if isinstance(worker_id, str) else worker_id
    ((pid,),) = d.query(
        "SELECT pid FROM operations_workerheartbeat WHERE worker_id = ?", claimed[-1]
    )
    os.kill(pid, signal.SIGKILL)  # no goodbye: the heartbeat stops, the task stays RUNNING

    wait_until(
        lambda: (
            "Le PDF est prêt." in browser.get(f"/plan/{BODY}/{YEAR}/pdf/production/")[2].decode()
        ),
        timeout=120,
        what="another worker to finish the render",
        every=0.5,
    )
    ((status, workers),) = d.query(
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE id = ?", task_id
    )
    workers = json.loads(workers) if isinstance(workers, str) else workers
    assert status == "SUCCESSFUL" and len(workers) == 2 and workers[0] == claimed[-1]
    status, _, pdf = browser.get(f"/plan/{BODY}/{YEAR}/pdf/")
    assert status == 200 and pdf.startswith(b"%PDF-")
    # The render of the earlier content is gone from the bucket (an object store has no folder
    # to ask about: the old files are found by listing).
    assert len([k for k in d.bucket_keys() if k.startswith(f"pdf-cache/{BODY}/{YEAR}/")]) == 1


APPROVE = """
from accounts.models import User
from roadmap.models import Edition
from roadmap.workflow.steps import edition_transition
edition = Edition.objects.get(fiscal_year="2023-2024")
Edition.objects.filter(pk=edition.pk).update(status="recommended")
edition_transition(edition=edition, user=User.objects.get(username="sm"), step="approuver")
"""

COUNTS = """
import json
from operations.backup import row_counts
from roadmap.models import Edition
edition = Edition.objects.get(fiscal_year="2023-2024")
print(json.dumps({"counts": row_counts(), "file": edition.archived_pdf.name,
                  "sha256": edition.archived_pdf_sha256}))
"""


def test_a_backup_restored_into_a_new_database_has_every_row_and_the_archived_pdf(
    deployment, tmp_path
):
    d = deployment
    manage(d.env, "shell", "-c", APPROVE)  # the workers archive the approved PDF
    archived = wait_until(
        lambda: [k for k in d.bucket_keys() if k.startswith("plans/")],
        timeout=120,
        what="the archive render",
        every=0.5,
    )
    original = json.loads(manage(d.env, "shell", "-c", COUNTS).splitlines()[-1])
    assert original["file"] in archived

    manage(d.env, "backup", "--output", str(tmp_path / "backup"))
    target = ThrowAwayDatabase(tmp_path)
    try:
        restored_env = portal_env(target, tmp_path / "restored")  # local disk, not S3
        manage(restored_env, "restore", str(tmp_path / "backup"))
        manage(restored_env, "migrate", "--check")
        restored = json.loads(manage(restored_env, "shell", "-c", COUNTS).splitlines()[-1])
        assert restored["counts"] == original["counts"]
        assert restored["counts"]["roadmap.Edition"] >= 1
        pdf = (tmp_path / "restored" / "media" / restored["file"]).read_bytes()
        assert hashlib.sha256(pdf).hexdigest() == original["sha256"] == restored["sha256"]
    finally:
        target.drop()
