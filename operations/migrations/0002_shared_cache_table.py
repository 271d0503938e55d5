"""The table of Django's database cache (settings.CACHES["default"]).

allauth keeps its rate limits and the TOTP codes already used in the default cache; in the
database they are shared by every app process and every app server, so a limit counts every
attempt and a code used on one server cannot be replayed on another. `migrate` creates the table,
so the release step needs nothing more (`createcachetable` is idempotent)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("operations", "0001_worker_heartbeat")]

    # Unapplying leaves the table: it holds nothing but expiring entries.
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
