"""Who gets in: lockouts, MFA for the roles that need it, sessions, passwords, headers, body
size, security events and the secure defaults of production settings."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts import roles
from accounts.models import User
from security.events import LOGIN_AT, SEEN_AT
from security.mail import send_account_mail
from security.models import SecurityEvent
from security.policy import requires_mfa
from tests.pages import BODY, YEAR, plan_pages
from tests.personas import client_for, give_roles
from tests.tasks import run_queued_tasks

Kind = SecurityEvent.Kind
PASSWORD = "un-mot-de-passe-tres-solide-42"
BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(autouse=True)
def fresh_cache(db):
    """allauth keeps rate limits and used TOTP codes in the cache (a database table): each test
    starts afresh."""
    cache.clear()
    yield
    cache.clear()


def local_account(username: str, *role_names: str, **fields) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username, email=f"{username}@ministere.example")
    user.is_demo = False
    for name, value in fields.items():
        setattr(user, name, value)
    user.set_password(PASSWORD)
    user.save()
    return give_roles(user, *role_names)


def log_in(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("login"), {"login": username, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


# --- Lockouts (django-axes) ------------------------------------------------------------------


def test_an_account_is_locked_after_five_failures_and_the_message_leaks_nothing(db):
    local_account("a.gagnon", roles.READER)
    client = Client()
    for _ in range(4):
        response = log_in(client, "a.gagnon", "mauvais-mot-de-passe")
        assert response.status_code == 200 and not signed_in(client)

    locked = log_in(client, "a.gagnon", "mauvais-mot-de-passe")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Trop de tentatives de connexion ont échoué" in page
    assert "a.gagnon" not in page

    # The right password is refused too while the lockout lasts; an unknown account reads the same.
    assert log_in(Client(REMOTE_ADDR="10.0.0.9"), "a.gagnon").status_code == 429
    for _ in range(5):
        unknown = log_in(Client(REMOTE_ADDR="10.0.0.8"), "personne", "mauvais-mot-de-passe")
    assert unknown.status_code == 429
    assert unknown.content.decode().count("Trop de tentatives") == 1
    assert SecurityEvent.objects.filter(kind=Kind.LOCKOUT, username="a.gagnon").exists()
    assert SecurityEvent.objects.filter(kind=Kind.LOGIN_FAILED, username="a.gagnon").count() >= 5


def test_an_address_is_locked_after_five_failures_on_any_accounts(db):
    for n in range(5):
        log_in(Client(REMOTE_ADDR="10.1.1.1"), f"inconnu{n}", "mauvais-mot-de-passe")
    local_account("b.roy", roles.READER)

    assert log_in(Client(REMOTE_ADDR="10.1.1.1"), "b.roy").status_code == 429
    elsewhere = Client(REMOTE_ADDR="10.1.1.2")
    log_in(elsewhere, "b.roy")
    assert signed_in(elsewhere)


def test_an_office_behind_one_address_signs_in_together(db):
    """The sign-in limit is shared by every app process (the database cache), and a ministry's
    staff reach the portal from one proxy address: 40 people in a minute all get in."""
    people = [local_account(f"agent{n:02}", roles.READER).username for n in range(40)]
    refused = []
    for username in people:
        client = Client(REMOTE_ADDR="10.2.2.2")
        log_in(client, username)
        if not signed_in(client):
            refused.append(username)
    assert refused == []


def _proxy_settings() -> dict:
    """The address settings of a production behind a TLS proxy (BEHIND_TLS_PROXY=1), as the
    settings module makes them."""
    names = ["ALLAUTH_TRUSTED_PROXY_COUNT", "AXES_CLIENT_IP_CALLABLE"]
    script = (
        "import json; from ptn import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], "DEBUG": "1", "BEHIND_TLS_PROXY": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_behind_the_proxy_each_person_keeps_their_own_address(db, settings):
    """Behind the TLS proxy every request comes from the proxy's address: the limits and
    lockouts must go by the address the proxy forwards, or one office's typos lock out all."""
    for name, value in _proxy_settings().items():
        setattr(settings, name, value)
    via_proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for n in range(5):
        # Each time a different first entry, written by the client itself: it does not count.
        forwarded = f"10.9.9.{n}, 203.0.113.5"
        log_in(Client(**via_proxy, HTTP_X_FORWARDED_FOR=forwarded), f"inconnu{n}", "mauvais")
    local_account("c.roy", roles.READER)
    local_account("d.roy", roles.READER)

    other_office = Client(**via_proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    log_in(other_office, "c.roy")
    assert signed_in(other_office)
    same_office = Client(**via_proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert log_in(same_office, "d.roy").status_code == 429
    assert not signed_in(same_office)
    # allauth's limits count per forwarded address too (its failed sign-ins, 20 a minute).
    for n in range(20):
        log_in(Client(**via_proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"), "c.roy", "mauvais")
    third = Client(**via_proxy, HTTP_X_FORWARDED_FOR="198.51.100.99")
    log_in(third, "d.roy")
    assert signed_in(third)


def test_an_administrator_sees_a_lockout_and_lifts_it(db):
    local_account("c.cote", roles.READER)
    for _ in range(5):
        log_in(Client(), "c.cote", "mauvais-mot-de-passe")
    assert log_in(Client(REMOTE_ADDR="10.2.2.2"), "c.cote").status_code == 429
    admin = client_for("admin")

    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "c.cote" in listing.content.decode()
    attempts = list(AccessAttempt.objects.filter(username="c.cote").values_list("pk", flat=True))
    admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )

    assert not AccessAttempt.objects.filter(username="c.cote").exists()
    client = Client(REMOTE_ADDR="10.2.2.2")
    log_in(client, "c.cote")
    assert signed_in(client)


def test_the_admin_login_is_the_portals_login(db):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- MFA -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "required"),
    [
        (roles.READER, False),
        (roles.LEAD, False),
        (roles.COORDINATOR, True),
        (roles.INFORMATION_DIRECTOR, True),
        (roles.HEAD, True),
        (roles.ADMINISTRATOR, True),
    ],
)
def test_mfa_is_required_for_the_roles_that_approve_sign_or_administer(db, role, required):
    assert requires_mfa(local_account(f"role-{len(role)}", role)) is required


def test_mfa_is_required_for_the_admin_and_not_for_demo_accounts_in_development(db, settings):
    assert requires_mfa(local_account("staff", is_staff=True))
    demo = User.objects.get(username="coordonnateur")
    settings.DEBUG = True
    assert not requires_mfa(demo)
    settings.DEBUG = False
    assert requires_mfa(demo)


def test_a_coordinator_without_mfa_is_sent_to_enrol_and_enrols(
    db, django_capture_on_commit_callbacks
):
    user = local_account("d.lavoie", roles.COORDINATOR)
    client = Client()
    log_in(client, "d.lavoie")
    assert signed_in(client)

    home = client.get(reverse("roadmap:home", args=[BODY, YEAR]))
    assert home.status_code == 302 and home["Location"] == reverse("mfa_activate_totp")
    htmx = client.get(reverse("roadmap:home", args=[BODY, YEAR]), HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == reverse("mfa_activate_totp")

    # allauth asks for the password again before a factor is added (a session left open
    # somewhere cannot add one).
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    client.post(asked["Location"], {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200, (page.status_code, page.get("Location"))
    html = page.content.decode()
    assert "Configurer l'application d'authentification" in html
    assert '<svg class="ptn-qr" role="img" aria-labelledby="ptn-qr-label"' in html
    assert "data:image" not in html
    # What goes in unescaped (|safe) is drawing only: no element but the SVG's own.
    svg = html[html.index('<svg class="ptn-qr"') : html.index("</svg>")]
    assert set(re.findall(r"<([a-zA-Z:]+)", svg)) <= {
        "svg",
        "path",
        "rect",
        "g",
        "svg:path",
        "svg:rect",
    }
    secret = page.context["form"].secret
    session_key = client.session.session_key

    with django_capture_on_commit_callbacks(execute=True):  # allauth tells after the commit
        client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})

    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.session.session_key != session_key  # rotated at enrolment
    assert client.get(reverse("roadmap:home", args=[BODY, YEAR])).status_code == 200
    assert SecurityEvent.objects.filter(kind=Kind.MFA_ADDED, user=user).exists()


def test_a_reader_is_not_asked_for_mfa(db):
    local_account("e.morin", roles.READER)
    client = Client()
    log_in(client, "e.morin")
    assert client.get(reverse("roadmap:home", args=[BODY, YEAR])).status_code == 200


def test_an_enrolled_account_needs_its_code_and_wrong_codes_lock_it(db):
    user = local_account("f.bouchard", roles.INFORMATION_DIRECTOR)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client = Client()

    response = log_in(client, "f.bouchard")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)  # the password alone does not sign in
    before = client.session.session_key

    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})

    assert signed_in(client)
    assert client.session.session_key != before  # rotated when the second factor completes
    assert client.get(reverse("roadmap:home", args=[BODY, YEAR])).status_code == 200

    other = Client(REMOTE_ADDR="10.3.3.3")
    log_in(other, "f.bouchard")
    for _ in range(5):
        wrong = other.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert not signed_in(other)
    assert wrong.status_code in (200, 429)
    assert SecurityEvent.objects.filter(
        kind=Kind.LOGIN_FAILED, user=user, detail__step="mfa"
    ).exists()
    assert log_in(Client(REMOTE_ADDR="10.3.3.4"), "f.bouchard").status_code == 429


