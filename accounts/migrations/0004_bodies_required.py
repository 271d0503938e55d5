# Units and participating bodies belong to a public body (filled by roadmap's 0008).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_public_bodies_and_roles"),
        ("roadmap", "0008_edition_body"),
    ]

    operations = [
        migrations.AlterField(
            model_name="participatingbody",
            name="public_body",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="participating_bodies",
                to="accounts.publicbody",
                verbose_name="organisme public",
            ),
        ),
        migrations.AlterField(
            model_name="unit",
            name="body",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="units",
                to="accounts.publicbody",
                verbose_name="organisme public",
            ),
        ),
    ]
