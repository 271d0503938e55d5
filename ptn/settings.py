"""Settings of Portail PTN, read from the environment (see README: Configuration)."""

import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from ptn.logformat import JSON_FORMATTER

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: a random key kept outside the repository, so that
    # sessions survive a restart and nothing secret is ever committed.
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        VAR_DIR.mkdir(exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if DEBUG:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before django.contrib.staticfiles: `runserver` then serves static files the way
    # production does (WhiteNoise), not through Django's development view.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    # Before django_tasks_db: its `db_worker` command adds the worker heartbeat.
    "operations",
    "django_tasks_db",
    # Who gets in (see security/__init__.py): django-allauth for login, passwords, MFA and
    # single sign-on; django-axes for lockouts.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    "security",
    "accounts",
    "roadmap",
    "initiatives",
    "benefits",
    "followup",
    "releases",
]

MIDDLEWARE = [
    # First: every request, even one refused by a later middleware, gets an id and a log line.
    "operations.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (SECURE_CSP below) on every response.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Static files (hashed names, compressed, cached for a year): no other server needed.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ptn.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Bodies larger than allowed are refused (413) before anything reads them.
    "security.middleware.RequestSizeLimitMiddleware",
    # No-store on what a signed-in person sees.
    "security.middleware.NoStoreMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Login is required everywhere; the few public views opt out explicitly.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle timeout and absolute lifetime of a session (after messages: it says why).
    "security.middleware.SessionLifetimeMiddleware",
    # A local account whose roles require MFA goes to the enrolment page until it has enrolled.
    "security.middleware.MFAEnrolmentMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records who made each change in the history (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a lockout decided during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ptn.urls"
WSGI_APPLICATION = "ptn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "roadmap.context_processors.editions",
                "releases.context_processors.release_roles",
                "security.context_processors.session_lifetime",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ptn.sqlite3'}")
# On PostgreSQL a gunicorn (sync) worker keeps its connection for a minute instead of opening one
# per request (a new server process each time, a few milliseconds of both machines' time), and
# checks it before reuse, so a restarted database costs one failed check, not an error page.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(
            os.environ.get("CONN_MAX_AGE", "60" if DATABASE_URL.startswith("postgres") else "0")
        ),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # Wait for a writer instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out account or address before a password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.PortalBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# --- Who gets in (issue 12; README « Connexion et sécurité », security/) -------------------
# Local passwords (username and password) can be switched off where single sign-on is the rule;
# the login page then offers only the identity provider.
LOCAL_LOGIN = env_bool("LOCAL_LOGIN", True)
ACCOUNT_ADAPTER = "security.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "security.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = False  # e-mail addresses of existing accounts are not unique today
ACCOUNT_LOGOUT_ON_GET = False  # logout is a POST (a link or an image cannot sign anyone out)
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False  # the session lifetime below applies to everyone
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True  # a reset request answers the same whether the address exists
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Portail PTN] "
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# "default": allauth's throttling below and the TOTP codes already used, in the database so
# that every app process and server shares them (the table is made by operations' migration
# 0002). "fragments": rendered pieces of pages memoised by everything they show (the roadmap's
# rows, see roadmap/views.py), per process: a key never outlives its data, so processes need not
# share it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "ptn_cache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
}
# Throttling by allauth (per address and per key, in the cache) beside django-axes's lockouts.
ACCOUNT_RATE_LIMITS = {
    # Per account, django-axes decides (its lockout page, its admin); allauth only slows an
    # address that tries many accounts at once.
    "login_failed": "20/m/ip",
    # Every sign-in, failed or not. The cache is shared by every app process, and a ministry's
    # staff often reach the portal from one proxy address: allauth's 30 a minute would turn
    # away an office signing in at 9 a.m. Failures are limited above and by django-axes.
    "login": "300/m/ip",
    "reset_password": "5/m/ip,3/m/key",
    "reset_password_from_key": "10/m/ip",
    "change_password": "5/m/user",
}
SOCIALACCOUNT_ONLY = not LOCAL_LOGIN
MFA_ADAPTER = "security.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Portail PTN"
MFA_PASSKEY_LOGIN_ENABLED = False
# WebAuthn needs a secure context: HTTPS, or http://127.0.0.1 and localhost in development.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# Single sign-on through any OpenID Connect provider (Microsoft Entra ID, Keycloak, …): on when
# OIDC_ISSUER is set. Authorization code flow with PKCE; the ID token's signature, issuer,
# audience and expiry are checked (security.sso). Accounts are matched by the provider's subject,
# else by e-mail; a new account is created without any role.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip()
OIDC_NAME = os.environ.get("OIDC_NAME", "").strip() or "Authentification gouvernementale"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "sso",
                "name": OIDC_NAME,
                "client_id": os.environ.get("OIDC_CLIENT_ID", ""),
                "secret": os.environ.get("OIDC_CLIENT_SECRET", ""),
                "settings": {
                    "server_url": OIDC_ISSUER,
                    "oauth_pkce_enabled": True,
                    # The organisation's own provider: its e-mail addresses are its staff's.
                    "verified_email": True,
                    "email_authentication": True,
                    "scope": os.environ.get("OIDC_SCOPES", "openid profile email").split(),
                },
            }
        ]
        if OIDC_ISSUER
        else [],
    }
}
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # the login page posts to the provider's start (CSRF)
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False

