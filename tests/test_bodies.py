"""Several public bodies in one installation: each body's people see its plans and only them,
roles are held per body, the chief's office reads every transmitted plan, and nothing a page, an
e-mail, an export or the PDF says about a body comes from anywhere but the body's data."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from accounts import roles
from accounts.models import PublicBody, User
from roadmap.links import plan_url
from roadmap.models import Edition, PlanTemplate
from roadmap.workflow.next_edition import edition_start
from roadmap.workflow.notifications import awaiting, queue_step_notifications
from roadmap.workflow.steps import STEPS
from tests.bodies import body_with_edition, person
from tests.conftest import DEMO_BODY, DEMO_YEAR
from tests.personas import client_for, give_roles
from tests.test_pages import text_of

Status = Edition.Status


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sqe(db) -> Edition:
    """The SQE (an organisme led by a présidente-directrice générale) and its 2023-2024 draft."""
    return body_with_edition("SQE", "Société québécoise des essais")


# --- Two bodies, one fiscal year ------------------------------------------------------------


def test_two_bodies_each_have_their_own_2023_2024_edition(edition, sqe):
    assert edition.fiscal_year == sqe.fiscal_year == DEMO_YEAR
    assert Edition.objects.filter(fiscal_year=DEMO_YEAR).count() == 2
    meie_reader, sqe_reader = (
        client_for("lecteur"),
        client_of(person("l-sqe", roles.READER, body="sqe")),
    )

    meie_page = text_of(meie_reader.get(plan_url("roadmap:home", edition)))
    assert "Ministère de l’Économie, de l’Innovation et de l’Énergie" in meie_page
    assert meie_reader.get(plan_url("roadmap:home", sqe)).status_code == 404

    sqe_page = text_of(sqe_reader.get(plan_url("roadmap:home", sqe)))
    assert "Société québécoise des essais" in sqe_page
    assert "Ministère de l’Économie" not in sqe_page and "MEIE" not in sqe_page
    assert sqe_reader.get(plan_url("roadmap:home", edition)).status_code == 404


def test_a_second_edition_of_the_same_year_in_one_body_is_refused(edition):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Edition.objects.create(body=edition.body, fiscal_year=DEMO_YEAR)


def test_an_address_without_the_body_leads_to_the_one_edition_of_that_year_one_may_read(
    edition, sqe
):
    path = f"/plan/{DEMO_YEAR}/feuille-de-route/?q=donnees"
    response = client_for("lecteur").get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/plan/meie/{DEMO_YEAR}/feuille-de-route/?q=donnees"

    sqe_reader = client_of(person("l-sqe", roles.READER, body="sqe"))
    assert sqe_reader.get(path)["Location"].startswith(f"/plan/sqe/{DEMO_YEAR}/")

    # Someone who reads both bodies' 2023-2024 editions: which one is meant is not guessed.
    both = person("deux-organismes", roles.READER)
    give_roles(both, roles.READER, body="sqe")
    assert client_of(both).get(path).status_code == 404
    assert client_for("lecteur").get("/plan/1999-2000/").status_code == 404


# --- Roles per body -------------------------------------------------------------------------


def test_one_person_coordinates_one_body_and_reads_another(edition, sqe):
    user = person("c-sqe-l-meie", roles.COORDINATOR, body="sqe")
    give_roles(user, roles.READER, body=DEMO_BODY)
    client = client_of(user)

    # The MEIE's plan: read, not edited.
    pslu = edition.initiatives.get(code="1.1.1")
    assert client.get(plan_url("roadmap:home", edition)).status_code == 200
    edit_meie = plan_url("roadmap:edit", edition, "edition", edition.pk)
    assert client.get(edit_meie).status_code == 403
    assert client.post(edit_meie, {"vision": "Changée", "expected_version": 1}).status_code == 403
    assert client.get(plan_url("roadmap:edit", edition, "initiative", pslu.pk)).status_code == 403
    edition.refresh_from_db()
    assert edition.vision.startswith("Créer de la richesse")

    # The SQE's plan: edited.
    edit_sqe = plan_url("roadmap:edit", sqe, "edition", sqe.pk)
    response = client.post(edit_sqe, {"vision": "Des essais utiles", "expected_version": 1})
    assert response.status_code == 302
    sqe.refresh_from_db()
    assert sqe.vision == "Des essais utiles"

    # The landing page lists both bodies' plans; the header switches from one to the other.
    index = client.get("/")
    assert index.status_code == 200
    assert plan_url("roadmap:home", edition) in index.content.decode()
    assert plan_url("roadmap:home", sqe) in index.content.decode()
    home = client.get(plan_url("roadmap:home", edition)).content.decode()
    assert "Changer d'organisme" in home and plan_url("roadmap:home", sqe) in home


def test_the_coordinator_of_a_body_takes_its_steps_and_not_anothers(edition, sqe):
    from roadmap.workflow.steps import available_steps

    coordinator = User.objects.get(username="coordonnateur")
    assert [s.slug for s in available_steps(coordinator, edition)] == ["soumettre"]
    assert available_steps(coordinator, sqe) == []
    response = client_for("coordonnateur").post(plan_url("roadmap:transition", sqe, "soumettre"))
    assert response.status_code == 404
    sqe.refresh_from_db()
    assert sqe.status == Status.DRAFT


def test_the_workflow_tells_only_the_editions_body_people(edition, sqe, mailoutbox):
    from roadmap.models import Transition

    person("di-sqe", roles.INFORMATION_DIRECTOR, body="sqe")
    done = Transition.objects.create(
        edition=edition, action=Transition.Action.SUBMIT, to_status=Status.SUBMITTED
    )
    recipients = queue_step_notifications(done, STEPS["soumettre"].notify)
    assert recipients == 1  # the MEIE's DI, not the SQE's


def test_home_notices_name_the_body_to_someone_of_several_bodies(edition, sqe):
    di = User.objects.get(username="di")
    Edition.objects.filter(pk=edition.pk).update(status=Status.SUBMITTED)
    assert awaiting(di)[0][0] == "L'édition 2023-2024 attend votre recommandation."
    give_roles(di, roles.INFORMATION_DIRECTOR, body="sqe")
    Edition.objects.filter(pk=sqe.pk).update(status=Status.SUBMITTED)
    roles.forget(di)
    assert sorted(message for message, _url in awaiting(di)) == [
        "L'édition MEIE 2023-2024 attend votre recommandation.",
        "L'édition SQE 2023-2024 attend votre recommandation.",
    ]


def test_leads_offered_are_the_bodys_leads_and_coordinators(edition, sqe):
    person("lead-sqe", roles.LEAD, body="sqe")
    response = client_for("coordonnateur").get(plan_url("roadmap:roadmap", edition))
    offered = {user.username for user in response.context["assign_form"].fields["lead"].queryset}
    assert offered == {"coordonnateur", "responsable", "responsable-donnees", "responsable-ti"}

    stranger = User.objects.get(username="lead-sqe")
    pslu = edition.initiatives.get(code="1.1.1")
    response = client_for("coordonnateur").post(
        plan_url("roadmap:assign", edition),
        {"initiative": [pslu.pk], f"version-{pslu.pk}": pslu.version, "lead": stranger.pk},
    )
    assert response.status_code == 422
    pslu.refresh_from_db()
    assert pslu.lead.username == "responsable"

    fiche = client_for("coordonnateur").get(
        plan_url("roadmap:edit", edition, "initiative", pslu.pk)
    )
    leads = {user.username for user in fiche.context["form"].fields["lead"].queryset}
    units = {unit.body_id for unit in fiche.context["form"].fields["unit"].queryset}
    assert "lead-sqe" not in leads and units == {edition.body_id}


def test_the_import_knows_only_the_bodys_people(edition, sqe, coordinator_client):
    from roadmap.exchange.service import export_workbook
    from tests.test_exchange import upload_changed_export

    person("marie-sqe", roles.LEAD, body="sqe")
    User.objects.filter(username="marie-sqe").update(first_name="Marie", last_name="Essai")
    book = openpyxl.load_workbook(io.BytesIO(export_workbook(edition)))
    assert book["Initiatives"]["F3"].value is not None
    preview = upload_changed_export(
        coordinator_client, edition, {("Initiatives", "F3"): "Marie Essai"}
    )
    assert preview.status_code == 422
    assert "Responsable inconnu(e) : « Marie Essai »" in text_of(preview)


# --- The chief's office ---------------------------------------------------------------------


def test_the_chiefs_office_reads_every_transmitted_edition_and_nothing_else(edition, sqe):
    cgtn = client_for("cgtn")
    assert cgtn.get("/").status_code == 200
    assert "Aucune édition" in text_of(cgtn.get("/"))
    assert cgtn.get(plan_url("roadmap:home", edition)).status_code == 404

    Edition.objects.filter(pk__in=[edition.pk, sqe.pk]).update(status=Status.TRANSMITTED)
    for name in ("roadmap:home", "roadmap:roadmap", "roadmap:edition", "roadmap:history"):
        assert cgtn.get(plan_url(name, edition)).status_code == 200, name
    listing = cgtn.get("/").content.decode()
    assert plan_url("roadmap:home", edition) in listing and plan_url("roadmap:home", sqe) in listing

    # It reads: no edit form, no step, no comment.
    pslu = edition.initiatives.get(code="1.1.1")
    assert cgtn.get(plan_url("roadmap:edit", edition, "initiative", pslu.pk)).status_code == 403
    assert cgtn.post(plan_url("roadmap:comment_add", edition), {"text": "x"}).status_code == 403
    assert not edition.comments.exists()

    # A draft of another body stays out of its sight.
    draft = body_with_edition("RAE", "Régie des autres essais")
    assert cgtn.get(plan_url("roadmap:home", draft)).status_code == 404
    assert plan_url("roadmap:home", draft) not in cgtn.get("/").content.decode()


def test_participating_body_staff_read_only_their_public_bodys_plans(edition, sqe, body_client):
    assert body_client.get(plan_url("roadmap:home", edition)).status_code == 200
    assert body_client.get(plan_url("roadmap:home", sqe)).status_code == 404


# --- Starting an edition --------------------------------------------------------------------


def test_a_new_bodys_coordinator_starts_its_first_edition_from_the_interface(db):
    from tests.bodies import other_body

    body = other_body("NOU", "Nouvel organisme")
    client = client_of(person("coord-nou", roles.COORDINATOR, body="nou"))

    landing = client.get("/")
    assert landing["Location"] == reverse("body", args=["nou"])
    page = client.get(landing["Location"])
    assert "Aucune édition du plan n'a encore été commencée." in text_of(page)
    start = reverse("edition_start", args=["nou"])
    assert start in page.content.decode()

    form = client.get(start)
    default = PlanTemplate.objects.get(is_default=True)
    assert form.context["form"]["source"].value() == f"modele-{default.pk}"  # preselected
    refused = client.post(start, {"fiscal_year": "2024-2026", "source": "vide"})
    assert refused.status_code == 409
    assert "n'est pas un exercice financier" in text_of(refused)

    response = client.post(start, {"fiscal_year": "2024-2025", "source": "vide"})
    created = Edition.objects.get(body=body)
    assert response["Location"] == plan_url("roadmap:edition", created)
    assert (created.fiscal_year, created.status) == ("2024-2025", Status.DRAFT)
    assert created.transitions.get().user.username == "coord-nou"
    assert client.get("/")["Location"] == plan_url("roadmap:home", created)

    again = client.post(start, {"fiscal_year": "2025-2026", "source": "vide"})
    assert again.status_code == 409
    assert "Une édition est déjà en préparation" in text_of(again)


def test_only_the_bodys_coordinator_starts_an_edition(edition):
    start = reverse("edition_start", args=[DEMO_BODY])
    assert client_for("lecteur").get(start).status_code == 403
    assert (
        client_for("di").post(start, {"fiscal_year": "2030-2031", "source": "vide"}).status_code
        == 403
    )
    assert not Edition.objects.filter(fiscal_year="2030-2031").exists()


def test_a_copy_starts_from_an_approved_edition_of_the_same_body_only(edition, sqe):
    from roadmap.workflow.steps import WorkflowError

    Edition.objects.filter(pk=edition.pk).update(status=Status.APPROVED)
    edition.refresh_from_db()
    with pytest.raises(WorkflowError):
        edition_start(body=sqe.body, fiscal_year="2024-2025", user=None, source=edition)
    copy = edition_start(body=edition.body, fiscal_year="2024-2025", user=None, source=edition)
    assert copy.initiatives.count() == edition.initiatives.count()
    assert copy.update_number == edition.update_number + 1


# --- The body's words, from its data --------------------------------------------------------


def test_pages_and_titles_name_the_editions_body(sqe):
    client = client_of(person("coord-sqe", roles.COORDINATOR, body="sqe"))
    Edition.objects.filter(pk=sqe.pk).update(status=Status.RECOMMENDED)
    home = client.get(plan_url("roadmap:home", sqe)).content.decode()
    assert "Diffusion limitée — Société québécoise des essais" in home
    assert "Ministère" not in home

    head = client_of(person("pdg-sqe", roles.HEAD, body="sqe"))
    page = text_of(head.get(plan_url("roadmap:edition", sqe)))
    assert "L'édition attend l'approbation (présidente-directrice générale)." in page
    assert "approuvée (présidente-directrice générale)" in page
    assert "sous-ministre" not in page

    Edition.objects.filter(pk=sqe.pk).update(status=Status.SUBMITTED)
    director = client_of(person("di-sqe", roles.INFORMATION_DIRECTOR, body="sqe"))
    page = text_of(director.get(plan_url("roadmap:edition", sqe)))
    assert "Recommander pour approbation (présidente-directrice générale)" in page
    assert "sous-ministre" not in page


def test_the_login_page_names_no_body(db):
    page = text_of(Client().get(reverse("login")))
    assert "Ministère" not in page and "MEIE" not in page
    assert "Diffusion limitée —" not in page


def test_the_export_is_named_with_the_bodys_acronym(sqe):
    client = client_of(person("lecteur-sqe", roles.READER, body="sqe"))
    response = client.get(plan_url("roadmap:export", sqe))
    assert response["Content-Disposition"] == 'attachment; filename="PTN-SQE-2023-2024.xlsx"'


def test_the_pdf_of_another_body_is_its_own(sqe):
    from pypdf import PdfReader

    from roadmap.pdf.report import filename_for, render_pdf

    content = render_pdf(sqe)
    reader = PdfReader(io.BytesIO(content))
    cover = reader.pages[0].extract_text().replace("\xa0", " ")  # French typography
    assert reader.metadata.author == "Société québécoise des essais"
    assert reader.metadata.title == "Plan de transformation numérique 2023-2024 — SQE"
    assert "Société québécoise des essais" in cover
    assert "Diffusion limitée : personnel de la Société québécoise des essais." in cover
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Ministère" not in text and "MEIE" not in text
    assert filename_for(sqe) == "PTN-SQE-2023-2024.pdf"


def test_the_admin_never_changes_an_editions_status(edition):
    admin = client_for("admin")
    url = reverse("admin:roadmap_edition_change", args=[edition.pk])
    page = admin.get(url)
    assert "status" not in page.context["adminform"].form.fields
    data = {
        "body": edition.body_id,
        "fiscal_year": edition.fiscal_year,
        "update_number": edition.update_number,
        "vision": edition.vision,
        "notice": edition.notice,
        "status": Status.APPROVED,
        "sections-TOTAL_FORMS": 0,
        "sections-INITIAL_FORMS": 0,
    }
    response = admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    edition.refresh_from_db()
    assert edition.status == Status.DRAFT and not edition.transitions.exclude(action="create")


def test_an_edition_added_in_the_admin_starts_as_a_draft(edition):
    admin = client_for("admin")
    body = PublicBody.objects.get(slug=DEMO_BODY)
    response = admin.post(
        reverse("admin:roadmap_edition_add"),
        {
            "body": body.pk,
            "fiscal_year": "2030-2031",
            "update_number": 0,
            "status": Status.TRANSMITTED,
            "sections-TOTAL_FORMS": 0,
            "sections-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    assert Edition.objects.get(body=body, fiscal_year="2030-2031").status == Status.DRAFT


def test_the_edition_page_starts_the_next_edition_of_its_body(edition, sqe):
    Edition.objects.filter(pk=edition.pk).update(status=Status.APPROVED)
    coordinator = client_for("coordonnateur")
    page = coordinator.get(plan_url("roadmap:edition", edition)).content.decode()
    button = reverse("edition_create_next", args=[DEMO_BODY])
    assert f'action="{button}"' in page
    response = coordinator.post(button)
    created = Edition.objects.get(body=edition.body, fiscal_year="2024-2025")
    assert response["Location"] == plan_url("roadmap:edition", created)
    assert not Edition.objects.filter(body=sqe.body, fiscal_year="2024-2025").exists()
    # Another body's coordinator cannot start it (their body has no approved edition either).
    sqe_coordinator = client_of(person("coord-sqe", roles.COORDINATOR, body="sqe"))
    assert sqe_coordinator.post(button).status_code == 404
    refused = sqe_coordinator.post(reverse("edition_create_next", args=["sqe"]), follow=True)
    assert "Une édition est déjà en préparation" in text_of(refused)


def test_mfa_follows_the_roles_held_in_any_body(sqe):
    from security.policy import requires_mfa

    reader = person("lecteur-sqe", roles.READER, body="sqe")
    assert not requires_mfa(reader)
    give_roles(reader, roles.COORDINATOR, body="sqe")
    roles.forget(reader)
    assert requires_mfa(reader)
    head = person("pdg-sqe", roles.HEAD, body="sqe")
    assert requires_mfa(head)


def test_the_comparison_never_offers_another_bodys_edition(edition):
    other = body_with_edition("SQE", "Société québécoise des essais", fiscal_year="2022-2023")
    Edition.objects.filter(pk=other.pk).update(status=Status.APPROVED)
    reader = client_for("lecteur")
    response = reader.get(plan_url("roadmap:compare", edition) + "?avec=2022-2023")
    assert response.status_code == 200
    assert response.context["comparison"] is None and response.context["other"] is None
    assert other.pk not in {e.pk for e in response.context["editions"]}
