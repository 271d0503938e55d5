"""The edition's workflow: readiness, each step × each role, e-mails, freeze, next edition."""

import datetime
import html as html_lib
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts import roles
from accounts.models import PublicBody, Unit, User
from benefits.models import Benefit, Indicator, Measurement
from initiatives.models import Initiative, InitiativeRisk, InitiativeRiskMitigation
from roadmap.editing.registry import KINDS
from roadmap.editing.services import save_record
from roadmap.models import (
    Edition,
    EditionFrozenError,
    PlanRisk,
    ReviewComment,
    Section,
    Transition,
)
from roadmap.workflow.next_edition import edition_create_next
from roadmap.workflow.notifications import send_step_notification
from roadmap.workflow.readiness import readiness
from roadmap.workflow.steps import STEPS, edition_transition
from tests.personas import client_for
from tests.tasks import run_queued_tasks
from tests.test_pages import text_of

YEAR = "2023-2024"
BODY = "meie"


def steps_of(edition: Edition):
    """The workflow's steps taken on the edition, after its creation (the demo's edition, like
    any other, starts with one)."""
    return edition.transitions.exclude(action=Transition.Action.CREATE)


Status = Edition.Status
# The coordinator's edition page: session, user, roles, the switcher's editions (4); the edition,
# its comments, the previous approved edition, the step that brought it to its status, its
# timeline, whether a next edition may start (6); the readiness checks (8: initiatives, measurable
# benefits and their indicators, initiative risks, plan risks, sections, maturity, radar).
EDITION_PAGE_QUERIES = 18


def make_ready(edition: Edition) -> None:
    """Fix what the demo plan leaves open, as the coordinator would before submitting."""
    lead = User.objects.get(username="responsable")
    unit = Unit.objects.first()
    for initiative in edition.initiatives.all():
        initiative.lead = initiative.lead or lead
        initiative.unit = initiative.unit or unit
        initiative.horizon_start = initiative.horizon_start or 2023
        initiative.save()
        if (initiative.funded or initiative.qualified_project) and not initiative.benefits.exists():
            Benefit.objects.create(
                initiative=initiative, kind="non_financial", description="Services simplifiés"
            )
    for indicator in Indicator.objects.filter(benefit__initiative__edition=edition):
        indicator.baseline, indicator.target = indicator.baseline or 10, indicator.target or 20
        indicator.save()
    for risk in InitiativeRisk.objects.filter(
        initiative__edition=edition, mitigations__isnull=True
    ):
        InitiativeRiskMitigation.objects.create(risk=risk, text="Mesure d'atténuation")
    assert readiness(edition) == []


def move_to(edition: Edition, status: str) -> None:
    edition.status = status
    edition.save(update_fields=["status"])


@pytest.fixture
def ready(edition) -> Edition:
    make_ready(edition)
    return edition


DEMO_PROBLEMS = [
    "Initiative 1.2.2 : responsable, unité à préciser.",
    "Initiative 2.1.3 : financée ou projet qualifié, elle doit avoir au moins un bénéfice évalué.",
    "Initiative 2.2.3 : le bénéfice mesurable « Diminution du délai de traitement moyen des "
    "demandes du cabinet » n'a pas d'indicateur avec une valeur de départ et une cible.",
    "Initiative 2.3.2 : le risque « Durée du projet DLP (environ deux ans) » n'a aucune mesure "
    "d'atténuation.",
]


def test_the_demo_is_a_realistic_draft_with_a_few_problems_of_different_kinds(edition):
    assert [p.message for p in readiness(edition)] == DEMO_PROBLEMS


def problem_url(edition: Edition, start: str) -> str:
    return next(p.url for p in readiness(edition) if p.message.startswith(start))


def test_each_readiness_link_opens_the_form_that_fixes_it_at_the_missing_field(edition):
    """Each link goes to the no-JavaScript form of the record to fix; its fragment names the
    first missing field, which the form has (ptn.js focuses it)."""
    coordinator = client_for("coordonnateur")
    lead_missing = edition.initiatives.get(code="1.2.2")
    qualified = edition.initiatives.get(code="2.1.3")
    indicator = Indicator.objects.get(
        benefit__initiative__edition=edition, benefit__initiative__code="2.2.3", target=None
    )
    risk = InitiativeRisk.objects.get(initiative__edition=edition, initiative__code="2.3.2")
    expected = [
        reverse("roadmap:edit", args=[BODY, YEAR, "initiative", lead_missing.pk]) + "#id_lead",
        reverse("roadmap:add_under", args=[BODY, YEAR, "benefit", qualified.pk])
        + "#id_description",
        reverse("roadmap:edit", args=[BODY, YEAR, "indicator", indicator.pk]) + "#id_baseline",
        reverse("roadmap:add_under", args=[BODY, YEAR, "mitigation", risk.pk]) + "#id_text",
    ]
    assert [p.url for p in readiness(edition)] == expected
    for url in expected:
        path, field = url.split("#")
        response = coordinator.get(path)
        assert response.status_code == 200, url
        assert f'id="{field}"' in response.content.decode(), url