# --- Sessions ------------------------------------------------------------------------------


def test_a_session_idle_for_thirty_minutes_ends(reader_client):
    session = reader_client.session
    session[SEEN_AT] = time.time() - 31 * 60
    session.save()

    response = reader_client.get(reverse("roadmap:home", args=[BODY, YEAR]))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not signed_in(reader_client)
    event = SecurityEvent.objects.get(kind=Kind.SESSION_EXPIRED)
    assert event.detail == {"reason": "idle"} and event.user.username == "lecteur"


def test_a_session_ends_eight_hours_after_login_even_when_active(reader_client):
    session = reader_client.session
    session[LOGIN_AT] = time.time() - 8 * 3600 - 1
    session[SEEN_AT] = time.time()
    session.save()

    response = reader_client.get(reverse("roadmap:home", args=[BODY, YEAR]), follow=True)

    assert not signed_in(reader_client)
    assert "durée maximale de 8" in response.content.decode()


def test_staying_signed_in_counts_as_activity(reader_client):
    session = reader_client.session
    session[SEEN_AT] = time.time() - 25 * 60
    session.save()
    page = reader_client.get(reverse("roadmap:home", args=[BODY, YEAR])).content.decode()
    assert 'data-session-idle="1800"' in page and "session.js" in page

    assert reader_client.post(reverse("session_keep_alive")).status_code == 204
    assert time.time() - reader_client.session[SEEN_AT] < 5


