"""Realized amounts after approval (issue 14): on the initiative page of an approved plan, the
lead enters what a financial benefit realized in a fiscal year, in place, typed with a
decimal comma, and the benefit's total follows; the planned amount stays as approved.

The approved plan is a body of its own (« APB »), made once for this module, so that the demo
plan the other tests edit stays a draft.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Portal, _manage
from tests.browser.helpers import YEAR, expect_displayed, open_form, save

LEAD = "resp-apb"
MAKE_APPROVED_PLAN = f"""
from accounts import roles
from accounts.demo import demo_password
from accounts.models import User
from benefits.models import Benefit, BenefitYear
from initiatives.models import Initiative
from roadmap.models import Ambition, Edition, Orientation
from tests.bodies import body_with_edition
from tests.personas import give_roles

edition = body_with_edition("APB", "Agence des plans approuvés")
lead = User.objects.create_user({LEAD!r}, password=demo_password({LEAD!r}),
                                first_name="Alex", last_name="Approuvé")
lead.is_demo = True  # DEBUG run: no second factor to enrol, as for the demo's accounts
lead.save()
give_roles(lead, roles.LEAD, body=edition.body.slug)
orientation = Orientation.objects.create(edition=edition, number=1, title="Services en ligne")
ambition = Ambition.objects.create(orientation=orientation, number=1, title="Tout en ligne")
initiative = Initiative.objects.create(
    edition=edition, ambition=ambition, number=1, code="1.1.1", title="Portail des permis",
    lead=lead,
)
benefit = Benefit.objects.create(
    initiative=initiative, kind="financial", description="Économies de traitement",
    amount=30000,
)
BenefitYear.objects.create(benefit=benefit, fiscal_year="2023-2024", planned=10000, realized=2000)
BenefitYear.objects.create(benefit=benefit, fiscal_year="2024-2025", planned=20000)
Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.APPROVED)  # setup only
print(edition.body.slug)
"""


@pytest.fixture(scope="module")
def approved_page(portal: Portal, server_url: str) -> str:
    """The initiative page of the approved plan."""
    _manage(portal.env, "shell", "-c", MAKE_APPROVED_PLAN)
    return f"/plan/apb/{YEAR}/initiatives/1.1.1/"


def test_the_lead_enters_a_realized_amount_with_a_decimal_comma_and_the_total_follows(
    page: Page, login, approved_page: str
):
    login(page, LEAD)
    page.goto(approved_page)
    total = page.locator("[id$='-years-total']")
    expect(total).to_contain_text(re.compile(r"prévu\s+30\s000\s\$, réalisé\s+2\s000\s\$"))
    year = page.locator(".ptn-line", has_text="Exercice 2024-2025")
    element_id = year.get_attribute("id")
    assert element_id and re.fullmatch(r"benefit-year-\d+", element_id), element_id
    year = page.locator(f"#{element_id}")
    # Approved: the year is followed up, not removed.
    expect(year.get_by_role("link", name=re.compile(r"^\s*Supprimer"))).to_have_count(0)

    form = open_form(year)
    # The planned amount is the approved plan's: only the realized one is offered.
    expect(form.get_by_label("Montant prévu ($)")).to_have_count(0)
    realized = form.get_by_label("Montant réalisé ($)")
    realized.fill("12 500,00")
    save(form)

    expect_displayed(year)
    expect(year).to_contain_text(re.compile(r"prévu\s+20\s000\s\$, réalisé\s+12\s500\s\$"))
    expect(total).to_contain_text(re.compile(r"prévu\s+30\s000\s\$, réalisé\s+14\s500\s\$"))

    # Cents are refused with a sentence that says why, at the field.
    form = open_form(year)
    form.get_by_label("Montant réalisé ($)").fill("12 500,50")
    save(form)
    expect(form.get_by_text("sans cents")).to_be_visible()
