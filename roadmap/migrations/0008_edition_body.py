"""Every edition belongs to a public body: the existing editions' ministry becomes one (the
demo's data becomes the MEIE's), and today's group memberships become role assignments in it.

Django groups stop being roles: the six role groups are converted, then deleted.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.utils.text import slugify

# Today's role groups → the roles of RoleAssignment (accounts.models.Role).
ROLES = {
    "lecteur": "reader",
    "responsable d'initiative": "lead",
    "coordonnateur PTN": "coordinator",
    "dirigeante de l'information": "information_director",
    "sous-ministre": "head",
    "administrateur": "administrator",
}
GLOBAL_ROLES = {"administrator", "cgtn_office"}
DIFFUSION = (
    "Diffusion limitée : employés {who} et organismes participants de son portefeuille; "
    "transmis au chef gouvernemental de la transformation numérique (art. 12.8 LGGRI)."
)


def _body_values(name: str, acronym: str) -> dict:
    ministry = name.startswith("Ministère")
    name_in_sentence = ("du m" + name[1:]) if ministry else f"de {name}"
    return {
        "acronym": acronym,
        "slug": slugify(acronym) or "organisme",
        "name": name,
        "name_in_sentence": name_in_sentence,
        "kind": "ministere" if ministry else "autre",
        "head_title": "sous-ministre" if ministry else "dirigeant de l'organisme",
        "information_director_title": "dirigeante de l'information",
        "diffusion": DIFFUSION.format(who="du Ministère" if ministry else name_in_sentence),
    }


def bodies_from_editions(apps, schema_editor):
    Edition = apps.get_model("roadmap", "Edition")
    HistoricalEdition = apps.get_model("roadmap", "HistoricalEdition")
    PublicBody = apps.get_model("accounts", "PublicBody")
    Unit = apps.get_model("accounts", "Unit")
    ParticipatingBody = apps.get_model("accounts", "ParticipatingBody")
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    User = apps.get_model("accounts", "User")
    Group = apps.get_model("auth", "Group")

    bodies = []
    pairs = Edition.objects.order_by("fiscal_year").values_list("ministry", "ministry_acronym")
    for name, acronym in pairs:
        body = PublicBody.objects.filter(acronym=acronym).first()
        if body is None:
            body = PublicBody.objects.create(**_body_values(name, acronym))
            bodies.append(body)
        Edition.objects.filter(ministry_acronym=acronym).update(body=body)
        HistoricalEdition.objects.filter(ministry_acronym=acronym).update(body=body)
    groups = Group.objects.filter(name__in=ROLES)
    members = User.objects.filter(groups__in=groups)
    if not bodies and (Unit.objects.exists() or ParticipatingBody.objects.exists() or members):
        # People and units without any edition yet: they belong to one body, to be renamed.
        bodies.append(PublicBody.objects.create(**_body_values("Organisme public", "ORG")))
    if bodies:
        Unit.objects.update(body=bodies[0])
        ParticipatingBody.objects.update(public_body=bodies[0])
    for group in groups:
        role = ROLES[group.name]
        for user in User.objects.filter(groups=group):
            for body in [None] if role in GLOBAL_ROLES else bodies:
                RoleAssignment.objects.get_or_create(user=user, body=body, role=role)
    groups.delete()


def groups_from_bodies(apps, schema_editor):
    Edition = apps.get_model("roadmap", "Edition")
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    Group = apps.get_model("auth", "Group")
    for edition in Edition.objects.select_related("body"):
        if edition.body_id:
            edition.ministry = edition.body.name
            edition.ministry_acronym = edition.body.acronym
            edition.save(update_fields=["ministry", "ministry_acronym"])
    names = {code: name for name, code in ROLES.items()}
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for assignment in RoleAssignment.objects.select_related("user"):
        if assignment.role in names:
            assignment.user.groups.add(Group.objects.get(name=names[assignment.role]))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_public_bodies_and_roles"),
        ("roadmap", "0007_moved_task_paths"),
    ]

    operations = [
        migrations.AddField(
            model_name="edition",
            name="body",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="editions",
                to="accounts.publicbody",
                verbose_name="organisme public",
            ),
        ),
        migrations.AddField(
            model_name="historicaledition",
            name="body",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="accounts.publicbody",
                verbose_name="organisme public",
            ),
        ),
        migrations.RunPython(bodies_from_editions, groups_from_bodies),
    ]
