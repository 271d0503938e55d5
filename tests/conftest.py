"""Personas and the demo plan, loaded once per test session (each test runs in a transaction)."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from accounts.models import PublicBody, User
from roadmap.models import Edition
from tests.personas import client_for

DEMO_YEAR = "2023-2024"
DEMO_BODY = "meie"  # the MEIE's slug: its plans' URLs are /plan/meie/<fiscal year>/


@pytest.fixture(scope="session", autouse=True)
def fast_password_hasher():
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def media_root(tmp_path_factory):
    """Archived and cached PDFs go to a throw-away folder, not the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def default_language_after_each_test():
    """A request in English (the language cookie) leaves English active on the thread, as the
    locale middleware does for every request: the next test's commands and messages would speak
    English (seen with ``-k export``: an import command's summary)."""
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, fast_password_hasher):
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)


@pytest.fixture
def edition(db) -> Edition:
    return Edition.objects.select_related("body").get(body__slug=DEMO_BODY, fiscal_year=DEMO_YEAR)


@pytest.fixture
def meie(db) -> PublicBody:
    return PublicBody.objects.get(slug=DEMO_BODY)


@pytest.fixture
def reader_client(db) -> Client:
    return client_for("lecteur")


@pytest.fixture
def body_client(db) -> Client:
    """Staff of a participating body of the MEIE's portfolio (Régie de l'énergie), with no role."""
    return client_for("organisme")


@pytest.fixture
def lead_client(db) -> Client:
    return client_for("responsable")


@pytest.fixture
def coordinator_client(db) -> Client:
    return client_for("coordonnateur")


@pytest.fixture
def outsider(db) -> User:
    return User.objects.create_user("intrus", password="un-mot-de-passe-solide-42")


@pytest.fixture
def outsider_client(outsider) -> Client:
    client = Client()
    client.force_login(outsider)
    return client
