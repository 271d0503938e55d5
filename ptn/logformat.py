"""The JSON log line's format, shared by the portal's settings and gunicorn's (gunicorn.conf.py
reads it before Django starts, so this module imports nothing of Django)."""

JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(levelname)s %(name)s %(message)s",
    "rename_fields": {"levelname": "level", "name": "logger"},
    # ISO 8601 in UTC: asctime is local time without its zone, and gunicorn's lines before
    # Django sets TIME_ZONE would be in another zone than the portal's.
    "timestamp": "time",
}