def test_the_session_key_changes_at_login(db):
    local_account("g.pelletier", roles.READER)
    client = Client()
    client.get(reverse("login"))
    client.session.save()
    anonymous_key = client.session.session_key
    log_in(client, "g.pelletier")
    assert signed_in(client) and client.session.session_key != anonymous_key


def test_every_logout_control_is_a_post_form(reader_client):
    page = reader_client.get(reverse("roadmap:home", args=[BODY, YEAR])).content.decode()
    assert f'<form method="post" action="{reverse("logout")}">' in page
    assert f'href="{reverse("logout")}"' not in page
    response = reader_client.get(reverse("logout"))
    assert signed_in(reader_client)  # a GET asks, it does not sign out
    assert response.status_code == 200


# --- Passwords ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password", ["Summer2026", "court-11car", "123456789012", "h.tremblay-2026"]
)
def test_weak_passwords_are_refused(db, password):
    local_account("h.tremblay", roles.READER)
    client = Client()
    log_in(client, "h.tremblay")

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": password, "password2": password},
    )

    assert response.status_code == 200
    assert User.objects.get(username="h.tremblay").check_password(PASSWORD)


def test_a_password_is_changed_and_the_change_journaled(db):
    user = local_account("i.fortin", roles.READER)
    client = Client()
    log_in(client, "i.fortin")
    new = "une-phrase-de-passe-nouvelle-77"

    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )

    user.refresh_from_db()
    assert user.check_password(new)
    assert SecurityEvent.objects.filter(kind=Kind.PASSWORD_CHANGED, user=user).exists()


