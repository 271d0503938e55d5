"""Load test: `make serve` on PostgreSQL, the demo plus 200 generated initiatives, 30 people for
60 s (bench/locustfile.py: 70 % page reads, 25 % inline saves on different records, 5 %
downloads), with 1, 2 and 4 gunicorn workers. Prints the figures; asserts nothing.

The 30 people sign in all at once just before their minute of work: the sign-in (a deliberately
slow password check) is timed and printed on its own, and the minute measures the work itself.
The CPU time the portal's processes, PostgreSQL and Locust used during the minute is printed as a
share of the machine's cores (from /proc: Linux only), with the interpreter's speed on a plain
loop, so that runs on different machines, or at different moments of one, can be compared.

    .venv/bin/python bench/load.py            # needs PostgreSQL (DATABASE_URL's server, or
                                              # postgres://postgres@127.0.0.1:5432)

A throw-away database `ptn_load_<pid>` is created on that server and dropped at the end; the
scratch files go to a temporary folder. Only 127.0.0.1 is ever sent a request.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.processes import (  # noqa: E402  (the project root must be on the path first)
    Browser,
    Service,
    ThrowAwayDatabase,
    free_port,
    manage,
    portal_env,
    wait_until,
)

USERS, DURATION = 30, 60
WORKER_COUNTS = (1, 2, 4)
PASSWORD = "banc-de-charge-mot-de-passe-42"

SETUP = f"""
import json
from accounts import roles
from accounts.models import User
from accounts.services import role_grant
from roadmap.demo.generate import add_generated_initiatives
from roadmap.models import Edition
edition = Edition.objects.select_related("body").get(body__slug="meie", fiscal_year="2023-2024")
add_generated_initiatives(edition, 200)
# One initiative lead per simulated person, each leading an initiative of their own: leads edit
# their initiatives' fiches and, unlike the coordinator, sign in without a second factor.
people = []
for n, initiative in enumerate(edition.initiatives.order_by("pk")[:{USERS}], start=1):
    user = User.objects.create_user(username=f"charge-{{n:02}}", password="{PASSWORD}")
    role_grant(user=user, role=roles.LEAD, body=edition.body)
    initiative.lead = user
    initiative.save()
    people.append({{"username": user.username, "pk": initiative.pk, "code": initiative.code,
                   "title": initiative.title}})
