"""Each page costs a fixed number of queries, whatever the size of the plan (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roadmap.demo.generate import add_generated_initiatives
from tests.pages import plan_pages

PAGES = plan_pages()

# Pinned (on the demo plan, on the demo plus 200 generated initiatives): a change must be
# deliberate. Every authenticated page reads the session, the user and the user's roles (3), and
# the list of editions for the switcher in the header (1).
EXPECTED_QUERIES = {
    "index": (5, 5),  # which edition to open: the approved one for a reader, else the newest
    # The maturity's stage labels are data of their own (one query for the four).
    "home": (12, 12),
    "roadmap": (10, 10),
    "roadmap_filtered": (10, 10),
    # 12 for the initiative and its rows, 1 for its review comments, 9 for their history,
    # 4 for the names shown in it.
    "initiative": (27, 27),
    "benefits": (8, 8),
    # The demo has initiative risks (illustrative), so their mitigations are fetched too: one
    # query more than a plan without any (8), the same however many there are.
    "risks": (9, 9),
    "sections": (6, 6),
    "section_text": (9, 9),
    "section_generated": (10, 10),
    "section_radar": (11, 11),
    "section_benefits": (12, 12),
    # 21 history sources, 4 kinds of names, the edition, session, user and roles.
    "history": (30, 30),
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
