"""Single sign-on against a real OpenID Connect provider process (oidc-provider-mock).

The portal is the Django test client; the person's browser at the provider is ``urllib`` (the
provider's form: a subject to sign in as). Every call from the portal to the provider (discovery,
token, keys, user info) is a real HTTP request to the provider's process, through a recording
proxy (tests/oidc.py) that can also alter the ID token on its way back.
"""

from __future__ import annotations

import base64
import hashlib
import urllib.parse
import urllib.request

import pytest
from django.test import Client

from accounts import roles
from accounts.models import User
from security.models import SecurityEvent
from tests.oidc import Provider, Proxy
from tests.personas import give_roles

Kind = SecurityEvent.Kind
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    started = Provider(tmp_path_factory.mktemp("oidc"))
    yield started
    started.stop()


@pytest.fixture(scope="module")
def proxy(provider):
    started = Proxy(provider.url)
    yield started
    started.stop()


@pytest.fixture(scope="module")
def expiring_provider(tmp_path_factory):
    """A provider whose ID tokens are already two minutes past their expiry when issued."""
    started = Provider(tmp_path_factory.mktemp("oidc-expired"), "--token-max-age=-120")
    yield started
    started.stop()


def use_provider(settings, issuer: str, **app_settings) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": "Fournisseur de test",
                    "client_id": "portail-ptn",
                    "secret": "secret-de-test",
                    "settings": {
                        "server_url": issuer,
                        "oauth_pkce_enabled": True,
                        "verified_email": True,
                        "email_authentication": True,
                        **app_settings,
                    },
                }
            ],
        }
    }


@pytest.fixture
def sso(settings, proxy):
    use_provider(settings, proxy.url)
    proxy.alter = None
    proxy.token_requests.clear()
    return proxy


