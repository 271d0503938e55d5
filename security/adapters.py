"""django-allauth's adapters: what the portal decides in allauth's flows."""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest
from django.urls import reverse

from security import mail, sso


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Nobody creates their own local account: administrators create accounts, and single
        sign-on creates one at a first login (SocialAccountAdapter)."""
        return False

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        """After a single sign-on session, logging out also ends the provider's session
        (OpenID Connect RP-initiated logout); it sends the person back to the login page."""
        end_session = sso.end_session_url(request)
        if end_session:
            back = request.build_absolute_uri(reverse("login"))
            return f"{end_session[0]}?{urlencode({**end_session[1], 'post_logout_redirect_uri': back})}"
        return super().get_logout_redirect_url(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's e-mails (password reset, security notices) are rendered here, with
        allauth's templates and context, and sent by the task worker: a mail server that is
        down never breaks the page (security.mail)."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request)}
            | context,
        )
        mail.queue_message(message)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin) -> bool:
        """A person the provider vouches for gets an account at their first login, without
        any role: an administrator grants roles in the portal."""
        return True

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        """A refused single sign-on (wrong state, an ID token expired or altered…) is a
        security event: the journal keeps why (the page tells the person only that it failed)."""
        from security.events import Kind, record

        cause = exception.__cause__ if exception is not None else None
        record(
            Kind.SSO_REFUSED,
            request=request,
            error=str(error or ""),
            exception=type(exception).__name__ if exception is not None else "",
            reason=f"{type(cause).__name__}: {cause}" if cause else str(exception or ""),
        )
        super().on_authentication_error(request, provider, error, exception, extra_context)


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        """The QR code as inline SVG markup (no data: URL, which the CSP refuses; no XML
        declaration, which HTML does not take), described for screen readers."""
        svg = super().build_totp_svg(url)
        svg = svg[svg.index("<svg") :]
        return svg.replace(
            "<svg ",
            '<svg class="ptn-qr" role="img" aria-labelledby="ptn-qr-label" ',
            1,
        )
