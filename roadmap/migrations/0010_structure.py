"""Issue 11, « structure »: the radar's scale has a minimum. Radars that exist were read on a
0 to scale_max scale (their scores were checked from 0), so they keep 0; new ones default to 1."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("roadmap", "0009_edition_body_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalradar",
            name="scale_min",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="minimum de l'échelle"),
        ),
        migrations.AddField(
            model_name="radar",
            name="scale_min",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="minimum de l'échelle"),
        ),
        migrations.AlterField(
            model_name="historicalradar",
            name="scale_min",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="minimum de l'échelle"),
        ),
        migrations.AlterField(
            model_name="radar",
            name="scale_min",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="minimum de l'échelle"),
        ),
        migrations.AlterField(
            model_name="historicalradarscore",
            name="score",
            field=models.DecimalField(
                decimal_places=2,
                max_digits=4,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="résultat",
            ),
        ),
        migrations.AlterField(
            model_name="radarscore",
            name="score",
            field=models.DecimalField(
                decimal_places=2,
                max_digits=4,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="résultat",
            ),
        ),
    ]