def test_a_measurable_benefit_without_indicator_links_to_adding_one(edition):
    pslu = edition.initiatives.get(code="1.1.1")
    benefit = Benefit.objects.create(
        initiative=pslu, kind="non_financial", description="Moins de saisies", measurable=True
    )
    url = problem_url(edition, "Initiative 1.1.1 : le bénéfice mesurable « Moins de saisies »")
    assert (
        url == reverse("roadmap:add_under", args=[BODY, YEAR, "indicator", benefit.pk]) + "#id_name"
    )
    assert 'id="id_name"' in client_for("coordonnateur").get(url).content.decode()


def test_a_plan_risk_and_an_empty_section_link_to_their_forms(edition):
    risk = PlanRisk.objects.create(edition=edition, title="Risque sans mesure", order=9)
    section = edition.sections.get(key="note-au-lecteur")
    section.body = ""
    section.save()
    assert problem_url(edition, "Le risque du plan « Risque sans mesure »") == (
        reverse("roadmap:add_under", args=[BODY, YEAR, "plan-mitigation", risk.pk]) + "#id_text"
    )
    assert problem_url(edition, "La section « Note au lecteur » est vide.") == (
        reverse("roadmap:edit", args=[BODY, YEAR, "section", section.pk]) + "#id_body"
    )


def test_a_lead_is_sent_to_fix_their_own_initiatives_and_to_read_the_others(edition):
    page = (
        client_for("responsable")
        .get(reverse("roadmap:edition", args=[BODY, YEAR]))
        .content.decode()
    )
    sdm_indicator = Indicator.objects.get(benefit__initiative__code="2.2.3", target=None)
    assert (
        reverse("roadmap:edit", args=[BODY, YEAR, "indicator", sdm_indicator.pk]) in page
    )  # leads it
    other = edition.initiatives.get(code="1.2.2")  # led by nobody yet: only the coordinator fixes
    assert reverse("roadmap:edit", args=[BODY, YEAR, "initiative", other.pk]) not in page
    assert (
        f'href="{reverse("initiatives:detail", args=[BODY, YEAR, "1.2.2"])}#initiative-{other.pk}"'
        in (page)
    )


def test_readiness_checks_risks_ai_and_funded_initiatives(ready):
    pslu = ready.initiatives.get(code="1.1.1")
    InitiativeRisk.objects.create(initiative=pslu, title="Risque sans mesure")
    pslu.benefits.all().delete()
    from initiatives.models import Contribution

    Contribution.objects.filter(topic__section__key="intelligence-artificielle").delete()
    messages = " ".join(p.message for p in readiness(ready))
    assert "« Risque sans mesure » n'a aucune mesure d'atténuation" in messages
    assert "1.1.1 : financée ou projet qualifié, elle doit avoir au moins un bénéfice" in messages
    assert (
        "La section « Processus ou chaînes de valeur qui pourraient tirer profit de l’intelligence "
        "artificielle et de l’automatisation » ne présente la contribution "
        "d'aucune initiative : ajoutez-en une, ou indiquez pourquoi il n'y en a pas encore."
    ) in messages


def test_a_new_benefit_is_non_financial_unless_chosen_otherwise(edition):
    qualified = edition.initiatives.get(code="2.1.3")
    html = (
        client_for("coordonnateur")
        .get(reverse("roadmap:add_under", args=[BODY, YEAR, "benefit", qualified.pk]))
        .content.decode()
    )
    select = html[html.index('id="id_kind"') : html.index("</select>", html.index('id="id_kind"'))]
    assert '<option value="non_financial" selected>' in select
    assert 'value=""' not in select  # no empty choice to fall on


def test_submission_is_refused_until_ready_and_nothing_changes(edition):
    coordinator = client_for("coordonnateur")
    response = coordinator.post(
        reverse("roadmap:transition", args=[BODY, YEAR, "soumettre"]), follow=True
    )
    assert "Soumission refusée" in text_of(response)
    assert "Préparation de la soumission" in text_of(response)
    edition.refresh_from_db()
    assert edition.status == Status.DRAFT and not steps_of(edition).exists()