print(json.dumps({{"password": "{PASSWORD}", "people": people}}))
"""


def _p95(rows: list[dict], name: str) -> float | None:
    for row in rows:
        if row["Name"] == name:
            return float(row["95%"])
    return None


def run(workers: int, env: dict, setup: str, work: Path) -> dict:
    port = free_port()
    server = Service(
        f"serve-{workers}",
        ["make", "--no-print-directory", "serve"],
        env={
            **env,
            "PORT": str(port),
            "WEB_CONCURRENCY": str(workers),
            "LOG_LEVEL": "WARNING",
            # Plain HTTP to 127.0.0.1: browsers send Secure cookies there, Python's cookie jar
            # (requests, Locust) does not.
            "SECURE_COOKIES": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
        },
        log_dir=work,
    )
    locust = None
    try:
        wait_until(
            lambda: _ready(port) or not server.alive(), timeout=300, what="make serve", every=1
        )
        assert server.alive(), server.log_text()[-2000:]
        signed_in, sign_in_times = sign_in_everyone(port, json.loads(setup))
        prefix = work / f"stats-{workers}"
        cpu_before, started = cpu_seconds(server.process.pid), time.monotonic()
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        locust = Service(
            f"locust-{workers}",
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(USERS),
                "--spawn-rate",
                str(USERS),
                "--run-time",
                f"{DURATION}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={**env, "PTN_LOAD_SETUP": json.dumps(signed_in)},
            log_dir=work,
        )
        locust.process.wait(DURATION + 60)
        cpu = cpu_seconds(server.process.pid, before=cpu_before)
        # Locust has ended: its time is in this process's rusage of children it waited for.
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu["Locust"] = (
            children.ru_utime
            + children.ru_stime
            - children_before.ru_utime
            - children_before.ru_stime
        )
        capacity = (time.monotonic() - started) * (os.cpu_count() or 1) / 100
        with open(f"{prefix}_stats.csv", newline="") as stats:
            rows = list(csv.DictReader(stats))
        total = next(r for r in rows if r["Name"] == "Aggregated")
        return {
            "workers": workers,
            "requests": int(total["Request Count"]),
            "errors": int(total["Failure Count"]),
            "rps": float(total["Requests/s"]),
            "page": _p95(rows, "page"),
            "save": _p95(rows, "save"),
            "form": _p95(rows, "form"),
            "download": _p95(rows, "download"),
            "sign_in_median": statistics.median(sign_in_times),
            "sign_in_slowest": max(sign_in_times),
            "cpu": {name: seconds / capacity for name, seconds in cpu.items()},
        }
    finally:
        if locust is not None:
            locust.stop()
        server.stop()


def sign_in_everyone(port: int, setup: dict) -> tuple[dict, list[float]]:
    """Every person signs in at the same moment, as a browser would (the login form, then its
    POST). Returns the setup with each person's cookies, and each sign-in's time in ms."""

    def sign_in(person: dict) -> tuple[dict, float]:
        browser = Browser(port)
        browser.get("/connexion/")
        started = time.monotonic()
        status, headers, _ = browser.post(
            "/connexion/", {"login": person["username"], "password": setup["password"]}
        )
        elapsed = (time.monotonic() - started) * 1000
        # Signed in: sent on to the portal, not back to the login form or to a second factor.
        where = headers.get("location", "")
        if status != 302 or "/connexion/" in where or "/mfa/" in where:
            raise RuntimeError(f"{person['username']} could not sign in: {status} {where}")
        return {**person, "cookies": browser.cookies}, elapsed

    with ThreadPoolExecutor(max_workers=len(setup["people"])) as pool:
        results = list(pool.map(sign_in, setup["people"]))
    people = [person for person, _ in results]
    return {**setup, "people": people}, [elapsed for _, elapsed in results]


def cpu_seconds(portal: int, before: dict | None = None) -> dict:
    """CPU seconds (user and system) used by the portal's processes (the process group of
    `make serve`: gunicorn's workers, the task worker) and PostgreSQL's server processes, less
    ``before``. Read from /proc: processes that ended meanwhile are not counted (gunicorn
    recycles a worker only after 2,000 requests)."""
    used = {"portal": 0.0, "PostgreSQL": 0.0}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue  # not a process, or one that just ended
        close = stat.rindex(")")  # the command, in parentheses, may itself hold some
        command, fields = stat[stat.index("(") + 1 : close], stat[close + 1 :].split()
        group, seconds = int(fields[2]), (int(fields[11]) + int(fields[12])) / tick
        if group == portal:
            used["portal"] += seconds
        elif command.startswith("postgres"):
            used["PostgreSQL"] += seconds
    return {name: seconds - (before or {}).get(name, 0.0) for name, seconds in used.items()}


def python_speed() -> float:
    """Seconds this interpreter takes for 20 million additions: the machine's speed for the
    portal's code, which is mostly Python."""
    started, total = time.perf_counter(), 0
    for n in range(20_000_000):
        total += n
    return time.perf_counter() - started


def _ready(port: int) -> bool:
    try:
        return Browser(port).get("/sante/pret/")[0] == 200
    except OSError:
        return False


def main() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("bench/load.py runs on PostgreSQL: set DATABASE_URL to a PostgreSQL server.")
    work = Path(tempfile.mkdtemp(prefix="ptn-load-"))
    database = ThrowAwayDatabase(work)
    try:
        env = portal_env(database, work)
        started = time.monotonic()
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "load_demo", "--verbosity", "0")
        setup = manage(env, "shell", "-c", SETUP).strip().splitlines()[-1]
        # Statistics for the planner and the visibility map, as autovacuum keeps them on a
        # database in use: straight after the load, the first minute measured was twice slower.
        with psycopg.connect(database.url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
        count = len(json.loads(setup)["people"])
        print(f"Database ready in {time.monotonic() - started:.0f} s: {count} people.")
        print(
            f"Python {platform.python_version()}: 20 million additions in {python_speed():.1f} s "
            f"on this machine ({os.cpu_count()} cores)."
        )
        print(
            f"{USERS} users for {DURATION} s against `make serve` (PostgreSQL), per worker count:"
        )
        print(
            "| gunicorn workers | requests | req/s | errors | p95 page | p95 save | p95 download "
            "| sign-in, 30 at once (median / slowest) | CPU: portal / PostgreSQL / Locust |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for workers in WORKER_COUNTS:
            r = run(workers, env, setup, work)
            check = "0 ✔" if r["errors"] == 0 else f"{r['errors']} ✘"
            print(
                f"| {workers} | {r['requests']} | {r['rps']:.1f} | {check} | "
                f"{r['page']:.0f} ms | {r['save']:.0f} ms | {r['download']:.0f} ms | "
                f"{r['sign_in_median']:.0f} / {r['sign_in_slowest']:.0f} ms | "
                f"{r['cpu']['portal']:.0f} / {r['cpu']['PostgreSQL']:.0f} / "
                f"{r['cpu']['Locust']:.0f} % |",
                flush=True,
            )
        print("Targets: 0 errors, p95 page < 300 ms, p95 save < 200 ms (not asserted).")
        print("CPU: the share of the machine's cores (all of them = 100 %) used during the run.")
    finally:
        database.drop()


if __name__ == "__main__":
    main()
