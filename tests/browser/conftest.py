"""Browser tests: a real portal server (its own fresh database) driven by headless Chromium.

The server runs in a separate process (``manage.py runserver``) on a free local port, with the
demo plan and demo accounts loaded, DEBUG on (demo logins only work with DEBUG on) and a fixed
SECRET_KEY, so the demo passwords are known. Its database is thrown away at the end:

- ``DATABASE_URL`` starting with ``postgres``: a database ``ptn_browser_<pid>`` is created on the
  same server (through the ``postgres`` maintenance database, nothing else is touched there) and
  dropped at the end;
- otherwise: a temporary SQLite file.

The database lives for the whole session, so every test works on data no other test relies on,
or makes its changes with values unique to the run: tests pass in any order and when re-run.
Stored PDFs go to a throw-away media folder too.

A test that needs background work (PDF renders) asks for ``task_worker``: a ``manage.py
db_worker`` process on the same database, started on first use and stopped at the end.

Each test gets a new browser context (``page``, or ``new_page()`` for a second person). ``login``
signs in through the login form the first time an account is used, then reuses that account's
server session in later contexts (saves one password hash, ~1-2 s, per test).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from accounts.demo import demo_password
from tests.oidc import Provider

BASE_DIR = Path(__file__).resolve().parents[2]
MANAGE = BASE_DIR / "manage.py"
SECRET_KEY = "browser-tests-secret"
YEAR = "2023-2024"
BODY = "meie"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT = 30  # seconds
ACTION_TIMEOUT_MS = 10_000

expect.set_options(timeout=ACTION_TIMEOUT_MS)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


class _PostgresDatabase:
    """A throw-away database on the server of ``url``, created and dropped through the
    ``postgres`` maintenance database (autocommit; no table of it is read or written)."""

    def __init__(self, url: str) -> None:
        self.name = f"ptn_browser_{os.getpid()}"
        self.url = _with_database(url, self.name)
        self._admin_url = _with_database(url, "postgres")

    def _execute(self, statement) -> None:
        import psycopg

        with psycopg.connect(self._admin_url, autocommit=True) as connection:
            connection.execute(statement)

    def create(self) -> None:
        from psycopg import sql

        self.drop()  # a leftover of a crashed run with the same pid
        self._execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def drop(self) -> None:
        from psycopg import sql

        self._execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
        )


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, str(MANAGE), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        pytest.fail(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}",
            pytrace=False,
        )


def _wait_until_answering(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"The portal server stopped ({process.returncode}):\n{log.read_text()[-3000:]}",
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(
        f"The portal server did not answer {url} within {SERVER_START_TIMEOUT} s:\n"
        f"{log.read_text()[-3000:]}",
        pytrace=False,
    )


@dataclass
class Portal:
    """What the server and the task worker share: their environment (database, settings)."""

    env: dict[str, str]
    workdir: Path
    provider: Provider | None = None
    crashed: list[str] = field(default_factory=list)  # logs of processes that stopped early


@pytest.fixture(scope="session")
def portal() -> Iterator[Portal]:
    """A fresh demo database and media folder, thrown away at the end."""
    workdir = Path(tempfile.mkdtemp(prefix="ptn-browser-"))
    configured = os.environ.get("DATABASE_URL", "")
    postgres = _PostgresDatabase(configured) if configured.startswith("postgres") else None
    if postgres:
        postgres.create()
        database_url = postgres.url
    else:
        database_url = f"sqlite:///{workdir / 'ptn.sqlite3'}"  # sqlite:////tmp/…

    # A real OpenID Connect provider beside the portal, for the single sign-on test.
    provider = Provider(workdir)
    env = {
        **os.environ,
        "OIDC_ISSUER": provider.url,
        "OIDC_CLIENT_ID": "portail-ptn",
        "OIDC_CLIENT_SECRET": "secret-de-test",
        "OIDC_NAME": "Fournisseur de test",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(workdir / "media"),
        "DEBUG": "1",
        "SECRET_KEY": SECRET_KEY,
        # Plain HTTP on 127.0.0.1: no HTTPS redirection, no HSTS (said explicitly).
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DJANGO_SETTINGS_MODULE": "ptn.settings",
        "PYTHONUNBUFFERED": "1",
    }
    running = Portal(env, workdir, provider=provider)
    try:
        _manage(env, "migrate", "--noinput")
        _manage(env, "load_demo")
        yield running
    finally:
        provider.stop()
        if postgres:
            postgres.drop()
        if running.crashed:
            print(f"\nA process stopped during the browser tests; its log: {running.crashed}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _start(portal: Portal, name: str, *args: str) -> tuple[subprocess.Popen, Path]:
    log = portal.workdir / f"{name}.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, str(MANAGE), *args],
            cwd=BASE_DIR,
            env=portal.env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    return process, log


def _stop(portal: Portal, process: subprocess.Popen, log: Path) -> None:
    if process.poll() is not None:
        portal.crashed.append(str(log))
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def server_url(portal: Portal) -> Iterator[str]:
    """Base URL (no trailing slash) of a real portal server with a fresh demo database."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    # Threading stays on: two browser sessions talk to the server at once.
    process, log = _start(portal, "server", "runserver", f"127.0.0.1:{port}", "--noreload")
    try:
        _wait_until_answering(process, f"{url}/connexion/", log)
        yield url
    finally:
        _stop(portal, process, log)


