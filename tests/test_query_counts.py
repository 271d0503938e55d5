"""Each page costs a fixed number of queries, whatever the size of the plan (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roadmap.demo.generate import add_generated_initiatives
from roadmap.links import plan_url
from roadmap.models import Edition
from tests.bodies import add_bodies
from tests.pages import plan_pages
from tests.personas import client_for

PAGES = plan_pages()

# Pinned (on the demo plan, on the demo plus 200 generated initiatives): a change must be
# deliberate. Every authenticated page reads the session, the user and the user's roles (3), and
# the list of editions for the switcher in the header (1).
EXPECTED_QUERIES = {
    # Which edition to open (the approved one for a reader, else the newest): the editions the
    # person may read, one query whatever the number of bodies.
    "index": (4, 4),
    # The maturity's stage labels are data of their own (one query for the four); the
    # strategic-plan orientations (1) and which of them each orientation serves (1).
    "home": (14, 14),
    "roadmap": (10, 10),
    "roadmap_filtered": (10, 10),
    # 13 for the initiative and its rows (its benefits' amounts per fiscal year included, for
    # their inline table and totals), 1 for its review comments; its last 50 changes:
    # 1 to find them (one UNION of its 9 history tables), 1 per kind of record among them
    # (its records and the ones before them, for the differences), 1 per kind of name shown.
    "initiative": (23, 23),
    # The financial benefits' amounts per fiscal year: one aggregate query.
    "benefits": (9, 9),
    # The demo has initiative risks (illustrative), so their mitigations are fetched too: one
    # query more than a plan without any (8), the same however many there are.
    "risks": (9, 9),
    "sections": (6, 6),
    "section_text": (9, 9),
    "section_generated": (10, 10),
    "section_radar": (11, 11),
    "section_benefits": (12, 12),
    # The edition, the filters' initiatives and people (2), the number of changes and the
    # page's 50 (2), then 1 per kind of record on the page and per kind of name shown: the
    # demo's newest changes are of 6 kinds with 2 kinds of names; the generated plan's (its
    # dependencies) of 1 kind naming initiatives. However long the history: see below.
    "history": (17, 11),
    # The follow-up (issue 14); the generated initiatives have no report on these pages (the
    # dashboard with 200 initiatives × 8 periods of reports: test_followup_dashboard below).
    # The dashboard: the edition, its periods, the filters' lists (2), the initiatives and each
    # kind of row the derived health reads (milestones, dependencies, benefits, their yearly
    # amounts, indicators, measurements, the period's reports), the orientations and
    # ambitions, the plan's and the initiatives' risks.
    "dashboard": (20, 20),
    "dashboard_filtered": (17, 17),
    "followup_initiative": (16, 16),
    "report": (16, 16),
    "periods": (6, 6),
    "followup_risks": (7, 7),
}


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code in (200, 302)
    return len(queries)


@pytest.mark.parametrize("name", PAGES)
def test_page_query_count_does_not_grow_with_the_plan(reader_client, edition, name):
    url = PAGES[name]
    on_demo = count_queries(reader_client, url)
    add_generated_initiatives(edition, 200)
    on_large_plan = count_queries(reader_client, url)
    assert (on_demo, on_large_plan) == EXPECTED_QUERIES[name]


@pytest.mark.parametrize("name", PAGES)
def test_page_query_count_does_not_grow_with_the_number_of_bodies(reader_client, edition, name):
    """The MEIE's reader, with the MEIE alone and beside 19 more bodies (each with an edition)."""
    url = PAGES[name]
    one_body = count_queries(reader_client, url)
    add_bodies(19)
    twenty_bodies = count_queries(reader_client, url)
    assert (one_body, twenty_bodies) == (EXPECTED_QUERIES[name][0],) * 2


# Someone who reads every body's plans (the chief's office reads the transmitted ones): the
# landing page lists them all, the header's switcher offers them all — one query either way.
EVERY_BODY_QUERIES = {"index": 4, "home": 14, "roadmap": 10}


@pytest.mark.parametrize("name", EVERY_BODY_QUERIES)
def test_reading_every_body_costs_the_same_with_one_body_or_twenty(edition, name):
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.TRANSMITTED)
    client = client_for("cgtn")
    url = PAGES[name]
    one_body = count_queries(client, url)
    add_bodies(19)
    twenty_bodies = count_queries(client, url)
    assert (one_body, twenty_bodies) == (EVERY_BODY_QUERIES[name],) * 2


def test_history_page_costs_the_same_however_long_the_history(reader_client, edition):
    """Ten times more history, the same queries: a page reads only the rows it shows."""
    from accounts.models import User

    url = plan_url("roadmap:history", edition)
    pslu = edition.initiatives.get(code="1.1.1")
    coordinator = User.objects.get(username="coordonnateur")
    pages = [url, f"{url}?page=2", f"{url}?initiative={pslu.pk}&person={coordinator.pk}"]

    def retitle(times: int) -> None:
        for n in range(times):
            pslu.title = f"Titre {n}"
            pslu._history_user = coordinator
            pslu.save(update_fields=["title"])

    retitle(110)  # more than two pages of changes of one kind
    short = [count_queries(reader_client, page) for page in pages]
    retitle(1100)
    long = [count_queries(reader_client, page) for page in pages]
    assert short == long


def test_coordinator_roadmap_with_its_selection_form_does_not_grow_with_the_plan(
    coordinator_client, edition
):
    """The reader's roadmap plus the two lists of the « assign » form (leads, units)."""
    url = PAGES["roadmap"]
    on_demo = count_queries(coordinator_client, url)
    add_generated_initiatives(edition, 200)
    assert (on_demo, count_queries(coordinator_client, url)) == (12, 12)


# Session, user, roles (3) and the body (1); then a body's page reads its editions (1), and
# « Commencer une édition » its approved editions to copy, the one in preparation and the plan
# templates it offers (3).
BODY_PAGES = {"body": ("lecteur", 5), "edition_start": ("coordonnateur", 7)}


@pytest.mark.parametrize("name", BODY_PAGES)
def test_a_bodys_pages_cost_the_same_with_one_body_or_twenty(edition, name):
    from django.urls import reverse

    username, expected = BODY_PAGES[name]
    client = client_for(username)
    url = reverse(name, args=[edition.body.slug])
    one_body = count_queries(client, url)
    add_bodies(19)
    assert (one_body, count_queries(client, url)) == (expected, expected)