def test_a_refused_submission_keeps_the_comment_and_lists_what_to_fix(edition):
    response = client_for("coordonnateur").post(
        reverse("roadmap:transition", args=[BODY, YEAR, "soumettre"]),
        {"comment": "Version revue avec les directions <b>et</b> la DI."},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert ">Version revue avec les directions &lt;b&gt;et&lt;/b&gt; la DI.</textarea>" in html
    page = text_of(response)
    assert "Soumission refusée : 4 éléments sont à corriger" in page
    assert all(problem in page for problem in DEMO_PROBLEMS)
    edition.refresh_from_db()
    assert edition.status == Status.DRAFT and not steps_of(edition).exists()


def submit_button(html: str) -> str:
    form = html[html.index('id="step-soumettre"') :]
    return form[form.index("<button") : form.index("</button>")]


def test_submit_is_disabled_with_the_reason_while_problems_remain(edition):
    coordinator = client_for("coordonnateur")
    response = coordinator.get(reverse("roadmap:edition", args=[BODY, YEAR]))
    assert " disabled" in submit_button(response.content.decode())
    assert (
        "Pas encore possible : 4 éléments sont à corriger, voir « Préparation de la soumission »"
        in text_of(response)
    )
    make_ready(edition)
    response = coordinator.get(reverse("roadmap:edition", args=[BODY, YEAR]))
    assert " disabled" not in submit_button(response.content.decode())
    assert "Pas encore possible" not in text_of(response)


PERSONAS = ["coordonnateur", "responsable", "lecteur", "di", "sm", "admin", "intrus", None]
ALLOWED = {
    "soumettre": "coordonnateur",
    "retourner-di": "di",
    "recommander": "di",
    "retourner-sm": "sm",
    "approuver": "sm",
    "transmettre": "coordonnateur",
}


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p or "anonyme")
@pytest.mark.parametrize("step", list(STEPS))
def test_each_step_is_allowed_to_one_role_only(ready, step, persona):
    move_to(ready, STEPS[step].from_status)
    if persona is None:
        client = Client()
    elif persona == "intrus":
        client = Client()
        client.force_login(User.objects.create_user("intrus"))
    else:
        client = client_for(persona)
    data = {"comment": "À revoir", "transmitted_on": "2024-03-20", "recipient": "CGTN"}
    response = client.post(reverse("roadmap:transition", args=[BODY, YEAR, step]), data)
    ready.refresh_from_db()
    if persona == ALLOWED[step]:
        assert response.status_code == 302
        assert ready.status == STEPS[step].to_status
        assert steps_of(ready).get().user.username == persona
    else:
        assert response.status_code in (302, 403)
        if persona is None:
            assert response["Location"].startswith("/connexion/")
        else:
            assert response.status_code == 403
        assert ready.status == STEPS[step].from_status
        assert not steps_of(ready).exists()


def test_a_step_from_the_wrong_status_is_explained(ready):
    response = client_for("sm").post(
        reverse("roadmap:transition", args=[BODY, YEAR, "approuver"]), follow=True
    )
    assert "cette étape n'est plus possible" in text_of(response)
    ready.refresh_from_db()
    assert ready.status == Status.DRAFT


def test_returning_needs_a_comment(ready):
    move_to(ready, Status.SUBMITTED)
    response = client_for("di").post(
        reverse("roadmap:transition", args=[BODY, YEAR, "retourner-di"]),
        {"comment": "  "},
        follow=True,
    )
    assert "Expliquez dans un commentaire ce qui doit être corrigé." in text_of(response)
    ready.refresh_from_db()
    assert ready.status == Status.SUBMITTED