@pytest.fixture(scope="session")
def task_worker(portal: Portal, server_url: str) -> Iterator[None]:
    """The background worker beside the server (what `make run` starts): renders PDFs."""
    process, log = _start(
        portal, "worker", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"
    )
    time.sleep(0.5)
    if process.poll() is not None:
        pytest.fail(f"The task worker did not start:\n{log.read_text()[-3000:]}", pytrace=False)
    try:
        yield
    finally:
        _stop(portal, process, log)


# Package scope: Playwright's sync API keeps an event loop in this thread while it runs, and
# Django refuses database access from an async context; the browser must be gone before the
# other test modules (which use the database) run.
@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser: Browser, server_url: str) -> Iterator[Callable[..., Page]]:
    """Open a page in a new browser context (its own cookies: signed out until ``login``).
    Keyword arguments go to ``browser.new_context`` (e.g. ``java_script_enabled=False``, or
    ``locale="en-CA"``: the browser's locale, fr-CA unless given)."""
    contexts = []

    def open_page(**context_options) -> Page:
        options = {"locale": "fr-CA", **context_options}
        context = browser.new_context(base_url=server_url, **options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A page in a fresh browser context, with relative URLs resolved against the server."""
    return new_page()


def log_in(page: Page, username: str) -> None:
    """Sign in as a demo account through the login form, as a person would."""
    page.goto("/connexion/")
    page.fill("#id_login", username)
    page.fill("#id_password", demo_password(username, secret_key=SECRET_KEY))
    page.click(".ptn-local-login button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/connexion/"))
    expect(page.locator(".ptn-piv-user")).to_be_visible()


@pytest.fixture(scope="session")
def _signed_in_cookies(server_url: str) -> dict[str, list]:
    """Session cookies of each demo account, after its first login of the test session."""
    return {}


@pytest.fixture
def login(_signed_in_cookies: dict[str, list]) -> Callable[[Page, str], None]:
    """``login(page, username)``: sign in as one of the demo accounts.

    The first login of an account goes through the login form (``log_in``); later tests reuse
    the server session it opened (its cookies, in their own new browser context), which saves
    the password hashing of one login per test. Each account has its own server session, so
    two accounts are two real, separate sessions.
    """

    def login_as(page: Page, username: str) -> None:
        cookies = _signed_in_cookies.get(username)
        if cookies:
            page.context.add_cookies(cookies)
            return
        log_in(page, username)
        _signed_in_cookies[username] = page.context.cookies()

    return login_as
