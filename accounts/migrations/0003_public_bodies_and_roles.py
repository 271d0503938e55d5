# Public bodies (organismes publics), the participating bodies of their portfolio (formerly
# « Body »), units per body, and roles per body (RoleAssignment). The links to a body are
# nullable here; roadmap's 0008 fills them from the existing editions, then 0004 requires them.

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import accounts.models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicBody",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("acronym", models.CharField(max_length=20, unique=True, verbose_name="sigle")),
                (
                    "slug",
                    models.SlugField(
                        help_text="En minuscules, ex. : meie (les adresses des plans : /plan/meie/2024-2025/).",
                        max_length=40,
                        unique=True,
                        validators=[accounts.models.validate_body_slug],
                        verbose_name="identifiant dans les adresses",
                    ),
                ),
                ("name", models.CharField(max_length=200, unique=True, verbose_name="nom")),
                (
                    "name_in_sentence",
                    models.CharField(
                        help_text="Le nom précédé de sa préposition, tel qu'il suit « Plan de transformation numérique » : « du ministère de l'Économie… », « de la Régie… ».",
                        max_length=220,
                        verbose_name="nom dans une phrase",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("ministere", "ministère"),
                            ("organisme_budgetaire", "organisme budgétaire"),
                            ("organisme_autre_que_budgetaire", "organisme autre que budgétaire"),
                            ("autre", "autre"),
                        ],
                        max_length=40,
                        verbose_name="type d'organisme",
                    ),
                ),
                (
                    "head_title",
                    models.CharField(
                        help_text="Ex. : sous-ministre, présidente-directrice générale.",
                        max_length=120,
                        verbose_name="titre de la personne à la tête de l'organisme",
                    ),
                ),
                (
                    "information_director_title",
                    models.CharField(
                        help_text="Ex. : dirigeante de l'information, dirigeant principal de l'information.",
                        max_length=120,
                        verbose_name="titre de la personne dirigeante de l'information",
                    ),
                ),
                (
                    "diffusion",
                    models.TextField(
                        help_text="La mention de diffusion du plan (page couverte et pied des pages).",
                        verbose_name="diffusion du plan",
                    ),
                ),
            ],
            options={
                "verbose_name": "organisme public",
                "verbose_name_plural": "organismes publics",
                "ordering": ["acronym"],
            },
        ),
        migrations.CreateModel(
            name="RoleAssignment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("reader", "lecteur"),
                            ("lead", "responsable d'initiative"),
                            ("coordinator", "coordonnateur PTN"),
                            ("information_director", "dirigeante de l'information"),
                            ("head", "sous-ministre"),
                            ("administrator", "administrateur"),
                            ("cgtn_office", "bureau du chef gouvernemental"),
                        ],
                        max_length=30,
                        verbose_name="rôle",
                    ),
                ),
            ],
            options={
                "verbose_name": "attribution de rôle",
                "verbose_name_plural": "attributions de rôles",
            },
        ),
        migrations.RenameModel(old_name="Body", new_name="ParticipatingBody"),
        migrations.AlterField(
            model_name="participatingbody",
            name="acronym",
            field=models.CharField(max_length=20, verbose_name="sigle"),
        ),
        migrations.AlterField(
            model_name="participatingbody",
            name="name",
            field=models.CharField(max_length=200, verbose_name="nom"),
        ),
        migrations.RenameField(model_name="user", old_name="body", new_name="participating_body"),
        migrations.AlterField(
            model_name="unit",
            name="acronym",
            field=models.CharField(max_length=20, verbose_name="sigle"),
        ),
        migrations.AlterField(
            model_name="unit",
            name="name",
            field=models.CharField(max_length=200, verbose_name="nom"),
        ),
        migrations.CreateModel(
            name="HistoricalPublicBody",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("acronym", models.CharField(db_index=True, max_length=20, verbose_name="sigle")),
                (
                    "slug",
                    models.SlugField(
                        help_text="En minuscules, ex. : meie (les adresses des plans : /plan/meie/2024-2025/).",
                        max_length=40,
                        validators=[accounts.models.validate_body_slug],
                        verbose_name="identifiant dans les adresses",
                    ),
                ),
                ("name", models.CharField(db_index=True, max_length=200, verbose_name="nom")),
                (
                    "name_in_sentence",
                    models.CharField(
                        help_text="Le nom précédé de sa préposition, tel qu'il suit « Plan de transformation numérique » : « du ministère de l'Économie… », « de la Régie… ».",
                        max_length=220,
                        verbose_name="nom dans une phrase",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("ministere", "ministère"),
                            ("organisme_budgetaire", "organisme budgétaire"),
                            ("organisme_autre_que_budgetaire", "organisme autre que budgétaire"),
                            ("autre", "autre"),
                        ],
                        max_length=40,
                        verbose_name="type d'organisme",
                    ),
                ),
                (
                    "head_title",
                    models.CharField(
                        help_text="Ex. : sous-ministre, présidente-directrice générale.",
                        max_length=120,
                        verbose_name="titre de la personne à la tête de l'organisme",
                    ),
                ),
                (
                    "information_director_title",
                    models.CharField(
                        help_text="Ex. : dirigeante de l'information, dirigeant principal de l'information.",
                        max_length=120,
                        verbose_name="titre de la personne dirigeante de l'information",
                    ),
                ),
                (
                    "diffusion",
                    models.TextField(
                        help_text="La mention de diffusion du plan (page couverte et pied des pages).",
                        verbose_name="diffusion du plan",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical organisme public",
                "verbose_name_plural": "historical organismes publics",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AlterField(
            model_name="user",
            name="participating_body",
            field=models.ForeignKey(
                blank=True,
                help_text="Pour le personnel d'un organisme participant du portefeuille.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                to="accounts.participatingbody",
                verbose_name="organisme participant",
            ),
        ),
        migrations.AddField(
            model_name="participatingbody",
            name="public_body",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="participating_bodies",
                to="accounts.publicbody",
                verbose_name="organisme public",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalRoleAssignment",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("reader", "lecteur"),
                            ("lead", "responsable d'initiative"),
                            ("coordinator", "coordonnateur PTN"),
                            ("information_director", "dirigeante de l'information"),
                            ("head", "sous-ministre"),
                            ("administrator", "administrateur"),
                            ("cgtn_office", "bureau du chef gouvernemental"),
                        ],
                        max_length=30,
                        verbose_name="rôle",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="personne",
                    ),
                ),
                (
                    "body",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Vide pour un rôle global (administrateur, bureau du chef gouvernemental).",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounts.publicbody",
                        verbose_name="organisme public",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical attribution de rôle",
                "verbose_name_plural": "historical attributions de rôles",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="unit",
            name="body",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="units",
                to="accounts.publicbody",
                verbose_name="organisme public",
            ),
        ),
        migrations.AddConstraint(
            model_name="unit",
            constraint=models.UniqueConstraint(
                fields=("body", "acronym"), name="unit_acronym_unique_in_body"
            ),
        ),
        migrations.AddConstraint(
            model_name="unit",
            constraint=models.UniqueConstraint(
                fields=("body", "name"), name="unit_name_unique_in_body"
            ),
        ),
        migrations.AddField(
            model_name="roleassignment",
            name="body",
            field=models.ForeignKey(
                blank=True,
                help_text="Vide pour un rôle global (administrateur, bureau du chef gouvernemental).",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="role_assignments",
                to="accounts.publicbody",
                verbose_name="organisme public",
            ),
        ),
        migrations.AddField(
            model_name="roleassignment",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="role_assignments",
                to=settings.AUTH_USER_MODEL,
                verbose_name="personne",
            ),
        ),
        migrations.AddConstraint(
            model_name="participatingbody",
            constraint=models.UniqueConstraint(
                fields=("public_body", "acronym"), name="participating_body_unique_acronym"
            ),
        ),
        migrations.AddConstraint(
            model_name="roleassignment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("body__isnull", False)),
                fields=("user", "body", "role"),
                name="role_unique_in_body",
            ),
        ),
        migrations.AddConstraint(
            model_name="roleassignment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("body__isnull", True)),
                fields=("user", "role"),
                name="global_role_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="roleassignment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("body__isnull", True), ("role__in", ("administrator", "cgtn_office"))
                    ),
                    models.Q(
                        ("body__isnull", False),
                        (
                            "role__in",
                            ("reader", "lead", "coordinator", "information_director", "head"),
                        ),
                    ),
                    _connector="OR",
                ),
                name="role_held_where_it_applies",
            ),
        ),
    ]