def test_the_whole_walk_through_with_emails_timeline_and_signatures(ready):
    coordinator, di, sm = client_for("coordonnateur"), client_for("di"), client_for("sm")

    def step(client, name, **data):
        response = client.post(reverse("roadmap:transition", args=[BODY, YEAR, name]), data)
        assert response.status_code == 302, name
        run_queued_tasks(send_step_notification)  # the worker sends the e-mails

    step(coordinator, "soumettre")
    assert [m.to for m in mail.outbox] == [["di@ptn.example"]]
    assert (
        "Soumission à la DI" in mail.outbox[0].body
        and "/plan/meie/2023-2024/edition/" in mail.outbox[0].body
    )
    home = text_of(di.get(reverse("roadmap:home", args=[BODY, YEAR])))
    assert "L'édition 2023-2024 attend votre recommandation." in home

    step(di, "retourner-di", comment="Préciser les cibles des indicateurs.")
    assert "coordonnateur@ptn.example" in mail.outbox[-1].to
    home = text_of(coordinator.get(reverse("roadmap:home", args=[BODY, YEAR])))
    assert "vous a été retournée : Préciser les cibles des indicateurs." in home

    step(coordinator, "soumettre")
    step(di, "recommander")
    step(sm, "approuver")
    step(
        coordinator,
        "transmettre",
        transmitted_on="2024-03-20",
        recipient="Chef gouvernemental de la transformation numérique",
    )
    ready.refresh_from_db()
    assert ready.status == Status.TRANSMITTED
    actions = list(steps_of(ready).values_list("action", flat=True))
    assert actions == ["submit", "return", "submit", "recommend", "approve", "transmit"]

    page = text_of(coordinator.get(reverse("roadmap:edition", args=[BODY, YEAR])))
    assert "Retour en brouillon" in page and "Préciser les cibles des indicateurs." in page
    assert (
        "Transmise le 20 mars 2024 à : Chef gouvernemental de la transformation numérique" in page
    )

    message = text_of(
        coordinator.get(reverse("roadmap:section", args=[BODY, YEAR, "message-sous-ministre"]))
    )
    assert "(Signature à insérer)" not in message
    assert "Approuvé le" in message and "(enregistré par Démo Sous-ministre)" in message
    assert "Jonathan Gignac Sous-ministre" in message  # the signatory as entered
    di_message = text_of(
        coordinator.get(
            reverse("roadmap:section", args=[BODY, YEAR, "message-dirigeante-information"])
        )
    )
    assert "Recommandé le" in di_message and "Démo Dirigeante de l'information" in di_message


# --- Open review comments and the state of the edition --------------------------------------


def edition_page(client) -> str:
    return client.get(reverse("roadmap:edition", args=[BODY, YEAR])).content.decode()


def step_form(html: str, step: str) -> str:
    form = html[html.index(f'id="step-{step}"') :]
    return form[: form.index("</form>")]


def panel(client) -> str:
    """The text of the edition page's panel (« Préparation de la soumission » in draft)."""
    html = edition_page(client)
    section = html[html.index('<h2 id="preparation"') :]
    return " ".join(
        html_lib.unescape(re.sub(r"<[^>]+>", " ", section[: section.index("</section>")])).split()
    )


def open_comment(edition: Edition, text: str, code: str | None = None) -> ReviewComment:
    return ReviewComment.objects.create(
        edition=edition,
        initiative=edition.initiatives.get(code=code) if code else None,
        author=User.objects.get(username="di"),
        text=text,
    )


CONFIRMED_STEPS = [
    ("recommander", "di", Status.SUBMITTED, Status.RECOMMENDED, "Je recommande"),
    ("approuver", "sm", Status.RECOMMENDED, Status.APPROVED, "J'approuve"),
]


@pytest.mark.parametrize(
    "step, persona, before, after, confirmation",
    CONFIRMED_STEPS,
    ids=[s[0] for s in CONFIRMED_STEPS],
)
def test_open_review_comments_ask_for_an_explicit_confirmation_that_is_recorded(
    ready, step, persona, before, after, confirmation
):
    move_to(ready, before)
    comment = open_comment(ready, "La cible de l'indicateur est à préciser.", code="2.2.3")
    client = client_for(persona)
    form = step_form(edition_page(client), step)
    assert "1 commentaire de révision n'est pas réglé" in form
    assert f'href="#comment-{comment.pk}"' in form and "initiative 2.2.3" in form
    assert 'name="open_comments_confirmed" value="1" required' in form
    assert f"{confirmation} l'édition malgré 1 commentaire de révision non réglé." in (
        html_lib.unescape(form)
    )

    url = reverse("roadmap:transition", args=[BODY, YEAR, step])
    refused = client.post(url, {"comment": "Bon travail, merci."})
    assert refused.status_code == 422
    assert (
        "1 commentaire de révision n'est pas réglé : cochez la case de confirmation pour "
        "poursuivre malgré tout" in text_of(refused)
    )
    assert ">Bon travail, merci.</textarea>" in step_form(refused.content.decode(), step)
    ready.refresh_from_db()
    assert ready.status == before and not steps_of(ready).exists()

    assert client.post(url, {"open_comments_confirmed": "1"}).status_code == 302
    ready.refresh_from_db()
    assert ready.status == after
    assert steps_of(ready).get().open_comments == 1
    timeline = text_of(client.get(reverse("roadmap:edition", args=[BODY, YEAR])))
    assert "Étape confirmée malgré 1 commentaire de révision non réglé." in timeline


