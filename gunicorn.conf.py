"""gunicorn's settings for `make serve` and production (see docs/deploy.md).

Workers: WEB_CONCURRENCY if set, else 2 × CPU + 1 (gunicorn's advice for a server that also
waits on its database). Each worker is a separate process with its own database connection; the
portal keeps no state in them (sessions and files are in the database and the storage).
"""

import multiprocessing
import os

from ptn.logformat import JSON_FORMATTER

bind = os.environ.get(
    "BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# A request that takes longer is killed (PDF renders run in the task worker, not here); on
# SIGTERM (a deploy), workers finish their requests for up to graceful_timeout seconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then: a slow leak never becomes an outage.
max_requests = 2000
max_requests_jitter = 200
# The TLS proxy in front is trusted for X-Forwarded-* (only it can reach gunicorn).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The portal writes one JSON line per request itself (operations.logs): no access log here.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": JSON_FORMATTER},  # as the portal's own lines (ptn/settings.py)
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False}
    },
}
if os.environ.get("LOG_FORMAT", "json") == "text":
    logconfig_dict = {}
wsgi_app = "ptn.wsgi:application"


def post_worker_init(worker):
    """Import every view (the URLconf) before the worker takes its first request. Django imports
    them on the first request otherwise: about a second of CPU that the first person served by
    each new worker — at every start and every recycling — would wait for. Workers load the
    application after the fork (no preload_app), so a HUP still reloads the code."""
    import time

    from django.urls import get_resolver

    started = time.monotonic()
    get_resolver().url_patterns  # noqa: B018  (the attribute imports the URLconf)
    worker.log.info(
        "Worker ready: views imported",
        extra={"pid": worker.pid, "duration_ms": round((time.monotonic() - started) * 1000)},
    )
