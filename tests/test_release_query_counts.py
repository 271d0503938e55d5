"""The release and public pages cost a fixed number of queries, whatever the size of the plan."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from releases.redaction import record_key
from roadmap.demo.generate import add_generated_initiatives
from roadmap.links import plan_url
from roadmap.models import Section
from tests.personas import client_for
from tests.releasing import planted_release
from tests.test_publication import transmit
from tests.test_query_counts import count_queries

PUBLIC = "/public/meie/2023-2024/"


@pytest.fixture(params=[0, 50], ids=["demo", "demo+50"])
def release(request, edition):
    """A release of the demo, or of the demo with 50 generated initiatives more (the counts are
    the same: no query per record)."""
    if request.param:
        add_generated_initiatives(edition, request.param)
    return planted_release(edition, User.objects.get(username="acces"))[0]


def officer_pages(edition, release) -> dict[str, str]:
    detail = plan_url("releases:detail", edition, release.number)
    section = edition.sections.get(key="note-au-lecteur")
    return {
        "list": plan_url("releases:list", edition),
        "detail": detail,
        "detail_examined": f"{detail}?element={record_key(Section, section.pk)}",
    }


# Pinned: every page reads the session, the user and the roles, the switcher's editions and the
# edition. A release's page lists every record of the edition: one query per kind of record (17).
# A public page reads the publication, then the whole redacted plan (the report's context).
# The plan's JSON document: the export's queries, the release's decisions, then the records
# it was written from, one query per kind.
EXPECTED = {"list": 7, "detail": 24, "detail_examined": 26}
PUBLIC_EXPECTED = {
    "home": 25,
    "roadmap": 25,
    "initiative": 26,
    "section": 25,
    "csv": 25,
    "json": 47,
}


def test_release_pages_cost_a_fixed_number_of_queries(edition, release):
    officer = client_for("acces")
    counts = {}
    for name, url in officer_pages(edition, release).items():
        ContentType.objects.clear_cache()  # content types are cached per process: count cold
        counts[name] = count_queries(officer, url)
    assert counts == EXPECTED


def test_public_pages_cost_a_fixed_number_of_queries(edition, release):
    transmit(edition)
    call_command("publish_edition", body="MEIE", edition="2023-2024", release=release.number)
    pages = {
        "home": PUBLIC,
        "roadmap": f"{PUBLIC}feuille-de-route/",
        "initiative": f"{PUBLIC}initiatives/1.1.1/",
        "section": f"{PUBLIC}sections/note-au-lecteur/",
        "csv": f"{PUBLIC}donnees/initiatives.csv",
        "json": f"{PUBLIC}donnees/plan.json",
    }
    assert {name: count_queries(Client(), url) for name, url in pages.items()} == PUBLIC_EXPECTED
