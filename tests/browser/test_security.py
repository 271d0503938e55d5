"""Who gets in, in a real browser: no Content-Security-Policy violation on any page or open
form, MFA enrolment with the QR code, and a single sign-on login at a real provider."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import _manage
from tests.browser.helpers import BODY, YEAR, initiative_path
from tests.pages import plan_pages

# Collects every violation the browser reports, from before the page's own scripts run (an init
# script runs through the debugging protocol, which the policy does not govern).
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def watch_csp(page: Page) -> list[str]:
    reports: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            reports.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return reports


def violations(page: Page, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__cspViolations || []"), *console]


PAGES = {
    **{name: path for name, path in plan_pages().items()},
    "edition": f"/plan/{BODY}/{YEAR}/edition/",
    "mfa": "/compte/2fa/",
    "password": "/compte/password/change/",
}


def test_no_page_or_open_form_reports_a_csp_violation(new_page, login):
    page = new_page()
    console = watch_csp(page)
    login(page, "coordonnateur")
    seen = []
    for name, path in PAGES.items():
        response = page.goto(path)
        assert response.status < 400, (name, response.status)
        assert "default-src 'self'" in response.headers["content-security-policy"]
        seen.append(name)
        assert violations(page, console) == [], (name, violations(page, console))
    # Every « Modifier » of an initiative page opened in place (htmx swaps the forms in).
    page.goto(initiative_path("1.1.1"))
    links = page.get_by_role("link", name=re.compile(r"^\s*Modifier\b"))
    for _ in range(5):
        before = links.count()
        links.first.click()
        expect(links).to_have_count(before - 1)  # the opened form replaced its link
    page.wait_for_timeout(300)
    assert violations(page, console) == []
    # The pages before login.
    anonymous = new_page()
    console = watch_csp(anonymous)
    for path in ("/connexion/", "/compte/password/reset/"):
        anonymous.goto(path)
        assert violations(anonymous, console) == [], path
    assert len(seen) == len(PAGES)


@pytest.fixture(scope="module")
def enrolling_account(portal) -> tuple[str, str]:
    username, password = "coord-mfa", "une-phrase-de-passe-pour-le-test-42"
    _manage(
        portal.env,
        "shell",
        "-c",
        "from accounts.models import User; "
        f"User.objects.create_user('{username}', email='{username}@ministere.example', "
        f"password='{password}')",
    )
    _manage(portal.env, "grant_role", username, "coordonnateur PTN", "--body", "MEIE")
    return username, password


def test_a_coordinator_enrols_an_authenticator_app_with_the_qr_code(new_page, enrolling_account):
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    username, password = enrolling_account
    page = new_page()
    console = watch_csp(page)
    page.goto("/connexion/")
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    page.click(".ptn-local-login button[type=submit]")

    # Sent to enrol; allauth first asks for the password again.
    expect(page).to_have_url(re.compile(r"/compte/reauthenticate/"))
    page.fill("#id_password", password)
    page.get_by_role("button", name=re.compile("Confirmer")).click()
    expect(page).to_have_url(re.compile(r"/compte/2fa/totp/activate/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Configurer l'application d'authentification"
    )
    qr = page.get_by_role("img", name="Code QR à balayer avec l'application d'authentification")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 150  # large enough to scan from a screen
    secret = page.locator("#authenticator_secret").input_value()
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    page.fill("#id_code", code)
    page.get_by_role("button", name="Activer").click()

    expect(page).not_to_have_url(re.compile(r"/totp/activate/"))
    page.goto(f"/plan/{BODY}/{YEAR}/")
    expect(page).to_have_url(re.compile(rf"/plan/{BODY}/{YEAR}/$"))
    expect(page.locator(".ptn-piv-user")).to_be_visible()
    assert violations(page, console) == []


def test_a_person_signs_in_with_the_organisations_provider(new_page, portal):
    page = new_page()
    console = watch_csp(page)
    page.goto("/connexion/")
    page.get_by_role("button", name="Se connecter avec Fournisseur de test").click()

    # The provider's own page: sign in as a subject.
    expect(page).to_have_url(re.compile(rf"^{re.escape(portal.provider.url)}/oauth2/authorize"))
    page.fill("input[name=sub]", "sso.navigateur@ministere.example")
    page.locator("button[type=submit], input[type=submit]").first.click()

    # Back in the portal, signed in, with an account that has no role yet.
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/"))
    expect(page.locator(".ptn-piv-user")).to_be_visible()
    expect(page.locator("main")).to_contain_text(re.compile("accès|autoris", re.IGNORECASE))
    assert violations(page, console) == []
