"""Real processes for the tests that need them: SMTP and S3 servers, gunicorn, task workers.

Each process runs in its own process group (so its children go with it), on a free port of
127.0.0.1, logs to a file the test can read, and is stopped — SIGTERM, then SIGKILL — when the
test ends, whatever happened. A throw-away database (a SQLite file, or a PostgreSQL database on
the server of DATABASE_URL, created and dropped through the ``postgres`` maintenance database)
holds what several processes share.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from itertools import count
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
MANAGE = str(BASE_DIR / "manage.py")
SECRET_KEY = "process-tests-secret-key-not-for-production"
_databases = count()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], object], *, timeout: float, what: str, every=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}")


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class Service:
    """A process started by a test, in its own process group, stopped by ``stop``."""

    def __init__(self, name: str, args: list[str], *, env: dict, log_dir: Path) -> None:
        self.name = name
        self.log = log_dir / f"{name}.log"
        self._log_file = self.log.open("ab")
        self.process = subprocess.Popen(
            args,
            cwd=BASE_DIR,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def json_lines(self) -> list[dict]:
        lines = []
        for line in self.log_text().splitlines():
            if line.startswith("{"):
                with contextlib.suppress(ValueError):
                    lines.append(json.loads(line))
        return lines

    def signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def stop(self, timeout: float = 20) -> int | None:
        if self.alive():
            self.signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout)
        self.signal(signal.SIGKILL)  # the group: children left behind by a parent that exited
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        self._log_file.close()
        return self.process.returncode


class ThrowAwayDatabase:
    """A fresh database for processes to share: PostgreSQL when the tests run on it."""

    def __init__(self, tmp_path: Path) -> None:
        base = os.environ.get("DATABASE_URL", "")
        self.postgres = base.startswith("postgres")
        if self.postgres:
            self.name = f"ptn_proc_{os.getpid()}_{next(_databases)}"
            self.url = _with_path(base, self.name)
            self._admin = _with_path(base, "postgres")
            self._execute("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            self._execute("CREATE DATABASE {}")
        else:
            self.path = tmp_path / f"ptn-{next(_databases)}.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def _execute(self, statement: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self._admin, autocommit=True) as connection:
            connection.execute(sql.SQL(statement).format(sql.Identifier(self.name)))

    def drop(self) -> None:
        if self.postgres:
            self._execute("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _with_path(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def portal_env(database: ThrowAwayDatabase, work: Path, **overrides: str) -> dict[str, str]:
    """The environment of a production-like portal process (DEBUG off, JSON logs)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "DJANGO_", "S3_", "WEB_CONCURRENCY", "PORT"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database.url,
        MEDIA_ROOT=str(work / "media"),
        STATIC_ROOT=str(work / "static"),
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
        # Plain HTTP on 127.0.0.1: no HTTPS redirection, no HSTS (said explicitly).
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
    )
    env.update(overrides)
    return env


def manage(env: dict, *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, MANAGE, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


class Browser:
    """A minimal HTTP client that keeps its cookies (Secure ones too: the tests speak plain
    HTTP to 127.0.0.1) and sends the CSRF token like the portal's forms do."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, data: dict | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        all_headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content

    def get(self, path: str, **headers: str):
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: dict):
        return self.request(
            "POST", path, {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        )

    def login(self, username: str, password: str) -> None:
        self.get("/connexion/")
        status, headers, _ = self.post("/connexion/", {"login": username, "password": password})
        assert status == 302, f"login of {username} refused ({status})"


def hashed_static_url(html: bytes, name: str) -> str:
    match = re.search(rf'href="(/static/{re.escape(name)}[^"]*)"', html.decode())
    assert match, f"{name} not linked from the page"
    return match.group(1)
