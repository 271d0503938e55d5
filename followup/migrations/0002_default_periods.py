"""Editions created before the periods were made with the edition (followup.apps) get the
default ones now, as a visit to a follow-up page used to give them."""

import datetime

from django.db import migrations


def add_default_periods(apps, schema_editor):
    Edition = apps.get_model("roadmap", "Edition")
    ReportingPeriod = apps.get_model("followup", "ReportingPeriod")
    for edition in Edition.objects.filter(reporting_periods__isnull=True):
        start = int(edition.fiscal_year[:4])
        for end in (datetime.date(start, 9, 30), datetime.date(start + 1, 3, 31)):
            ReportingPeriod.objects.get_or_create(edition=edition, end_date=end)


class Migration(migrations.Migration):
    dependencies = [("followup", "0001_initial")]

    operations = [migrations.RunPython(add_default_periods, migrations.RunPython.noop)]