def test_the_email_says_the_step_was_confirmed_despite_open_comments(ready):
    move_to(ready, Status.SUBMITTED)
    open_comment(ready, "Revoir la vision.")
    edition_transition(
        edition=ready,
        user=User.objects.get(username="di"),
        step="recommander",
        open_comments_confirmed=1,
    )
    run_queued_tasks(send_step_notification)  # the worker sends the e-mails
    assert "Étape confirmée malgré 1 commentaire de révision non réglé." in mail.outbox[0].body


def test_a_comment_written_after_the_confirmation_is_not_confirmed_by_it(ready):
    move_to(ready, Status.SUBMITTED)
    open_comment(ready, "Revoir la vision.")
    di = client_for("di")
    form = step_form(edition_page(di), "recommander")
    assert 'name="open_comments_confirmed" value="1"' in form
    open_comment(ready, "Et la note au lecteur.")  # written while the DI reads the page
    response = di.post(
        reverse("roadmap:transition", args=[BODY, YEAR, "recommander"]),
        {"open_comments_confirmed": "1"},
    )
    assert response.status_code == 422
    assert "2 commentaires de révision ne sont pas réglés" in text_of(response)
    ready.refresh_from_db()
    assert ready.status == Status.SUBMITTED and not steps_of(ready).exists()


def test_resolved_comments_need_no_confirmation(ready):
    move_to(ready, Status.SUBMITTED)
    comment = open_comment(ready, "Revoir la vision.")
    client_for("coordonnateur").post(
        reverse("roadmap:comment_resolve", args=[BODY, YEAR, comment.pk])
    )
    di = client_for("di")
    assert "open_comments_confirmed" not in step_form(edition_page(di), "recommander")
    response = di.post(reverse("roadmap:transition", args=[BODY, YEAR, "recommander"]))
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == Status.RECOMMENDED
    assert steps_of(ready).get().open_comments == 0
    assert "Étape confirmée malgré" not in text_of(
        di.get(reverse("roadmap:edition", args=[BODY, YEAR]))
    )


def test_once_submitted_the_panel_no_longer_says_the_edition_is_ready_to_submit(ready):
    edition_transition(
        edition=ready, user=User.objects.get(username="coordonnateur"), step="soumettre"
    )
    for persona in ["coordonnateur", "di"]:
        text = panel(client_for(persona))
        assert "prête à être soumise" not in text
        assert "L'édition attend la recommandation (dirigeante de l'information)." in text


def test_the_panel_says_what_the_edition_waits_for_at_every_step(edition):
    coordinator = client_for("coordonnateur")
    users = {name: User.objects.get(username=name) for name in ["coordonnateur", "di", "sm"]}
    text = panel(coordinator)
    assert text.startswith("Préparation de la soumission")
    assert (
        "L'édition est en préparation : 4 éléments restent à corriger avant de la soumettre à la DI."
        in text
    )
    make_ready(edition)
    assert "L'édition est prête à être soumise à la DI." in panel(coordinator)

    edition_transition(edition=edition, user=users["coordonnateur"], step="soumettre")
    text = panel(coordinator)
    assert "prête à être soumise" not in text and "Préparation de la soumission" not in text
    assert "L'édition attend la recommandation (dirigeante de l'information)." in text
    assert "(Soumission à la DI le " in text and "— Démo Coordonnateur PTN)" in text
    assert "Aucun commentaire de révision n'est en attente." in text

    open_comment(edition, "Revoir la vision.")
    assert "1 commentaire de révision n'est pas réglé : voir les commentaires" in panel(coordinator)
    edition_transition(
        edition=edition, user=users["di"], step="recommander", open_comments_confirmed=1
    )
    text = panel(coordinator)
    assert "L'édition attend l'approbation (sous-ministre)." in text
    assert "1 commentaire de révision n'est pas réglé" in text

    edition_transition(
        edition=edition, user=users["sm"], step="approuver", open_comments_confirmed=1
    )
    assert (
        "L'édition attend que la coordination consigne sa transmission au chef gouvernemental "
        "de la transformation numérique." in panel(coordinator)
    )
    edition_transition(
        edition=edition,
        user=users["coordonnateur"],
        step="transmettre",
        transmitted_on=datetime.date(2024, 3, 20),
        recipient="CGTN",
    )
    assert "L'édition est transmise : aucune autre étape n'est attendue." in panel(coordinator)


