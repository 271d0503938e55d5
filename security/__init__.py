"""Who gets in: login, MFA, single sign-on, lockouts, sessions, headers and the security journal.

Built on well-kept libraries rather than our own security code:

- **django-allauth** (``allauth.account``, ``allauth.mfa``, ``allauth.socialaccount``) serves the
  login and logout, password change and reset by e-mail, rate limits, MFA (TOTP, recovery codes,
  WebAuthn) and single sign-on through any OpenID Connect provider. It was chosen over
  mozilla-django-oidc because one library covers all of these; its pages are ours
  (``templates/allauth/``, ``templates/account/``, ``templates/mfa/``): French, the design
  system's look, valid HTML, nothing inline (CSP).
- **django-axes** locks an account or an address out after repeated failures (password, MFA code)
  and shows the lockouts in the admin, where an administrator lifts them.
- Django's own ``ContentSecurityPolicyMiddleware``, ``SecurityMiddleware`` and password validators.

What is ours is small and says what the portal decides: which roles require MFA
(``policy.requires_mfa``), the session's idle and absolute limits, the size of request bodies,
``Cache-Control: no-store`` for signed-in people (``middleware``), the signature check of every
ID token (``sso``), and the security events written to the log and to the « Journal de sécurité »
(``events``, ``models``).
"""