# django-axes: after AXES_FAILURE_LIMIT failures for one account, or from one address, logins
# (local, admin, MFA codes) are refused for AXES_COOLOFF_MINUTES; administrators see and lift
# lockouts in the admin (« Access attempts »).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "security/lockout.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "code"]
# One rule for the address a request counts as, shared with allauth's rate limits.
AXES_CLIENT_IP_CALLABLE = "security.policy.client_ip"

# Sessions: closed after SESSION_IDLE_TIMEOUT without a request, and SESSION_ABSOLUTE_LIFETIME
# after login whatever happens (security.middleware); a page warns before either.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
SESSION_ABSOLUTE_LIFETIME = int(os.environ.get("SESSION_ABSOLUTE_LIFETIME", str(8 * 3600)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Request bodies: the import's 10 Mo plus room for the form around it; much less without a
# session (the login form is a few hundred bytes).
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(11 * 1024 * 1024)))
ANONYMOUS_REQUEST_MAX_BYTES = int(os.environ.get("ANONYMOUS_REQUEST_MAX_BYTES", str(64 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # form fields other than files
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger files go to a temporary file

# French (Canada) first; English through Django's i18n.
LANGUAGE_CODE = "fr-ca"
LANGUAGES = [("fr-ca", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
if DEBUG:
    STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise serves from the finders, and warns without it
# Generated files (archived PDFs, cached drafts, previewed imports) go through Django's storage:
# local disk by default, any S3-compatible object store when S3_BUCKET is set.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"  # never served directly: PDFs go through a permission-checked view
S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            # A ministry's MinIO or Ceph: its address; empty for the cloud provider's own.
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            # Without keys here, boto3 finds them itself (AWS_* variables, instance role).
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("S3_PREFIX", ""),
            # Path-style addressing works with every S3-compatible server.
            "addressing_style": "path",
            # Files are private: the portal reads them and serves them after its own checks.
            "default_acl": None,
            "querystring_auth": True,
            # Write-once archives keep their name; never overwrite silently.
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    # Hashed names (cached for a year by browsers) and gzip/Brotli copies, made by
    # `collectstatic`; development serves the files as they are.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
PDF_RENDER_TIMEOUT = float(os.environ.get("PDF_RENDER_TIMEOUT", "120"))
# Exports of the plan (XLSX, CSV, JSON) running at once on one app server: half its cores, so
# that pages keep the others (roadmap/exchange/slots.py). 0: no limit.
EXPORT_SLOTS = int(os.environ.get("EXPORT_SLOTS") or max(1, (os.cpu_count() or 2) // 2))
EXPORT_SLOT_WAIT = 30  # seconds a download waits for a slot before it runs anyway
EXPORT_SLOT_DIR = tempfile.gettempdir()

# Background work (PDF renders, e-mails, housekeeping) goes through Django's tasks framework
# with a database queue, run by `manage.py db_worker` (started by `make run` and `make serve`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A worker writes its heartbeat this often; one silent for WORKER_LOST_AFTER is taken as dead:
# readiness fails if no worker is alive, and a task it was running is run again or failed.
WORKER_HEARTBEAT_INTERVAL = float(os.environ.get("WORKER_HEARTBEAT_INTERVAL", "10"))
WORKER_LOST_AFTER = float(os.environ.get("WORKER_LOST_AFTER", "60"))
# How often housekeeping runs, and what it deletes (see operations.housekeeping).
HOUSEKEEPING_INTERVAL = float(os.environ.get("HOUSEKEEPING_INTERVAL", "3600"))
IMPORT_FILE_MAX_AGE = 24 * 3600
PDF_CACHE_MAX_AGE = 7 * 24 * 3600
# A workflow e-mail that cannot be sent is tried again after these delays (seconds).
MAIL_RETRY_DELAYS = [60, 300, 900, 3600, 4 * 3600]

# Follow-up (issue 14): thresholds of the derived health (followup/health.py; the defaults and
# where each comes from are in the README, « Suivi »). Override any of them here, e.g.
# FOLLOWUP_HEALTH = {"COST_YELLOW": Decimal("0.10"), "COST_RED": Decimal("0.15")}.
FOLLOWUP_HEALTH: dict = {}
# Reminders: leads whose report is missing are e-mailed this many days before a period ends.
FOLLOWUP_REMINDER_DAYS = int(os.environ.get("FOLLOWUP_REMINDER_DAYS", "14"))
# How often the reminder task runs (seconds; a day).
FOLLOWUP_REMINDER_INTERVAL = float(os.environ.get("FOLLOWUP_REMINDER_INTERVAL", "86400"))

# History is read in the portal, never edited: no « revert » in the admin.
SIMPLE_HISTORY_REVERT_DISABLED = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
# HTTPS by default once DEBUG is off: plain HTTP is redirected and browsers are told to use
# HTTPS only (HSTS, a year). A plain-HTTP local run (make serve, the tests, bench/load.py) says
# so explicitly with SECURE_SSL_REDIRECT=0 and SECURE_HSTS_SECONDS=0.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^sante/"]  # health probes of a load balancer may use plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is the organisation's decision for its whole domain (hstspreload.org), hard to
# undo: off unless asked for, and the deploy check's reminder about it is silenced.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind a TLS reverse proxy (see docs/deploy.md): it says the request came over HTTPS (and
# which address it came from), and the public address is trusted for CSRF.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY")
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The person's address is the last X-Forwarded-For entry, the one the proxy added (else
    # everyone would share the proxy's address); see security.policy.client_ip.
    ALLAUTH_TRUSTED_PROXY_COUNT = 1
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy: only the portal's own files; no inline script or style, no eval
# (htmx runs with includeIndicatorStyles and allowEval off, see templates/base.html). The QR
# code of MFA enrolment is inline SVG markup, not an image URL.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # The design system's stylesheet (vendored) draws its icons as data: SVG images.
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
if OIDC_ISSUER:
    # Signing in and out with the identity provider are form posts that end there.
    from urllib.parse import urlsplit

    _issuer = urlsplit(OIDC_ISSUER)
    SECURE_CSP["form-action"].append(f"{_issuer.scheme}://{_issuer.netloc}")

# E-mail: the workflow tells the next actor. Console in development, SMTP otherwise.
PORTAL_URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Portail PTN <ne-pas-repondre@ptn.example>"
)
_email_backend = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {"BACKEND": _email_backend}
    if "smtp" not in _email_backend
    else {
        "BACKEND": _email_backend,
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
        },
    }
}

# Logs: one line per request and per background task, with the request id; JSON (one object a
# line, for a log collector) unless LOG_FORMAT=text. See operations.logs.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "operations.logs.ContextFilter"}},
    "formatters": {
        "json": JSON_FORMATTER,
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # The portal logs each request and task itself (operations.logs): not these again.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
        # WeasyPrint's warnings about CSS it ignores are not the operators' business.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        # Security events (security.events): always kept, whatever LOG_LEVEL says.
        "ptn.security": {"level": "INFO"},
        # django-axes's own lines repeat what the security events say.
        "axes": {"level": "WARNING"},
    },
}