def test_the_edition_page_costs_the_same_queries_whatever_the_size_of_the_plan(edition):
    """The coordinator's page runs the readiness checks: a fixed number of queries."""
    from roadmap.demo.generate import add_generated_initiatives
    from tests.test_query_counts import count_queries

    coordinator = client_for("coordonnateur")
    url = reverse("roadmap:edition", args=[BODY, YEAR])
    on_demo = count_queries(coordinator, url)
    add_generated_initiatives(edition, 200)
    assert (on_demo, count_queries(coordinator, url)) == (
        EDITION_PAGE_QUERIES,
        EDITION_PAGE_QUERIES,
    )


def test_the_panel_lists_problems_that_appear_during_the_review(ready):
    edition_transition(
        edition=ready, user=User.objects.get(username="coordonnateur"), step="soumettre"
    )
    InitiativeRisk.objects.create(initiative=ready.initiatives.get(code="2.2.3"), title="Délais")
    text = panel(client_for("di"))
    assert "Depuis la soumission, 1 élément est à corriger :" in text
    assert "le risque « Délais » n'a aucune mesure d'atténuation" in text


def test_signature_blocks_wait_for_approval(edition):
    page = text_of(
        client_for("lecteur").get(
            reverse("roadmap:section", args=[BODY, YEAR, "message-sous-ministre"])
        )
    )
    assert "(Signature à insérer) Jonathan Gignac" in page


# --- Frozen means frozen ------------------------------------------------------------------


@pytest.fixture
def approved(ready) -> Edition:
    sm = User.objects.get(username="sm")
    move_to(ready, Status.RECOMMENDED)
    edition_transition(edition=ready, user=sm, step="approuver")
    ready.refresh_from_db()
    return ready


def snapshot(edition: Edition) -> list:
    return [
        list(Initiative.objects.filter(edition=edition).order_by("pk").values()),
        list(Benefit.objects.filter(initiative__edition=edition).order_by("pk").values()),
        list(Section.objects.filter(edition=edition).order_by("pk").values()),
    ]


def test_frozen_edition_refuses_a_view_post(approved):
    before = snapshot(approved)
    pslu = approved.initiatives.get(code="1.1.1")
    response = client_for("coordonnateur").post(
        reverse("roadmap:edit", args=[BODY, YEAR, "initiative", pslu.pk]),
        {"title": "Changé", "status": "completed", "expected_version": pslu.version},
    )
    assert response.status_code == 403
    assert snapshot(approved) == before


def test_frozen_edition_refuses_an_admin_change(approved):
    before = snapshot(approved)
    admin = client_for("admin")
    pslu = approved.initiatives.get(code="1.1.1")
    url = reverse("admin:initiatives_initiative_change", args=[pslu.pk])
    response = admin.post(url, {"title": "Changé dans l'admin", "status": "completed"})
    assert response.status_code == 403
    section = approved.sections.get(key="vision")
    response = admin.post(reverse("admin:roadmap_section_change", args=[section.pk]), {"body": "x"})
    assert response.status_code == 403
    assert snapshot(approved) == before


def test_frozen_edition_refuses_a_service_call_and_a_model_save(approved):
    before = snapshot(approved)
    pslu = approved.initiatives.get(code="1.1.1")
    form = KINDS["initiative"].form_class(
        User.objects.get(username="coordonnateur"), edition=approved
    )({"title": "Changé", "status": "completed", "expected_version": pslu.version}, instance=pslu)
    assert form.is_valid(), form.errors
    with pytest.raises(EditionFrozenError):
        save_record(form, expected_version=pslu.version)
    pslu.refresh_from_db()
    pslu.title = "Changé"
    with pytest.raises(EditionFrozenError):
        pslu.save()
    with pytest.raises(EditionFrozenError):
        pslu.benefits.first().delete()
    approved.vision = "Une autre vision"
    with pytest.raises(EditionFrozenError):
        approved.save()
    assert snapshot(approved) == before


