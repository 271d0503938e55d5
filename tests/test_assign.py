"""The coordinator assigns a lead and/or a unit to several initiatives of the roadmap at once."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Unit, User
from initiatives.models import Initiative
from initiatives.services import initiatives_assign
from roadmap.models import Edition, EditionFrozenError
from tests.test_pages import text_of

YEAR = "2023-2024"
BODY = "meie"
URL = reverse("roadmap:assign", args=[BODY, YEAR])


def selection(*initiatives: Initiative, **fields) -> dict:
    """The form as the roadmap sends it: the checked initiatives, each with the version shown."""
    data = {"initiative": [str(i.pk) for i in initiatives], **fields}
    data.update({f"version-{i.pk}": str(i.version) for i in initiatives})
    return data


@pytest.fixture
def pair(edition) -> list[Initiative]:
    return [edition.initiatives.get(code="1.1.2"), edition.initiatives.get(code="2.1.1")]


@pytest.fixture
def lead() -> User:
    return User.objects.get(username="responsable")


@pytest.fixture
def unit() -> Unit:
    return Unit.objects.get(acronym="DDIA")


def test_coordinator_assigns_a_lead_and_a_unit_to_several_initiatives(
    coordinator_client, pair, lead, unit, edition
):
    untouched = edition.initiatives.get(code="1.2.2")
    before = {i.pk: i.version for i in pair}

    response = coordinator_client.post(
        URL, selection(*pair, lead=lead.pk, unit=unit.pk), follow=True
    )

    assert response.redirect_chain[-1] == (reverse("roadmap:roadmap", args=[BODY, YEAR]), 302)
    assert (
        "2 initiatives modifiées (1.1.2, 2.1.1); les changements sont inscrits à l'historique."
        in text_of(response)
    )
    for initiative in pair:
        initiative.refresh_from_db()
        assert (initiative.lead, initiative.unit) == (lead, unit)
        assert initiative.version == before[initiative.pk] + 1
        record = initiative.history.first()
        assert record.history_user.username == "coordonnateur" and record.history_type == "~"
        assert (record.lead_id, record.unit_id, record.version) == (
            lead.pk,
            unit.pk,
            initiative.version,
        )
    untouched_before = (untouched.version, untouched.lead_id, untouched.unit_id)
    untouched.refresh_from_db()
    assert (untouched.version, untouched.lead_id, untouched.unit_id) == untouched_before
    history = text_of(coordinator_client.get(reverse("roadmap:history", args=[BODY, YEAR])))
    assert "Démo Coordonnateur PTN — Modification : initiative « 2.1.1 »" in history
    assert (
        "Unité : Direction des ressources humaines → "
        "Direction des données et de l’intelligence d’affaires"
    ) in history


def test_assigning_only_a_unit_keeps_each_lead(coordinator_client, edition, unit):
    pslu, sdm = edition.initiatives.get(code="1.1.1"), edition.initiatives.get(code="2.2.3")
    leads = {pslu.pk: pslu.lead_id, sdm.pk: sdm.lead_id}

    coordinator_client.post(URL, selection(pslu, sdm, unit=unit.pk))

    for initiative in (pslu, sdm):
        initiative.refresh_from_db()
        assert initiative.unit == unit and initiative.lead_id == leads[initiative.pk]


def test_an_initiative_changed_meanwhile_is_not_overwritten(coordinator_client, pair, lead, unit):
    data = selection(*pair, lead=lead.pk, unit=unit.pk)
    # Meanwhile, someone saves 2.1.1.
    Initiative.objects.filter(pk=pair[1].pk).update(
        title="Titre changé entre-temps", version=F("version") + 1
    )

    response = coordinator_client.post(URL, data)

    assert response.status_code == 409
    page = text_of(response)
    assert (
        "Rien n'a été modifié : l'initiative 2.1.1 a changé depuis l'affichage de la page." in page
    )
    for initiative in pair:
        initiative.refresh_from_db()
        assert initiative.lead != lead and initiative.unit != unit
    html = response.content.decode()
    # Shown again with both boxes still checked and the current version of 2.1.1.
    for initiative in pair:
        assert f'value="{initiative.pk}" id="select-{initiative.pk}" checked' in html
    assert f'name="version-{pair[1].pk}" value="{pair[1].version}"' in html


def test_only_the_coordinator_assigns(reader_client, lead_client, outsider_client, pair, lead):
    data = selection(*pair, lead=lead.pk)
    for client in (reader_client, lead_client, outsider_client):
        assert client.post(URL, data).status_code == 403
    assert reader_client.get(URL).status_code in (403, 405)
    for initiative in pair:
        initiative.refresh_from_db()
        assert initiative.lead != lead
    assert (
        'name="initiative"'
        not in reader_client.get(reverse("roadmap:roadmap", args=[BODY, YEAR])).content.decode()
    )


def test_a_frozen_edition_refuses_the_assignment(coordinator_client, edition, pair, lead):
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.RECOMMENDED)
    data = selection(*pair, lead=lead.pk)

    assert coordinator_client.post(URL, data).status_code == 403
    edition.refresh_from_db()
    with pytest.raises(EditionFrozenError):
        initiatives_assign(
            edition=edition,
            versions={i.pk: i.version for i in pair},
            lead=lead,
            user=User.objects.get(username="coordonnateur"),
        )
    for initiative in pair:
        initiative.refresh_from_db()
        assert initiative.lead != lead


def test_nothing_checked_or_nothing_to_assign_is_explained_in_french(
    coordinator_client, pair, lead
):
    nothing_checked = coordinator_client.post(URL, {"lead": lead.pk})
    assert nothing_checked.status_code == 422
    assert "Cochez au moins une initiative dans le tableau." in text_of(nothing_checked)

    nothing_chosen = coordinator_client.post(URL, selection(*pair))
    assert nothing_chosen.status_code == 422
    assert "Choisissez un responsable, une unité, ou les deux." in text_of(nothing_chosen)
    html = nothing_chosen.content.decode()
    assert f'value="{pair[0].pk}" id="select-{pair[0].pk}" checked' in html


def test_the_roadmap_keeps_its_filters_after_an_assignment(coordinator_client, pair, unit):
    data = {**selection(*pair, unit=unit.pk), "filtres": "status=planned&q=parcours"}
    response = coordinator_client.post(URL, data)
    assert response["Location"] == (
        reverse("roadmap:roadmap", args=[BODY, YEAR]) + "?status=planned&q=parcours"
    )


def test_an_assignment_costs_the_same_queries_for_two_or_twelve_initiatives(
    coordinator_client, edition, lead, unit
):
    initiatives = list(edition.initiatives.exclude(code__in=["1.1.1", "2.2.3"]))
    assert len(initiatives) == 12

    def assign(chosen) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = coordinator_client.post(URL, selection(*chosen, lead=lead.pk))
        assert response.status_code == 302
        return len(queries)

    assert assign(initiatives[:2]) == assign(initiatives[2:])
    assert Initiative.objects.filter(pk__in=[i.pk for i in initiatives], lead=lead).count() == 12
