"""Editing in place: what a lead and the coordinator see and keep, with and without htmx."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from benefits.models import Benefit
from initiatives.models import Initiative
from roadmap.demo.generate import add_generated_initiatives
from roadmap.editing.registry import KINDS
from roadmap.editing.services import ConflictError, save_record
from roadmap.models import ReviewComment, Section, Transition
from tests.test_pages import text_of

YEAR = "2023-2024"
BODY = "meie"
HTMX = {"HTTP_HX_REQUEST": "true"}


def edit_url(kind: str, pk: int) -> str:
    return reverse("roadmap:edit", args=[BODY, YEAR, kind, pk])


def fiche_data(initiative: Initiative, **changes) -> dict:
    data = {
        "title": initiative.title,
        "acronym": initiative.acronym,
        "description": initiative.description,
        "unit": initiative.unit_id or "",
        "status": initiative.status,
        "phase": initiative.phase,
        "horizon_start": initiative.horizon_start or "",
        "horizon_end": initiative.horizon_end or "",
        "budget": initiative.budget or "",
        "expected_version": initiative.version,
    }
    if initiative.lead_id:
        data["lead"] = initiative.lead_id
    if initiative.funded:
        data["funded"] = "on"
    if initiative.qualified_project:
        data["qualified_project"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def pslu(edition) -> Initiative:
    return Initiative.objects.get(edition=edition, code="1.1.1")


def test_lead_edits_the_status_inline_and_gets_the_updated_display(lead_client, pslu):
    response = lead_client.get(edit_url("initiative", pslu.pk), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-hx-post="' in html and "<html" not in html  # a fragment, not a page
    assert 'name="lead"' not in html  # only the coordinator reassigns an initiative

    response = lead_client.post(
        edit_url("initiative", pslu.pk), fiche_data(pslu, status="completed", lead=None), **HTMX
    )
    assert response.status_code == 200
    assert "Réalisée" in text_of(response)
    assert (
        json.loads(response["HX-Trigger"])["ptn:announce"]["message"] == "Modification enregistrée."
    )
    pslu.refresh_from_db()
    assert pslu.status == "completed" and pslu.version == 2
    assert pslu.lead.username == "responsable"  # unchanged


def test_without_javascript_a_save_redirects_back_to_the_page(lead_client, pslu):
    form_page = lead_client.get(edit_url("initiative", pslu.pk))
    assert "<html" in form_page.content.decode() and 'action="' in form_page.content.decode()
    response = lead_client.post(edit_url("initiative", pslu.pk), fiche_data(pslu, phase="Phase 2"))
    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("initiatives:detail", args=[BODY, YEAR, "1.1.1"]) + f"#initiative-{pslu.pk}"
    )
    page = lead_client.get(response["Location"])
    assert "Modification enregistrée." in text_of(page) and "Phase 2" in text_of(page)


def test_errors_are_in_french_next_to_the_field_and_input_is_kept(lead_client, pslu):
    response = lead_client.post(
        edit_url("initiative", pslu.pk),
        fiche_data(pslu, title="", phase="Phase tapée", horizon_start=2026, horizon_end=2024),
        **HTMX,
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "Ce champ est obligatoire." in page
    assert "La fin de l'horizon précède son début." in page
    assert 'value="Phase tapée"' in response.content.decode()
    pslu.refresh_from_db()
    assert pslu.phase == "" and pslu.version == 1


def test_a_stale_save_is_refused_and_shows_what_changed_meanwhile(
    coordinator_client, lead_client, pslu
):
    opened_by_lead = fiche_data(pslu, lead=None)  # both opened version 1
    first = coordinator_client.post(
        edit_url("initiative", pslu.pk), fiche_data(pslu, title="Titre du coordonnateur"), **HTMX
    )
    assert first.status_code == 200

    second = lead_client.post(
        edit_url("initiative", pslu.pk),
        {**opened_by_lead, "title": "Titre de la responsable"},
        **HTMX,
    )
    assert second.status_code == 409
    page = text_of(second)
    assert "Démo Coordonnateur PTN a enregistré une modification" in page
    assert "pendant que vous modifiiez cet élément" in page
    assert "Titre : Titre du coordonnateur" in page
    assert 'value="Titre de la responsable"' in second.content.decode()  # nothing typed is lost
    pslu.refresh_from_db()
    assert pslu.title == "Titre du coordonnateur"

    # Saving again from the conflict form is a deliberate choice: it carries the new version.
    version = re.search(r'name="expected_version" value="(\d+)"', second.content.decode())[1]
    third = lead_client.post(
        edit_url("initiative", pslu.pk),
        {**opened_by_lead, "title": "Titre de la responsable", "expected_version": version},
        **HTMX,
    )
    assert third.status_code == 200
    pslu.refresh_from_db()
    assert pslu.title == "Titre de la responsable"


def test_save_record_claims_the_version_in_the_same_transaction(pslu, coordinator_client):
    form_class = KINDS["initiative"].form_class(
        User.objects.get(pk=pslu.lead_id), edition=pslu.edition
    )
    form = form_class(fiche_data(pslu, title="A", lead=None), instance=pslu)
    assert form.is_valid(), form.errors
    Initiative.objects.filter(pk=pslu.pk).update(version=5)  # someone else saved meanwhile
    with pytest.raises(ConflictError):
        save_record(form, expected_version=1)
    pslu.refresh_from_db()
    assert pslu.title != "A" and pslu.version == 5


def test_a_deleted_row_cannot_be_saved_over(lead_client, pslu):
    benefit = pslu.benefits.filter(kind=Benefit.Kind.NON_FINANCIAL).first()
    data = {
        "kind": benefit.kind,
        "description": "Nouveau texte",
        "expected_version": benefit.version,
    }
    Benefit.objects.filter(pk=benefit.pk).delete()
    response = lead_client.post(edit_url("benefit", benefit.pk), data, **HTMX)
    assert response.status_code == 404


def test_rows_are_added_edited_and_deleted_without_leaving_the_page(lead_client, pslu):
    add = reverse("roadmap:add_under", args=[BODY, YEAR, "risk", pslu.pk])
    form = lead_client.get(add, **HTMX)
    assert form.status_code == 200 and "Ajouter un risque à l'initiative 1.1.1" in text_of(form)
    created = lead_client.post(
        add, {"title": "Retard du fournisseur", "description": "", "status": "open"}, **HTMX
    )
    assert created.status_code == 200 and "Retard du fournisseur" in text_of(created)
    risk = pslu.risks.get()

    mitigation_add = reverse("roadmap:add_under", args=[BODY, YEAR, "mitigation", risk.pk])
    lead_client.post(mitigation_add, {"text": "Pénalités au contrat"}, **HTMX)
    assert [m.text for m in risk.mitigations.all()] == ["Pénalités au contrat"]

    edited = lead_client.post(
        edit_url("risk", risk.pk),
        {
            "title": "Retard du fournisseur principal",
            "description": "",
            "status": "open",
            "expected_version": 1,
        },
        **HTMX,
    )
    assert "Retard du fournisseur principal" in text_of(edited)
    assert "Pénalités au contrat" in text_of(edited)  # the swapped part shows its rows

    deleted = lead_client.post(
        reverse("roadmap:delete", args=[BODY, YEAR, "risk", risk.pk]),
        {"expected_version": 2},
        **HTMX,
    )
    assert deleted.status_code == 200 and deleted.content == b""
    assert (
        json.loads(deleted["HX-Trigger"])["ptn:announce"]["message"] == "Suppression enregistrée."
    )
    assert not pslu.risks.exists()


def test_cancel_restores_the_display(lead_client, pslu):
    response = lead_client.get(edit_url("initiative", pslu.pk) + "?afficher=1", **HTMX)
    assert response.status_code == 200
    assert f'id="initiative-{pslu.pk}"' in response.content.decode()
    assert "<form" not in response.content.decode()


def test_coordinator_creates_an_initiative_with_the_next_free_code(coordinator_client, edition):
    ambition = edition.initiatives.get(code="2.2.5").ambition
    url = reverse("roadmap:add_under", args=[BODY, YEAR, "initiative", ambition.pk])
    response = coordinator_client.post(url, {"title": "Nouvelle initiative", "status": "ideation"})
    assert response.status_code == 302
    created = edition.initiatives.get(title="Nouvelle initiative")
    assert created.code == "2.2.6"  # 2.2.5 is the highest of ambition 2.2
    assert response["Location"].startswith(
        reverse("initiatives:detail", args=[BODY, YEAR, "2.2.6"])
    )


def test_coordinator_edits_a_narrative_section_with_a_preview(coordinator_client, edition):
    section = edition.sections.get(key="note-au-lecteur")
    url = edit_url("section", section.pk)
    data = {
        "title": section.title,
        "body": "Texte **révisé** <script>alert(1)</script>",
        "conclusion": "",
        "expected_version": section.version,
    }
    preview = coordinator_client.post(url, {**data, "_preview": "1"})
    assert preview.status_code == 200
    assert "<strong>révisé</strong>" in preview.content.decode()
    assert "alert(1)" not in preview.content.decode().split('id="id_body"')[0]
    assert Section.objects.get(pk=section.pk).body == section.body  # a preview saves nothing

    saved = coordinator_client.post(url, data)
    assert saved.status_code == 302
    page = coordinator_client.get(saved["Location"]).content.decode()
    assert "<strong>révisé</strong>" in page and "<script>alert(1)" not in page


def test_live_preview_renders_sanitised_markdown(lead_client):
    response = lead_client.post(
        reverse("markdown_preview"),
        {"_field": "description", "description": "- un\n- deux\n\n<img src=http://x/y>"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<li>un</li>" in html and "<img" not in html


def test_live_preview_needs_a_role(outsider_client):
    response = outsider_client.post(reverse("markdown_preview"), {"_field": "x", "x": "texte"})
    assert response.status_code == 403


def test_every_change_is_in_the_history_with_author_and_values(coordinator_client, pslu):
    coordinator_client.post(edit_url("initiative", pslu.pk), fiche_data(pslu, status="suspended"))
    page = text_of(
        coordinator_client.get(reverse("initiatives:detail", args=[BODY, YEAR, "1.1.1"]))
    )
    history = page.split("Historique", 1)[1]
    assert "Démo Coordonnateur PTN — Modification : initiative « 1.1.1 »" in history
    assert "Statut : En cours → Suspendue" in history
    edition_page = text_of(coordinator_client.get(reverse("roadmap:history", args=[BODY, YEAR])))
    assert "Statut : En cours → Suspendue" in edition_page


def test_history_keeps_rows_deleted_since(lead_client, pslu):
    benefit = pslu.benefits.first()
    lead_client.post(
        reverse("roadmap:delete", args=[BODY, YEAR, "benefit", benefit.pk]),
        {"expected_version": benefit.version},
    )
    history = text_of(lead_client.get(reverse("initiatives:detail", args=[BODY, YEAR, "1.1.1"])))
    assert f"Suppression : bénéfice « {benefit.description[:40]}" in history


def test_a_stale_delete_is_refused(lead_client, pslu):
    benefit = pslu.benefits.first()
    Benefit.objects.filter(pk=benefit.pk).update(version=9)
    response = lead_client.post(
        reverse("roadmap:delete", args=[BODY, YEAR, "benefit", benefit.pk]), {"expected_version": 1}
    )
    assert response.status_code == 302
    assert Benefit.objects.filter(pk=benefit.pk).exists()


@pytest.mark.parametrize(
    "method, path",
    [("get", "form"), ("post", "save"), ("get", "cancel")],
)
def test_queries_per_htmx_request_stay_flat_as_the_plan_grows(
    lead_client, pslu, edition, method, path
):
    def run() -> int:
        fresh = Initiative.objects.get(pk=pslu.pk)
        url = edit_url("initiative", pslu.pk) + ("?afficher=1" if path == "cancel" else "")
        with CaptureQueriesContext(connection) as queries:
            if method == "get":
                response = lead_client.get(url, **HTMX)
            else:
                response = lead_client.post(
                    url, fiche_data(fresh, lead=None, phase=f"v{fresh.version}"), **HTMX
                )
        assert response.status_code == 200
        return len(queries)

    before = run()
    add_generated_initiatives(edition, 200)
    assert run() == before
    # Session, user, roles, edition, the record with its relations, form choices (units,
    # leads); a save adds the version claim and the write (each checking that the edition is
    # not frozen), its history row and the fresh display.
    expected = {"form": 7, "save": 16, "cancel": 7}
    assert before == expected[path]


def test_an_htmx_client_that_is_refused_gets_a_403_without_a_page(reader_client, pslu):
    response = reader_client.post(edit_url("initiative", pslu.pk), fiche_data(pslu), **HTMX)
    assert response.status_code == 403


def test_edition_content_is_frozen_once_recommended(coordinator_client, pslu, edition):
    edition.status = edition.Status.RECOMMENDED
    edition.save()
    response = coordinator_client.post(edit_url("initiative", pslu.pk), fiche_data(pslu, title="X"))
    assert response.status_code == 403
    pslu.refresh_from_db()
    assert pslu.title != "X"


def test_readers_see_no_edit_buttons_but_the_coordinator_does(reader_client, coordinator_client):
    url = reverse("initiatives:detail", args=[BODY, YEAR, "1.1.1"])
    assert "Modifier" not in text_of(reader_client.get(url)).split("Historique")[0]
    assert "Modifier" in text_of(coordinator_client.get(url))


def test_no_inline_style_or_script_in_pages(coordinator_client):
    html = coordinator_client.get(
        reverse("initiatives:detail", args=[BODY, YEAR, "1.1.1"])
    ).content.decode()
    assert "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"<[^>]+\s(on[a-z]+|(data-)?hx-on[:a-z-]*)=", html)  # no inline handlers


def test_htmx_is_served_from_our_static_files_with_history_cache_off(reader_client):
    html = reader_client.get(reverse("roadmap:home", args=[BODY, YEAR])).content.decode()
    assert re.search(r'<script src="/static/django_htmx/htmx-2[^"]*\.js"', html)
    assert '"historyCacheSize": 0' in html
    assert "https://" not in re.sub(r'href="https://[^"]*"', "", html)


# --- Numbers typed as a Québec user types them ---------------------------------------------


@pytest.fixture
def sdm(edition) -> Initiative:
    """2.2.3, also led by the lead persona; its benefits have indicators."""
    return Initiative.objects.get(edition=edition, code="2.2.3")


def indicator_of(initiative: Initiative):
    return initiative.benefits.filter(indicators__isnull=False).first().indicators.first()


def indicator_data(indicator, **values) -> dict:
    return {
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "expected_version": indicator.version,
        **values,
    }


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_decimals_typed_with_a_comma_a_space_or_a_dot_are_stored_as_meant(
    lead_client, sdm, language
):
    client = in_english(lead_client) if language == "en" else lead_client
    indicator = indicator_of(sdm)
    response = client.post(
        edit_url("indicator", indicator.pk),
        indicator_data(indicator, baseline="38,5", target="1\u202f234,5", threshold="1234.5"),
        **HTMX,
    )
    assert response.status_code == 200, text_of(response)
    indicator.refresh_from_db()
    assert (indicator.baseline, indicator.target, indicator.threshold) == (
        Decimal("38.5"),
        Decimal("1234.5"),
        Decimal("1234.5"),
    )
    shown = text_of(response)
    if language == "en":
        assert "38.5" in shown and "1,234.5" in shown and "38,5" not in shown
    else:
        assert "Valeur de départ 38,5" in shown and "Cible 1 234,5" in shown


def test_an_ambiguous_or_malformed_number_is_refused_in_french_and_nothing_is_stored(
    lead_client, sdm
):
    indicator = indicator_of(sdm)
    response = lead_client.post(
        edit_url("indicator", indicator.pk),
        indicator_data(indicator, baseline="1,234", target="1.234,5", threshold="0,1255"),
        **HTMX,
    )
    assert response.status_code == 422
    page = text_of(response)
    assert (
        "« 1,234 » peut se lire de deux façons : séparez les milliers par une espace (1 234) "
        "et les décimales par une virgule (1,5)."
    ) in page
    assert "Saisissez un nombre, par exemple 38,5 ou 1 234,5." in page
    assert "Assurez-vous qu’il n’y a pas plus de 2 chiffres après la virgule." in page  # 0,1255
    assert 'value="1,234"' in response.content.decode()  # what was typed stays
    indicator.refresh_from_db()
    assert indicator.baseline is None and indicator.version == 1


def test_in_english_a_comma_groups_thousands(lead_client, sdm):
    indicator = indicator_of(sdm)
    in_english(lead_client).post(
        edit_url("indicator", indicator.pk), indicator_data(indicator, baseline="1,234"), **HTMX
    )
    indicator.refresh_from_db()
    assert indicator.baseline == Decimal("1234")


def test_an_amount_is_typed_in_whole_dollars(coordinator_client, pslu):
    response = coordinator_client.post(
        edit_url("initiative", pslu.pk), fiche_data(pslu, budget="2 500 000 $"), **HTMX
    )
    assert response.status_code == 200
    pslu.refresh_from_db()
    assert pslu.budget == 2_500_000
    refused = coordinator_client.post(
        edit_url("initiative", pslu.pk),
        fiche_data(pslu, budget="2 500 000,50 $", expected_version=pslu.version),
        **HTMX,
    )
    assert refused.status_code == 422
    assert "Le montant est en dollars, sans cents" in text_of(refused)
    pslu.refresh_from_db()
    assert pslu.budget == 2_500_000


@pytest.mark.parametrize("language, shown", [("fr-ca", "1,14"), ("en", "1.14")])
def test_a_stored_decimal_is_shown_back_in_the_interface_language(
    coordinator_client, edition, language, shown
):
    from roadmap.models import RadarScore

    client = in_english(coordinator_client) if language == "en" else coordinator_client
    score = RadarScore.objects.get(radar__edition=edition, category="Expérience employé")
    html = client.get(edit_url("radar-score", score.pk)).content.decode()
    field = re.search(r'<input[^>]*name="score"[^>]*>', html)[0]
    assert f'value="{shown}"' in field
    assert 'type="text"' in field and 'inputmode="decimal"' in field  # not type="number"


# --- What the forms say -----------------------------------------------------------------------


def test_forms_say_what_they_edit(lead_client, coordinator_client, pslu, sdm, edition):
    indicator = indicator_of(sdm)
    assert "Modifier la fiche de l'initiative 1.1.1" in text_of(
        lead_client.get(edit_url("initiative", pslu.pk), **HTMX)
    )
    add_benefit = reverse("roadmap:add_under", args=[BODY, YEAR, "benefit", pslu.pk])
    assert "Ajouter un bénéfice à l'initiative 1.1.1" in text_of(lead_client.get(add_benefit))
    assert f"Modifier l'indicateur « {indicator.name} »" in text_of(
        lead_client.get(edit_url("indicator", indicator.pk), **HTMX)
    )
    add_measurement = reverse("roadmap:add_under", args=[BODY, YEAR, "measurement", indicator.pk])
    assert f"Ajouter une mesure à l'indicateur « {indicator.name} »" in text_of(
        lead_client.get(add_measurement, **HTMX)
    )
    section = edition.sections.get(key="radar")
    page = coordinator_client.get(edit_url("section", section.pk))
    assert "<title>Modifier la section « Radar numériQc »" in page.content.decode()


def test_only_signed_sections_offer_the_signatory_fields(coordinator_client, edition):
    signed = edition.sections.get(key="message-dirigeante-information")
    unsigned = edition.sections.get(key="note-au-lecteur")
    assert signed.signed and not unsigned.signed
    assert (
        'name="signatory_name"'
        in coordinator_client.get(edit_url("section", signed.pk)).content.decode()
    )
    assert (
        'name="signatory_name"'
        not in coordinator_client.get(edit_url("section", unsigned.pk)).content.decode()
    )
    # Saving a section without the fields keeps a signatory entered elsewhere.
    Section.objects.filter(pk=unsigned.pk).update(signatory_name="Personne")
    coordinator_client.post(
        edit_url("section", unsigned.pk),
        {"title": unsigned.title, "body": "Texte", "conclusion": "", "expected_version": 1},
    )
    unsigned.refresh_from_db()
    assert unsigned.body == "Texte" and unsigned.signatory_name == "Personne"


def test_a_delete_confirmation_says_what_goes_with_the_item(lead_client, sdm):
    benefit = sdm.benefits.filter(indicators__isnull=False).first()
    first, second = benefit.indicators.create(name="Second indicateur"), benefit.indicators.first()
    for day in range(1, 6):
        first.measurements.create(measured_on=f"2024-05-0{day}", value=day)
    url = reverse("roadmap:delete", args=[BODY, YEAR, "benefit", benefit.pk])
    count = benefit.indicators.count()
    for response in (lead_client.get(url), lead_client.get(url, **HTMX)):
        page = text_of(response)
        assert f"Supprimer le bénéfice « {benefit.description[:40]}" in page
        assert f"Cela supprimera aussi {count} indicateurs et 5 mesures." in page
    fragment = lead_client.get(url, **HTMX).content.decode()
    assert "<html" not in fragment and f'data-hx-post="{url}"' in fragment
    assert second.pk  # untouched by a GET
    assert benefit.indicators.count() == count

    one = benefit.indicators.exclude(pk=first.pk).first()
    page = text_of(
        lead_client.get(reverse("roadmap:delete", args=[BODY, YEAR, "indicator", one.pk]))
    )
    assert "Cela supprimera aussi" not in page  # nothing goes with it


def test_an_inline_save_returns_a_visible_confirmation_next_to_the_record(lead_client, pslu):
    response = lead_client.post(
        edit_url("initiative", pslu.pk), fiche_data(pslu, phase="Phase 3", lead=None), **HTMX
    )
    html = response.content.decode()
    actions = html[html.index('class="ptn-row-actions"') :]
    assert '<p class="ptn-saved">' in actions and "Modification enregistrée." in actions
    # Only next to the saved record: the page as loaded later has none.
    page = lead_client.get(
        reverse("initiatives:detail", args=[BODY, YEAR, "1.1.1"])
    ).content.decode()
    assert "ptn-saved" not in page


# --- French as a reader expects it -----------------------------------------------------------

FIRST_OF_DECEMBER = datetime.datetime(2025, 12, 1, 14, 5, tzinfo=datetime.UTC)


def test_dates_on_pages_read_1er_decembre(coordinator_client, lead_client, pslu, edition):
    from django.utils import timezone

    when = timezone.localtime(FIRST_OF_DECEMBER).replace(day=1, hour=14, minute=5)
    coordinator_client.post(edit_url("initiative", pslu.pk), fiche_data(pslu, phase="Phase 4"))
    pslu.history.filter(phase="Phase 4").update(history_date=when)
    comment = ReviewComment.objects.create(edition=edition, initiative=pslu, text="À préciser")
    ReviewComment.objects.filter(pk=comment.pk).update(
        created_at=when, resolved_at=when, resolved_by=User.objects.get(username="coordonnateur")
    )
    transition = Transition.objects.create(edition=edition, action="create", to_status="draft")
    Transition.objects.filter(pk=transition.pk).update(at=when)

    initiative_page = text_of(
        coordinator_client.get(reverse("initiatives:detail", args=[BODY, YEAR, "1.1.1"]))
    )
    assert "1er décembre 2025, 14 h 05 — Démo Coordonnateur PTN" in initiative_page  # history
    history_url = reverse("roadmap:history", args=[BODY, YEAR]) + "?start=2025-12-01&end=2025-12-01"
    history = text_of(coordinator_client.get(history_url))  # paged: that day's changes
    assert "1er décembre 2025, 14 h 05" in history
    edition_page = text_of(coordinator_client.get(reverse("roadmap:edition", args=[BODY, YEAR])))
    assert "Création — 1er décembre 2025, 14 h 05" in edition_page  # timeline
    assert "1er décembre 2025, 14 h 05 — initiative 1.1.1" in edition_page  # comment
    assert "par Démo Coordonnateur PTN, le 1er décembre 2025" in edition_page  # resolved
    for page in (initiative_page, history, edition_page):
        assert "1 décembre" not in page

    # A conflict says when the other save happened, the same way.
    stale = fiche_data(pslu, title="Titre périmé", lead=None)
    lead_client.post(edit_url("initiative", pslu.pk), stale, **HTMX)  # version 2: accepted
    pslu.history.order_by("-history_id").filter(pk=pslu.pk).update(history_date=when)
    conflict = text_of(lead_client.post(edit_url("initiative", pslu.pk), stale, **HTMX))
    assert "a enregistré une modification le 1er décembre 2025, 14 h 05" in conflict


def test_counts_agree_with_their_noun_instead_of_writing_s_in_parentheses(pslu, edition):
    from roadmap.workflow.notifications import awaiting

    coordinator = User.objects.get(username="coordonnateur")
    ReviewComment.objects.create(edition=edition, initiative=pslu, text="Un commentaire")
    assert ("1 commentaire de révision à régler.", reverse("index")) in awaiting(coordinator)
    ReviewComment.objects.create(edition=edition, text="Un autre")
    assert ("2 commentaires de révision à régler.", reverse("index")) in awaiting(coordinator)