def test_frozen_edition_refuses_bulk_writes_and_imports(approved):
    before = snapshot(approved)
    pslu = approved.initiatives.get(code="1.1.1")
    with pytest.raises(EditionFrozenError):
        Initiative.objects.filter(edition=approved).update(title="En bloc")
    with pytest.raises(EditionFrozenError):
        Benefit.objects.bulk_create(
            [Benefit(initiative=pslu, kind="non_financial", description="x")]
        )
    with pytest.raises(EditionFrozenError):
        Benefit.objects.filter(initiative__edition=approved).delete()
    with pytest.raises(EditionFrozenError):  # an indicator is the plan's (its measurements
        # are follow-up: tests/test_follow_up_after_approval.py)
        Indicator.objects.filter(benefit__initiative__edition=approved).update(target=1)
    with pytest.raises(EditionFrozenError):
        Edition.objects.filter(pk=approved.pk).update(vision="En bloc")
    with pytest.raises(EditionFrozenError):
        approved.delete()
    assert snapshot(approved) == before


def test_frozen_edition_refuses_the_demo_loader(approved):
    Section.objects.filter(pk=approved.sections.get(key="vision").pk)  # untouched
    # The demo data now differs from the approved edition (leads were set): reloading would
    # write, and the freeze refuses it.
    before = snapshot(approved)
    with pytest.raises(EditionFrozenError):
        call_command("load_demo", verbosity=0)
    assert snapshot(approved) == before


def test_recommended_edition_is_frozen_until_returned(ready):
    move_to(ready, Status.RECOMMENDED)
    pslu = ready.initiatives.get(code="1.1.1")
    pslu.title = "Pendant la recommandation"
    with pytest.raises(EditionFrozenError):
        pslu.save()
    edition_transition(
        edition=ready, user=User.objects.get(username="sm"), step="retourner-sm", comment="À revoir"
    )
    pslu.save()
    assert Initiative.objects.get(pk=pslu.pk).title == "Pendant la recommandation"


# --- The next edition ---------------------------------------------------------------------


def test_next_edition_is_a_complete_editable_copy(approved):
    coordinator = User.objects.get(username="coordonnateur")
    indicator = Indicator.objects.filter(benefit__initiative__edition=approved).first()
    Measurement.objects.bulk_create([])  # nothing
    approved.status = Status.DRAFT  # add a measurement before freezing (setup only)
    Edition.objects.filter(pk=approved.pk).update(status=Status.DRAFT)
    Measurement.objects.create(
        indicator=indicator, measured_on=datetime.date(2024, 3, 31), value=12
    )
    Edition.objects.filter(pk=approved.pk).update(status=Status.APPROVED)

    created = edition_create_next(body=PublicBody.objects.get(slug=BODY), user=coordinator)
    assert created.fiscal_year == "2024-2025" and created.status == Status.DRAFT
    assert created.update_number == approved.update_number + 1
    codes = lambda e: sorted(e.initiatives.values_list("code", flat=True))  # noqa: E731
    assert codes(created) == codes(approved)
    for model, path in [
        (Section, "edition"),
        (Benefit, "initiative__edition"),
        (Indicator, "benefit__initiative__edition"),
        (Measurement, "indicator__benefit__initiative__edition"),
        (InitiativeRisk, "initiative__edition"),
    ]:
        assert (
            model.objects.filter(**{path: created}).count()
            == model.objects.filter(**{path: approved}).count()
        )
    new_pslu = created.initiatives.get(code="1.1.1")
    assert (
        new_pslu.contributions.count()
        == approved.initiatives.get(code="1.1.1").contributions.count()
    )
    assert new_pslu.contributions.first().topic.section.edition == created
    new_pslu.title = "Titre de l'édition suivante"
    new_pslu.save()
    assert approved.initiatives.get(code="1.1.1").title != "Titre de l'édition suivante"
    assert created.transitions.get().action == "create"


def test_only_one_edition_in_preparation_at_a_time(approved):
    coordinator = User.objects.get(username="coordonnateur")
    edition_create_next(body=PublicBody.objects.get(slug=BODY), user=coordinator)
    from roadmap.workflow.steps import WorkflowError

    with pytest.raises(WorkflowError):
        edition_create_next(body=PublicBody.objects.get(slug=BODY), user=coordinator)


