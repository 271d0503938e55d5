"""The roadmap's rows and the risks page's cards are memoised by everything they show
(roadmap/views.py: _set_row_keys, risks): a change to an initiative, its lead, its unit, a risk
or a mitigation shows at once, in the reader's language, and a row with the coordinator's
checkbox is never served to a reader."""

import html as html_lib
import re

from django.conf import settings
from django.urls import reverse

from initiatives.models import Initiative
from tests.test_pages import BODY, YEAR, text_of

URL = reverse("roadmap:roadmap", args=[BODY, YEAR])


def row_of(client, code: str) -> str:
    """The text of the initiative's row."""
    html = client.get(URL).content.decode()
    row = re.search(rf'<tr>\s*<td class="ptn-code[^"]*">.*?{re.escape(code)}.*?</tr>', html, re.S)
    assert row, code
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", row.group(0))).split())


def test_an_initiative_changed_outside_the_page_shows_at_once(reader_client, edition):
    initiative = edition.initiatives.get(code="1.1.1")
    assert initiative.title in row_of(reader_client, "1.1.1")  # rendered (and memoised) once

    initiative.title = "Titre changé par la coordination"
    initiative.status = Initiative.Status.COMPLETED
    initiative.save()

    row = row_of(reader_client, "1.1.1")
    assert "Titre changé par la coordination" in row
    assert str(Initiative.Status.COMPLETED.label) in row


def test_a_renamed_lead_and_unit_show_at_once(reader_client, edition):
    initiative = edition.initiatives.exclude(lead=None).exclude(unit=None).first()
    before = row_of(reader_client, initiative.code)
    assert str(initiative.lead) in before and initiative.unit.acronym in before

    initiative.lead.first_name, initiative.lead.last_name = "Renée", "Nouveau-Nom"
    initiative.lead.save()
    initiative.unit.acronym = "DNOUV"
    initiative.unit.save()

    after = row_of(reader_client, initiative.code)
    assert "Renée Nouveau-Nom" in after and "DNOUV" in after


def test_each_language_has_its_own_rows(reader_client, edition):
    initiative = edition.initiatives.get(code="1.1.1")
    french = row_of(reader_client, "1.1.1")
    assert str(initiative.get_status_display()) in french  # French first

    reader_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = text_of(reader_client.get(URL))
    status = {"exploration": "Exploration", "planned": "Planned"}.get(initiative.status)
    assert ("Yes" in english or "No" in english) and "Oui" not in english
    if status:
        assert status in english


def test_a_reader_never_gets_the_coordinators_checkboxes(coordinator_client, reader_client):
    assert 'name="initiative"' in coordinator_client.get(URL).content.decode()
    assert 'name="initiative"' not in reader_client.get(URL).content.decode()


def test_the_risks_page_shows_a_changed_risk_or_mitigation_at_once(reader_client, edition):
    """The risks page memoises its initiatives' risk cards the same way."""
    from initiatives.models import InitiativeRisk

    url = reverse("roadmap:risks", args=[BODY, YEAR])
    risk = InitiativeRisk.objects.filter(initiative__edition=edition).first()
    mitigation = risk.mitigations.create(text="Première mesure d'atténuation", order=9)
    assert "Première mesure d'atténuation" in text_of(reader_client.get(url))

    mitigation.text = "Mesure d'atténuation revue"
    mitigation.save()
    risk.title = "Risque renommé"
    risk.save()

    page = text_of(reader_client.get(url))
    assert "Mesure d'atténuation revue" in page and "Première mesure" not in page
    assert "Risque renommé" in page
