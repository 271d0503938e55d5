# The act's grounds and the default notice of recourse (releases/seeds.py).

from django.db import migrations


def load(apps, schema_editor):
    from releases import seeds

    seeds.load(apps.get_model("releases", "Ground"), apps.get_model("releases", "RecourseNotice"))


class Migration(migrations.Migration):
    dependencies = [("releases", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