def test_comparison_shows_what_changed_since_the_approved_edition(approved):
    created = edition_create_next(
        body=PublicBody.objects.get(slug=BODY), user=User.objects.get(username="coordonnateur")
    )
    coordinator = client_for("coordonnateur")
    pslu = created.initiatives.get(code="1.1.1")
    pslu.status = "completed"
    pslu.save()
    section = created.sections.get(key="note-au-lecteur")
    section.body = section.body.replace("document interne", "document de travail interne")
    section.save()
    benefit = pslu.benefits.get(kind="financial")
    benefit.amount = 2_500_000
    benefit.save()
    html = coordinator.get(reverse("roadmap:compare", args=[BODY, "2024-2025"])).content.decode()
    page = text_of(coordinator.get(reverse("roadmap:compare", args=[BODY, "2024-2025"])))
    assert "De l'édition 2023-2024 à l'édition 2024-2025." in page
    assert "Statut : En cours → Réalisée" in page
    assert "2 000 000 $ → 2 500 000 $" in page
    diff = html[html.index('class="ptn-diff"') :]
    assert "document<ins> de travail</ins> interne" in diff, diff[:600]


def test_switcher_lists_every_edition(approved):
    edition_create_next(
        body=PublicBody.objects.get(slug=BODY), user=User.objects.get(username="coordonnateur")
    )
    html = (
        client_for("lecteur")
        .get(reverse("roadmap:home", args=[BODY, "2024-2025"]))
        .content.decode()
    )
    assert "Changer d'édition" in html
    assert reverse("roadmap:home", args=[BODY, YEAR]) in html


def test_readers_open_the_approved_edition_and_editors_the_draft(approved):
    edition_create_next(
        body=PublicBody.objects.get(slug=BODY), user=User.objects.get(username="coordonnateur")
    )
    assert client_for("lecteur").get("/")["Location"] == reverse("roadmap:home", args=[BODY, YEAR])
    assert client_for("coordonnateur").get("/")["Location"] == reverse(
        "roadmap:home", args=[BODY, "2024-2025"]
    )


# --- Review comments ----------------------------------------------------------------------


def test_reviewers_comment_and_the_coordinator_or_lead_resolves(ready):
    move_to(ready, Status.SUBMITTED)
    di = client_for("di")
    di.post(reverse("roadmap:comment_add", args=[BODY, YEAR]), {"text": "Revoir la vision."})
    di.post(
        reverse("roadmap:comment_add_initiative", args=[BODY, YEAR, "2.2.3"]),
        {"text": "Cible manquante."},
    )
    on_edition, on_initiative = ReviewComment.objects.order_by("pk")
    assert on_initiative.initiative.code == "2.2.3" and on_initiative.author.username == "di"

    lead = client_for("responsable")
    page = text_of(lead.get(reverse("initiatives:detail", args=[BODY, YEAR, "2.2.3"])))
    assert "Cible manquante." in page and "Marquer comme réglé" in page
    assert (
        lead.post(reverse("roadmap:comment_resolve", args=[BODY, YEAR, on_edition.pk])).status_code
        == 403
    )
    lead.post(
        reverse("roadmap:comment_resolve", args=[BODY, YEAR, on_initiative.pk]),
        {"next": "https://evil.example/"},
    )
    on_initiative.refresh_from_db()
    assert on_initiative.resolved_by.username == "responsable"
    response = client_for("coordonnateur").post(
        reverse("roadmap:comment_resolve", args=[BODY, YEAR, on_edition.pk]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("roadmap:edition", args=[BODY, YEAR])
    assert ReviewComment.objects.filter(resolved_at__isnull=True).count() == 0


@pytest.mark.parametrize("persona", ["lecteur", "coordonnateur", "responsable"])
def test_only_reviewers_comment(ready, persona):
    move_to(ready, Status.SUBMITTED)
    response = client_for(persona).post(
        reverse("roadmap:comment_add", args=[BODY, YEAR]), {"text": "x"}
    )
    assert response.status_code == 403
    assert not ReviewComment.objects.exists()


def test_no_comments_outside_review(edition):
    response = client_for("di").post(
        reverse("roadmap:comment_add", args=[BODY, YEAR]), {"text": "x"}
    )
    assert response.status_code == 403


def test_roles_are_assignments_per_body_and_no_longer_groups(db):
    """The migration turned the role groups into role assignments of the MEIE, then dropped
    the groups; the roles keep their French names."""
    assert not Group.objects.filter(name__in=[str(role.label) for role in roles.ALL_ROLES])
    assert {str(role.label) for role in roles.ALL_ROLES} >= {
        "lecteur",
        "responsable d'initiative",
        "coordonnateur PTN",
        "dirigeante de l'information",
        "sous-ministre",
        "administrateur",
        "bureau du chef gouvernemental",
    }
    coordinator = User.objects.get(username="coordonnateur")
    assert roles.role_names(coordinator, PublicBody.objects.get(slug=BODY)) == {roles.COORDINATOR}
    assert Transition.Action.APPROVE == "approve"