def start(client: Client) -> str:
    """« Se connecter avec … »: the portal sends the browser to the provider."""
    page = client.get("/connexion/").content.decode()
    assert "Se connecter avec Fournisseur de test" in page
    response = client.post("/compte/oidc/sso/login/")
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def sign_in_at_provider(authorize_url: str, subject: str) -> str:
    """The person signs in at the provider, which sends the browser back with a code."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with opener.open(authorize_url, timeout=10) as form:
        assert form.status == 200
    data = urllib.parse.urlencode({"sub": subject}).encode()
    try:
        opener.open(urllib.request.Request(authorize_url, data=data), timeout=10)
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302
        return redirect.headers["Location"]
    raise AssertionError("the provider did not send the browser back")


def come_back(client: Client, callback_url: str):
    parts = urllib.parse.urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_a_first_login_creates_an_account_without_any_role(sso, provider):
    provider.set_user("sub-nouvelle", email="nouvelle.personne@ministere.example", name="Nouvelle")
    client = Client()

    response = come_back(client, sign_in_at_provider(start(client), "sub-nouvelle"))

    assert response.status_code == 302
    user = signed_in_user(client)
    assert user is not None and user.email == "nouvelle.personne@ministere.example"
    assert not user.role_assignments.exists() and not user.is_staff and not user.is_superuser
    assert user.socialaccount_set.get().uid == "sub-nouvelle"
    assert SecurityEvent.objects.filter(kind=Kind.SSO_ACCOUNT_CREATED, user=user).exists()
    assert client.get("/").status_code == 403  # roles are granted in the portal


def test_an_existing_account_is_found_by_email_then_by_subject(sso, provider):
    existing = User.objects.create_user("m.tremblay", email="m.tremblay@ministere.example")
    give_roles(existing, roles.READER)
    provider.set_user("sub-tremblay", email="m.tremblay@ministere.example")

    first = Client()
    come_back(first, sign_in_at_provider(start(first), "sub-tremblay"))
    assert signed_in_user(first) == existing
    assert first.get("/").status_code in (200, 302)

    # Later, the provider gives another address: the subject still finds the same account.
    provider.set_user("sub-tremblay", email="marie.tremblay@ministere.example")
    second = Client()
    come_back(second, sign_in_at_provider(start(second), "sub-tremblay"))
    assert signed_in_user(second) == existing
    assert User.objects.filter(email__endswith="@ministere.example").count() == 1


def test_the_flow_is_the_authorization_code_flow_with_pkce(sso, provider):
    provider.set_user("sub-pkce", email="pkce@ministere.example")
    client = Client()
    authorize_url = start(client)
    authorize = urllib.parse.parse_qs(urllib.parse.urlsplit(authorize_url).query)

    come_back(client, sign_in_at_provider(authorize_url, "sub-pkce"))

    assert authorize["response_type"] == ["code"]
    assert authorize["code_challenge_method"] == ["S256"]
    [token_request] = sso.token_requests
    assert token_request["grant_type"] == ["authorization_code"]
    verifier = token_request["code_verifier"][0]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert authorize["code_challenge"] == [challenge.decode()]
    assert signed_in_user(client) is not None


def test_a_wrong_state_is_refused(sso, provider):
    provider.set_user("sub-state", email="state@ministere.example")
    client = Client()
    callback = sign_in_at_provider(start(client), "sub-state")
    parts = urllib.parse.urlsplit(callback)
    query = urllib.parse.parse_qs(parts.query)
    query["state"] = ["un-autre-etat"]

    response = client.get(f"{parts.path}?{urllib.parse.urlencode(query, doseq=True)}")

    assert signed_in_user(client) is None
    assert "connexion" in response.content.decode().lower()
    assert not User.objects.filter(email="state@ministere.example").exists()
    assert sso.token_requests == []  # the code was never even exchanged
    assert SecurityEvent.objects.filter(kind=Kind.SSO_REFUSED).exists()


def test_an_altered_id_token_is_refused(sso, provider):
    provider.set_user("sub-honnete", email="honnete@ministere.example")
    sso.alter = {"sub": "sub-intrus", "email": "intrus@ministere.example"}
    client = Client()

    come_back(client, sign_in_at_provider(start(client), "sub-honnete"))

    assert signed_in_user(client) is None
    assert not User.objects.filter(
        email__in=["honnete@ministere.example", "intrus@ministere.example"]
    ).exists()
    refusal = SecurityEvent.objects.get(kind=Kind.SSO_REFUSED)
    assert "InvalidSignatureError" in refusal.detail["reason"]


def test_an_expired_id_token_is_refused(settings, expiring_provider):
    # The ID token alone says who it is (user info would fail on the expired access token too).
    use_provider(settings, expiring_provider.url, fetch_userinfo=False)
    expiring_provider.set_user("sub-expire", email="expire@ministere.example")
    client = Client()

    come_back(client, sign_in_at_provider(start(client), "sub-expire"))

    assert signed_in_user(client) is None
    assert not User.objects.filter(email="expire@ministere.example").exists()
    refusal = SecurityEvent.objects.get(kind=Kind.SSO_REFUSED)
    assert "ExpiredSignatureError" in refusal.detail["reason"]


def test_logout_ends_the_portal_session_and_the_providers(sso, provider):
    provider.set_user("sub-depart", email="depart@ministere.example")
    client = Client()
    come_back(client, sign_in_at_provider(start(client), "sub-depart"))
    assert signed_in_user(client) is not None

    response = client.post("/deconnexion/")

    assert signed_in_user(client) is None
    end_session = urllib.parse.urlsplit(response["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}" == sso.url
    assert end_session.path == "/oauth2/end_session"
    params = urllib.parse.parse_qs(end_session.query)
    assert params["post_logout_redirect_uri"] == ["http://testserver/connexion/"]
    assert params["id_token_hint"][0].count(".") == 2
    # The provider ends its session and sends the browser back to the portal's login page.
    confirm = urllib.parse.urlencode(
        {"redirect_uri": params["post_logout_redirect_uri"][0]}
    ).encode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with opener.open(response["Location"], timeout=10) as page:
        assert page.status == 200
    try:
        opener.open(urllib.request.Request(f"{sso.url}/oauth2/end_session/confirm", data=confirm))
    except urllib.error.HTTPError as redirect:
        assert redirect.headers["Location"] == "http://testserver/connexion/"
    assert client.get("/").status_code == 302  # signed out here too
    assert SecurityEvent.objects.filter(kind=Kind.LOGOUT, user__email="depart@ministere.example")
