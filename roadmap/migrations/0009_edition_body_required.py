# The body is required; the ministry's name and acronym are read from it.

import django.db.models.deletion
from django.db import migrations, models

import roadmap.models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_bodies_required"),
        ("roadmap", "0008_edition_body"),
    ]

    operations = []
    # A default first, so that going back re-adds the columns to existing rows (then 0008's
    # reversal fills them from the body).
    for model in ("edition", "historicaledition"):
        operations += [
            migrations.AlterField(
                model_name=model,
                name="ministry",
                field=models.CharField(default="", max_length=200, verbose_name="ministère"),
            ),
            migrations.AlterField(
                model_name=model,
                name="ministry_acronym",
                field=models.CharField(
                    default="", max_length=20, verbose_name="sigle du ministère"
                ),
            ),
            migrations.RemoveField(model_name=model, name="ministry"),
            migrations.RemoveField(model_name=model, name="ministry_acronym"),
        ]
    operations += [
        migrations.AlterField(
            model_name="edition",
            name="body",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="editions",
                to="accounts.publicbody",
                verbose_name="organisme public",
            ),
        ),
        migrations.AlterField(
            model_name="edition",
            name="fiscal_year",
            field=models.CharField(
                help_text="Du 1er avril au 31 mars, ex. : 2024-2025.",
                max_length=9,
                validators=[roadmap.models.validate_fiscal_year],
                verbose_name="exercice financier",
            ),
        ),
        migrations.AlterField(
            model_name="historicaledition",
            name="fiscal_year",
            field=models.CharField(
                help_text="Du 1er avril au 31 mars, ex. : 2024-2025.",
                max_length=9,
                validators=[roadmap.models.validate_fiscal_year],
                verbose_name="exercice financier",
            ),
        ),
        migrations.AddConstraint(
            model_name="edition",
            constraint=models.UniqueConstraint(
                fields=("body", "fiscal_year"), name="edition_fiscal_year_unique_in_body"
            ),
        ),
    ]
