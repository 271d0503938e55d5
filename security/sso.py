"""Single sign-on through an OpenID Connect provider (django-allauth's ``openid_connect``).

allauth verifies the ID token's issuer, audience and expiry, but skips its signature when the
token came straight from the token endpoint (OpenID Connect Core 3.1.3.7 allows it over TLS).
The portal checks the signature anyway — a token altered by anything between the provider and
us is refused — by serving allauth's login and callback with an adapter that always verifies.
It also keeps the ID token in the session, for the provider's logout (RP-initiated logout).
"""

from __future__ import annotations

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404, HttpRequest, HttpResponse

ID_TOKEN = "ptn_sso_id_token"
END_SESSION = "ptn_sso_end_session"


class SignedIDTokenAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict:
        claims = jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )
        self.request.session[ID_TOKEN] = id_token
        self.request.session[END_SESSION] = self.openid_config.get("end_session_endpoint", "")
        return claims


@login_not_required
def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        return OAuth2LoginView.adapter_view(SignedIDTokenAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


@login_not_required
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        return OAuth2CallbackView.adapter_view(SignedIDTokenAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


def end_session_url(request: HttpRequest) -> tuple[str, dict] | None:
    """The provider's end-session endpoint and its parameters, for a single sign-on session."""
    endpoint = request.session.get(END_SESSION)
    id_token = request.session.get(ID_TOKEN)
    if not endpoint or not id_token:
        return None
    return endpoint, {"id_token_hint": id_token}