def test_a_password_is_reset_by_email_in_french_and_requests_are_throttled(db):
    local_account("j.caron", roles.READER)
    client = Client()

    client.post(reverse("account_reset_password"), {"email": "j.caron@ministere.example"})
    assert mail.outbox == []  # sent by the task worker (tests/test_mail.py: a refusing server)
    run_queued_tasks(send_account_mail)

    [message] = mail.outbox
    assert message.to == ["j.caron@ministere.example"]
    assert "mot de passe" in message.body.lower()
    for _ in range(4):
        last = client.post(reverse("account_reset_password"), {"email": "x@ministere.example"})
    assert last.status_code == 429
    assert "Trop de demandes" in last.content.decode()


def test_a_reset_link_sets_a_new_password_and_leads_to_the_login(db):
    user = local_account("j.caron", roles.READER)
    client = Client()
    client.post(reverse("account_reset_password"), {"email": "j.caron@ministere.example"})
    run_queued_tasks(send_account_mail)
    [link] = re.findall(r"https?://\S+/compte/password/reset/key/\S+", mail.outbox[0].body)

    form = client.get(link, follow=True)  # allauth moves the key out of the address first
    new = "une-phrase-de-passe-retrouvee-58"
    done = client.post(
        form.redirect_chain[-1][0], {"password1": new, "password2": new}, follow=True
    )

    page = done.content.decode()
    assert "Votre mot de passe a été modifié." in page
    assert f'href="{reverse("login")}"' in page and "Se connecter" in page
    user.refresh_from_db()
    assert user.check_password(new)
    assert log_in(Client(), "j.caron", new).status_code == 302


# --- Headers ------------------------------------------------------------------------------

STRICT = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "object-src 'none'",
]


def account_pages() -> dict[str, str]:
    return {
        "mfa": reverse("mfa_index"),
        "password_change": reverse("account_change_password"),
        "edition": reverse("roadmap:edition", args=[BODY, YEAR]),
        "xlsx": reverse("roadmap:export", args=[BODY, YEAR]),
    }


def test_every_page_has_a_strict_csp_and_no_store(coordinator_client):
    pages = {**plan_pages(), **account_pages()}
    for name, url in pages.items():
        response = coordinator_client.get(url)
        assert response.status_code in (200, 302), (name, response.status_code)
        csp = response["Content-Security-Policy"]
        for directive in STRICT:
            assert directive in csp, (name, csp)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "no-store" in response["Cache-Control"], name
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"


def test_anonymous_pages_have_the_csp_too(db):
    for url in (reverse("login"), reverse("account_reset_password")):
        response = Client().get(url)
        assert response.status_code == 200
        assert "default-src 'self'" in response["Content-Security-Policy"]


