"""A financial benefit's amounts per fiscal year on the initiative page (issue 14): both
entered in place while the plan is prepared; once approved, the realized one only, and the
benefit's totals follow."""

import pytest
from django.urls import reverse

from benefits.models import BenefitYear
from roadmap.models import Edition
from tests.personas import client_for
from tests.test_follow_up_after_approval import followed  # noqa: F401
from tests.test_workflow import BODY, YEAR, move_to


def year_of(edition) -> BenefitYear:
    return BenefitYear.objects.get(benefit__initiative__edition=edition, fiscal_year="2023-2024")


def edit_url(year: BenefitYear) -> str:
    return reverse("roadmap:edit", args=[BODY, YEAR, "benefit-year", year.pk])


def page_of(client) -> str:
    url = reverse("initiatives:detail", args=[BODY, YEAR, "1.1.1"])
    return client.get(url).content.decode()


def test_the_initiative_page_shows_each_year_and_the_totals(followed):  # noqa: F811
    year = year_of(followed)
    BenefitYear.objects.filter(pk=year.pk).update(realized=450)  # setup only
    BenefitYear._base_manager.bulk_create(  # setup only: the plan is approved
        [BenefitYear(benefit=year.benefit, fiscal_year="2024-2025", planned=700)]
    )

    html = page_of(client_for("responsable"))

    assert f'id="benefit-year-{year.pk}"' in html
    assert "Exercice 2023-2024 : prévu <strong>500\xa0$</strong>, réalisé <strong>450\xa0$" in html
    assert "Exercice 2024-2025 : prévu <strong>700\xa0$</strong>, réalisé <strong>—" in html
    assert (
        f'id="benefit-{year.benefit_id}-years-total"' in html
        and "prévu <strong>1\xa0200\xa0$</strong>, réalisé <strong>450\xa0$</strong>" in html
    )


def test_after_approval_the_lead_enters_the_realized_amount_and_not_the_planned_one(followed):  # noqa: F811
    year = year_of(followed)
    lead = client_for("responsable")
    form = lead.get(edit_url(year), HTTP_HX_REQUEST="true").context["form"]
    assert list(form.fields) == ["realized", "expected_version"]

    response = lead.post(
        edit_url(year),
        {"realized": "12 500,00", "planned": "9", "expected_version": year.version},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "réalisé <strong>12\xa0500\xa0$</strong>" in html
    # The benefit's total comes with it, for htmx to put in place of the one shown.
    assert (
        f'id="benefit-{year.benefit_id}-years-total" class="ptn-years-total" data-hx-swap-oob="true"'
        in html
    )
    year.refresh_from_db()
    assert (year.planned, year.realized) == (500, 12_500)
    assert year.history.first().history_user.username == "responsable"


def test_cents_are_refused_with_a_sentence_that_says_why(followed):  # noqa: F811
    year = year_of(followed)
    response = client_for("responsable").post(
        edit_url(year), {"realized": "12 500,50", "expected_version": year.version}
    )
    assert response.status_code == 422
    assert "sans cents" in response.context["form"].errors["realized"][0]
    assert year_of(followed).realized is None


def test_after_approval_a_year_is_neither_added_nor_removed(followed):  # noqa: F811
    year = year_of(followed)
    lead = client_for("responsable")
    add = reverse("roadmap:add_under", args=[BODY, YEAR, "benefit-year", year.benefit_id])
    delete = reverse("roadmap:delete", args=[BODY, YEAR, "benefit-year", year.pk])

    assert lead.get(add).status_code == 403
    assert lead.post(delete, {"expected_version": year.version}).status_code == 403
    html = page_of(lead)
    assert add not in html and delete not in html
    assert edit_url(year) in html


def test_a_recommended_plan_takes_no_realized_amount(followed):  # noqa: F811
    move_to(followed, Edition.Status.RECOMMENDED)
    year = year_of(followed)
    response = client_for("responsable").post(
        edit_url(year), {"realized": "100", "expected_version": year.version}
    )
    assert response.status_code == 403
    assert year_of(followed).realized is None


@pytest.mark.django_db
def test_in_a_draft_the_lead_enters_both_amounts_and_adds_a_year(edition):
    benefit = edition.initiatives.get(code="1.1.1").benefits.create(
        kind="financial", description="Économies", amount=1000
    )
    lead = client_for("responsable")
    add = reverse("roadmap:add_under", args=[BODY, YEAR, "benefit-year", benefit.pk])

    response = lead.post(add, {"fiscal_year": "2024-2025", "planned": "1 000", "realized": ""})

    assert response.status_code == 302
    year = benefit.years.get()
    assert (year.fiscal_year, year.planned, year.realized) == ("2024-2025", 1000, None)
    response = lead.post(
        edit_url(year),
        {"fiscal_year": "2024-2025", "planned": "1 200", "realized": "300", "expected_version": 1},
    )
    assert response.status_code == 302
    year.refresh_from_db()
    assert (year.planned, year.realized) == (1200, 300)


@pytest.mark.django_db
def test_a_second_amount_for_the_same_year_is_refused_in_the_form(edition):
    benefit = edition.initiatives.get(code="1.1.1").benefits.create(
        kind="financial", description="Économies", amount=1000
    )
    benefit.years.create(fiscal_year="2024-2025", planned=1000)
    add = reverse("roadmap:add_under", args=[BODY, YEAR, "benefit-year", benefit.pk])

    response = client_for("responsable").post(add, {"fiscal_year": "2024-2025", "planned": "5"})

    assert response.status_code == 422
    assert "existe déjà" in " ".join(response.context["form"].non_field_errors())
    assert benefit.years.count() == 1


def test_the_totals_appear_with_the_first_year_added_in_place(edition):
    """The totals line is on the page from the start (hidden while there is no year), so the
    first year added in place brings it (out of band), not only the next page load."""
    benefit = edition.initiatives.get(code="1.1.1").benefits.create(
        kind="financial", description="Économies", amount=1000
    )
    lead = client_for("responsable")
    total = f'<p id="benefit-{benefit.pk}-years-total" class="ptn-years-total" hidden>'
    assert total in page_of(lead)

    add = reverse("roadmap:add_under", args=[BODY, YEAR, "benefit-year", benefit.pk])
    response = lead.post(
        add,
        {"fiscal_year": "2024-2025", "planned": "1 000", "realized": ""},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert (
        f'<p id="benefit-{benefit.pk}-years-total" class="ptn-years-total" data-hx-swap-oob="true">'
        in html
    )
    assert "Total des exercices : prévu <strong>1\xa0000\xa0$</strong>" in html
