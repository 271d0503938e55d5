"""The commands that set up a body without the interface: create_body, start_edition,
grant_role and revoke_role; and --body on the plan's commands once there are several bodies."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from accounts import roles
from accounts.models import PublicBody, RoleAssignment, User
from roadmap.models import Edition
from security.models import SecurityEvent
from tests.bodies import body_with_edition

Status = Edition.Status


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_create_body_with_every_field_and_its_participating_bodies(db):
    output = run(
        "create_body",
        "RAE",
        "Régie des assurances de l'essai",
        kind="organisme_autre_que_budgetaire",
        head_title="présidente-directrice générale",
        name_in_sentence="de la Régie des assurances de l'essai",
        participating=[("FAE", "Fonds des assurances de l'essai")],
    )
    body = PublicBody.objects.get(acronym="RAE")
    assert "Organisme créé : RAE" in output and "/plan/rae/" in output
    assert (body.slug, body.kind, body.head_title) == (
        "rae",
        PublicBody.Kind.NON_BUDGETARY,
        "présidente-directrice générale",
    )
    assert body.diffusion == (
        "Diffusion limitée : personnel de la Régie des assurances de l'essai et organismes "
        "participants de son portefeuille; transmis au chef gouvernemental de la "
        "transformation numérique (art. 12.8 LGGRI)."
    )
    assert list(body.participating_bodies.values_list("acronym", "name")) == [
        ("FAE", "Fonds des assurances de l'essai")
    ]


def test_create_body_of_a_ministry_needs_only_its_acronym_and_name(db):
    run("create_body", "MTEST", "Ministère des Essais")
    body = PublicBody.objects.get(acronym="MTEST")
    assert body.name_in_sentence == "du ministère des Essais"
    assert body.head_title == "sous-ministre"


def test_create_body_refuses_what_is_missing_or_taken_in_french(db):
    with pytest.raises(CommandError, match="Organisme non créé"):
        run("create_body", "RAE", "Régie des assurances de l'essai")  # no head title, no article
    with pytest.raises(CommandError, match="sigle : "):
        run("create_body", "MEIE", "Ministère de l'Économie bis")
    with pytest.raises(CommandError, match="exercice financier"):
        run("create_body", "X", "Ministère X", slug="2024-2025")
    assert not PublicBody.objects.filter(acronym__in=["RAE", "X"]).exists()


def test_start_edition_empty_then_a_copy_of_an_approved_one(edition):
    Edition.objects.filter(pk=edition.pk).update(status=Status.APPROVED)
    output = run("start_edition", body="MEIE", fiscal_year="2024-2025", source="2023-2024")
    copy = Edition.objects.get(body=edition.body, fiscal_year="2024-2025")
    assert "copie de l'édition 2023-2024" in output and "/plan/meie/2024-2025/" in output
    assert copy.initiatives.count() == edition.initiatives.count()
    with pytest.raises(CommandError, match="déjà en préparation"):
        run("start_edition", body="MEIE", fiscal_year="2025-2026")

    body_with_edition("SQE", "Société québécoise des essais", status=Status.APPROVED)
    run("start_edition", body="sqe", fiscal_year="2024-2025")
    fresh = Edition.objects.get(body__acronym="SQE", fiscal_year="2024-2025")
    assert fresh.status == Status.DRAFT and not fresh.initiatives.exists()
    # Without --from: the default template's structure, ready to fill.
    assert fresh.template.label == "ptn:1" and fresh.sections.count() == 23


def test_start_edition_refuses_a_copy_of_what_is_not_approved(edition):
    with pytest.raises(CommandError, match="Seule une édition approuvée"):
        run("start_edition", fiscal_year="2024-2025", source="2023-2024")
    with pytest.raises(CommandError, match="n'existe pas"):
        run("start_edition", body="XYZ", fiscal_year="2024-2025")


def test_grant_and_revoke_roles_by_their_french_names(edition):
    body_with_edition("SQE", "Société québécoise des essais")
    user = User.objects.create_user("n.roy")

    run("grant_role", "n.roy", "coordonnateur PTN", body="MEIE")
    # The head's role by the body's own title of its head.
    output = run("grant_role", "n.roy", "présidente-directrice générale", body="SQE")
    assert "Rôle donné à n.roy : présidente-directrice générale (SQE)." in output
    run("grant_role", "n.roy", "bureau du chef gouvernemental")
    assert set(user.role_assignments.values_list("body__acronym", "role")) == {
        ("MEIE", roles.COORDINATOR),
        ("SQE", roles.HEAD),
        (None, roles.CGTN_OFFICE),
    }
    assert "avait déjà ce rôle" in run("grant_role", "n.roy", "coordonnateur PTN", body="MEIE")

    run("revoke_role", "n.roy", "coordonnateur PTN", body="MEIE")
    assert not user.role_assignments.filter(body__acronym="MEIE").exists()
    assert "n'avait pas ce rôle" in run("revoke_role", "n.roy", "lecteur", body="MEIE")

    journal = SecurityEvent.objects.filter(user=user).order_by("pk")
    assert [(e.kind, e.detail["role"], e.detail.get("body")) for e in journal] == [
        ("role_added", "coordonnateur PTN", "MEIE"),
        ("role_added", "sous-ministre", "SQE"),
        ("role_added", "bureau du chef gouvernemental", None),
        ("role_removed", "coordonnateur PTN", "MEIE"),
    ]
    history = RoleAssignment.history.filter(user=user).order_by("history_id")
    assert [h.history_type for h in history] == ["+", "+", "+", "-"]


@pytest.mark.parametrize(
    "args, options, message",
    [
        (["n.roy", "coordonnateur PTN"], {}, "se donne dans un organisme"),
        (["n.roy", "administrateur"], {"body": "MEIE"}, "rôle global"),
        (["n.roy", "chef"], {"body": "MEIE"}, "Rôle inconnu : « chef »"),
        (["personne", "lecteur"], {"body": "MEIE"}, "La personne « personne » n'existe pas"),
        (["n.roy", "lecteur"], {"body": "ABC"}, "L'organisme « ABC » n'existe pas"),
    ],
)
def test_grant_role_refuses_in_french(edition, args, options, message):
    User.objects.create_user("n.roy")
    with pytest.raises(CommandError, match=message):
        run("grant_role", *args, **options)
    assert not RoleAssignment.objects.filter(user__username="n.roy").exists()


def test_the_plans_commands_take_the_body_once_there_are_several(edition, tmp_path):
    output = tmp_path / "plan.xlsx"
    run("export_plan", edition="2023-2024", output=str(output))  # one body: no --body needed
    body_with_edition("SQE", "Société québécoise des essais")
    with pytest.raises(CommandError, match="Précisez l'organisme avec --body"):
        run("export_plan", edition="2023-2024", output=str(output))
    with pytest.raises(CommandError, match="Précisez l'organisme avec --body"):
        run("import_plan", str(output), edition="2023-2024", dry_run=True)
    with pytest.raises(CommandError, match="Précisez l'organisme avec --body"):
        run("render_plan_pdf", edition="2023-2024", output=str(tmp_path / "plan.pdf"))

    run("export_plan", body="SQE", edition="2023-2024", output=str(output))
    book = openpyxl.load_workbook(output)
    assert book["Initiatives"].max_row == 1  # the SQE's empty plan, not the MEIE's
    run("export_plan", body="MEIE", edition="2023-2024", output=str(output))
    assert openpyxl.load_workbook(output)["Initiatives"].max_row == 15
    assert "aperçu seulement" in run(
        "import_plan", str(output), body="MEIE", edition="2023-2024", dry_run=True
    )