def test_https_is_enforced_with_hsts_when_configured(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    assert Client().get(reverse("login"))["Location"].startswith("https://")
    secure = Client().get(reverse("login"), secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert Client().get("/sante/").status_code == 200  # probes may use plain HTTP


# --- Request size -------------------------------------------------------------------------


class Unreadable(io.BytesIO):
    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def post_claiming(client: Client, url: str, length: int):
    return client.generic(
        "POST",
        url,
        b"",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": Unreadable()},
    )


def test_an_anonymous_body_over_64_kib_is_refused_unread(db):
    response = post_claiming(Client(), reverse("login"), 100 * 1024 * 1024)
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.content.decode()


def test_a_signed_in_body_is_allowed_up_to_the_import_limit(coordinator_client):
    url = reverse("roadmap:import", args=[BODY, YEAR])
    assert post_claiming(coordinator_client, url, 12 * 1024 * 1024).status_code == 413
    small = coordinator_client.post(url, {})
    assert small.status_code != 413


# --- Security events ----------------------------------------------------------------------


def test_logins_failures_and_logouts_are_logged_as_structured_records(db, caplog):
    local_account("k.girard", roles.READER)
    client = Client()
    with caplog.at_level("INFO", logger="ptn.security"):
        caplog.clear()
        log_in(client, "k.girard", "mauvais-mot-de-passe")
        log_in(client, "k.girard")
        client.post(reverse("logout"))

    kinds = [r.security_event for r in caplog.records if hasattr(r, "security_event")]
    assert kinds == [Kind.LOGIN_FAILED, Kind.LOGIN, Kind.LOGOUT]
    login = next(r for r in caplog.records if getattr(r, "security_event", "") == Kind.LOGIN)
    assert login.username == "k.girard" and login.ip == "127.0.0.1"
    assert login.detail == {"methods": ["password"]}
    journal = SecurityEvent.objects.filter(username="k.girard", kind__in=kinds).order_by("pk")
    assert [e.kind for e in journal] == kinds


def test_a_role_granted_in_the_admin_is_journaled_with_who_granted_it(db):
    target = local_account("l.dube", roles.READER)
    reader = target.role_assignments.get()
    admin = client_for("admin")
    inline = "role_assignments"
    data = {
        "username": "l.dube",
        "first_name": "",
        "last_name": "",
        "email": target.email,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "job_title": "",
        "unit": "",
        "participating_body": "",
        # The person's roles, body by body: the reader's role removed, the coordinator's given.
        f"{inline}-TOTAL_FORMS": "2",
        f"{inline}-INITIAL_FORMS": "1",
        f"{inline}-MIN_NUM_FORMS": "0",
        f"{inline}-MAX_NUM_FORMS": "1000",
        f"{inline}-0-id": reader.pk,
        f"{inline}-0-user": target.pk,
        f"{inline}-0-body": reader.body_id,
        f"{inline}-0-role": roles.READER,
        f"{inline}-0-DELETE": "on",
        f"{inline}-1-id": "",
        f"{inline}-1-user": target.pk,
        f"{inline}-1-body": reader.body_id,
        f"{inline}-1-role": roles.COORDINATOR,
    }

    response = admin.post(f"/admin/accounts/user/{target.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(target.role_assignments.values_list("body__acronym", "role")) == [
        ("MEIE", roles.COORDINATOR)
    ]
    events = SecurityEvent.objects.filter(
        user=target, kind__in=[Kind.ROLE_ADDED, Kind.ROLE_REMOVED], actor__isnull=False
    )
    changes = {(e.kind, e.detail["role"], e.detail["body"], e.actor.username) for e in events}
    assert (Kind.ROLE_ADDED, "coordonnateur PTN", "MEIE", "admin") in changes
    assert (Kind.ROLE_REMOVED, "lecteur", "MEIE", "admin") in changes
    history = target.role_assignments.model.history.filter(user=target).order_by("history_id")
    assert [(h.history_type, h.role, h.history_user.username) for h in list(history)[-2:]] == [
        ("-", roles.READER, "admin"),
        ("+", roles.COORDINATOR, "admin"),
    ]


def test_the_security_journal_is_read_only_for_administrators(db):
    local_account("m.leblanc", roles.READER)
    log_in(Client(), "m.leblanc", "mauvais-mot-de-passe")
    admin = client_for("admin")
    event = SecurityEvent.objects.get(username="m.leblanc", kind=Kind.LOGIN_FAILED)

    listing = admin.get("/admin/security/securityevent/")
    assert listing.status_code == 200
    assert "Journal de sécurité" in listing.content.decode()
    assert "m.leblanc" in listing.content.decode()
    assert admin.get("/admin/security/securityevent/add/").status_code == 403
    admin.post(f"/admin/security/securityevent/{event.pk}/delete/", {"post": "yes"})
    assert SecurityEvent.objects.filter(pk=event.pk).exists()
    assert client_for("lecteur").get("/admin/security/securityevent/").status_code == 302


# --- Secure by default --------------------------------------------------------------------


def test_production_settings_pass_the_deploy_check_with_only_a_key_and_hosts():
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "k" * 20 + "-une-cle-longue-et-aleatoire-pour-le-test-0123456789",
        "ALLOWED_HOSTS": "ptn.ministere.example",
        "DJANGO_SETTINGS_MODULE": "ptn.settings",
        "DATABASE_URL": f"sqlite:///{BASE_DIR}/var/deploy-check.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout
