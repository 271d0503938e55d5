"""Follow-up during the year: once the plan is approved, its measurements, realized amounts and
risks' scoring are still entered; everything else of the plan stays frozen."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import User
from benefits.models import Benefit, BenefitYear, Indicator, Measurement
from initiatives.models import InitiativeRisk
from roadmap.models import Edition, EditionFrozenError, PlanRisk
from roadmap.pdf.report import archive, pdf_for_edition
from roadmap.workflow.steps import edition_transition
from tests.personas import client_for
from tests.test_permissions import other_body_coordinator, other_body_edition  # noqa: F401
from tests.test_workflow import BODY, YEAR, make_ready, move_to

Status = Edition.Status


@pytest.fixture
def followed(edition) -> Edition:
    """The demo plan, with an indicator and a financial benefit of the lead's initiative 1.1.1,
    recommended then approved by the SM (its PDF archived)."""
    make_ready(edition)
    pslu = edition.initiatives.get(code="1.1.1")
    benefit = Benefit.objects.create(
        initiative=pslu, kind="financial", description="Économies", amount=1000, measurable=True
    )
    Indicator.objects.create(
        benefit=benefit,
        name="Demandes traitées en ligne",
        baseline=Decimal("50"),
        target=Decimal("90"),
        threshold=Decimal("80"),
        baseline_date=datetime.date(2023, 4, 1),
        target_date=datetime.date(2025, 4, 1),
    )
    BenefitYear.objects.create(benefit=benefit, fiscal_year="2023-2024", planned=500)
    move_to(edition, Status.RECOMMENDED)
    edition_transition(edition=edition, user=User.objects.get(username="sm"), step="approuver")
    edition.refresh_from_db()
    assert edition.status == Status.APPROVED
    return edition


def indicator_of(edition) -> Indicator:
    return Indicator.objects.get(
        benefit__initiative__edition=edition, name="Demandes traitées en ligne"
    )


def archive_digest(edition: Edition) -> tuple[str, str]:
    """The fingerprint kept at approval, and the one of the PDF handed out now."""
    edition.refresh_from_db()
    return edition.archived_pdf_sha256, hashlib.sha256(pdf_for_edition(edition).content).hexdigest()


def test_the_lead_adds_a_measurement_that_shows_on_the_indicator_and_the_dashboard(followed):
    indicator = indicator_of(followed)
    archive(followed)  # what the approval's task does
    archived = archive_digest(followed)
    lead = client_for("responsable")
    add = reverse("roadmap:add_under", args=[BODY, YEAR, "measurement", indicator.pk])
    assert lead.get(add).status_code == 200
    response = lead.post(add, {"measured_on": "2023-09-30", "value": "55", "note": "T2"})
    assert response.status_code == 302
    measurement = indicator.measurements.get()
    assert measurement.value == Decimal("55")
    # History says who entered it.
    assert measurement.history.get().history_user.username == "responsable"
    page = lead.get(reverse("followup:indicator", args=[BODY, YEAR, indicator.pk]))
    assert "hors trajectoire" in page.content.decode()
    board = lead.get(
        reverse("followup:dashboard", args=[BODY, YEAR]) + "?periode=2024-03-31"
    ).context["board"]
    assert [i.name for _initiative, i, _m in board.off_trajectory] == [indicator.name]
    # The initiative's page offers « Ajouter une mesure » after approval, not « Modifier » its fiche.
    pslu = indicator.benefit.initiative
    html = lead.get(reverse("initiatives:detail", args=[BODY, YEAR, pslu.code])).content.decode()
    assert add in html
    assert reverse("roadmap:edit", args=[BODY, YEAR, "initiative", pslu.pk]) not in html
    # The approved PDF is the same file, with the same fingerprint.
    assert archive_digest(followed) == archived
    assert archived[0] == archived[1]


def test_the_coordinator_rescores_a_risk_and_the_heat_map_moves(followed):
    risk = InitiativeRisk.objects.filter(initiative__edition=followed).order_by("pk").first()
    coordinator = client_for("coordonnateur")
    edit = reverse("roadmap:edit", args=[BODY, YEAR, "risk", risk.pk])
    form = coordinator.get(edit).context["form"]
    # Only the follow-up is offered once approved.
    assert list(form.fields) == [
        "probability",
        "impact",
        "owner",
        "status",
        "review_date",
        "expected_version",
    ]
    response = coordinator.post(
        edit,
        {
            "probability": "5",
            "impact": "5",
            "owner": "Direction des TI",
            "status": "occurred",
            "review_date": "2024-06-30",
            "expected_version": risk.version,
        },
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.probability, risk.impact, risk.status) == (5, 5, "occurred")
    assert risk.history.first().history_user.username == "coordonnateur"
    heat = coordinator.get(reverse("followup:risks", args=[BODY, YEAR]))
    cells = {(c.probability, c.impact): c for c in heat.context["cells"]}
    assert risk.title in [r.title for r in cells[(5, 5)].risks]
    # A plan-level risk too, from the risks page.
    plan_risk = PlanRisk.objects.filter(edition=followed).first()
    if plan_risk is not None:
        plan_edit = reverse("roadmap:edit", args=[BODY, YEAR, "plan-risk", plan_risk.pk])
        page = coordinator.get(reverse("roadmap:risks", args=[BODY, YEAR])).content.decode()
        assert plan_edit in page
        assert reverse("roadmap:delete", args=[BODY, YEAR, "plan-risk", plan_risk.pk]) not in page


def test_a_realized_amount_is_entered_and_the_planned_one_stays(followed):
    year = BenefitYear.objects.get(benefit__initiative__edition=followed)
    year.realized = 420
    year.save()
    year.refresh_from_db()
    assert year.realized == 420
    assert year.history.count() == 2
    year.planned = 1
    with pytest.raises(EditionFrozenError):
        year.save()
    with pytest.raises(EditionFrozenError):
        BenefitYear.objects.filter(pk=year.pk).update(planned=2, realized=3)
    BenefitYear.objects.filter(pk=year.pk).update(realized=430)
    assert BenefitYear.objects.get(pk=year.pk).planned == 500


def test_the_title_or_description_of_a_followed_record_is_still_refused(followed):
    risk = InitiativeRisk.objects.filter(initiative__edition=followed).first()
    risk.title, risk.probability = "Autre risque", 2
    with pytest.raises(EditionFrozenError):
        risk.save()
    with pytest.raises(EditionFrozenError):
        InitiativeRisk.objects.filter(pk=risk.pk).update(description="Autre")
    with pytest.raises(EditionFrozenError):
        InitiativeRisk.objects.get(pk=risk.pk).delete()
    coordinator = client_for("coordonnateur")
    before = InitiativeRisk.objects.get(pk=risk.pk)
    edit = reverse("roadmap:edit", args=[BODY, YEAR, "risk", risk.pk])
    coordinator.post(
        edit, {"title": "Changé", "description": "Changé", "expected_version": before.version}
    )
    after = InitiativeRisk.objects.get(pk=risk.pk)
    assert (after.title, after.description) == (before.title, before.description)
    # Neither deleted nor added through the views: only its follow-up changes.
    delete = reverse("roadmap:delete", args=[BODY, YEAR, "risk", risk.pk])
    assert coordinator.post(delete, {"expected_version": after.version}).status_code == 403
    add = reverse("roadmap:add_under", args=[BODY, YEAR, "risk", risk.initiative_id])
    assert coordinator.get(add).status_code == 403
    # The indicator a measurement follows stays the approved one.
    indicator = indicator_of(followed)
    indicator.target = Decimal("99")
    with pytest.raises(EditionFrozenError):
        indicator.save()


def test_another_bodys_user_still_gets_404(followed, other_body_coordinator):  # noqa: F811
    outsider_client = other_body_coordinator
    indicator = indicator_of(followed)
    risk = InitiativeRisk.objects.filter(initiative__edition=followed).first()
    for url in (
        reverse("roadmap:add_under", args=[BODY, YEAR, "measurement", indicator.pk]),
        reverse("roadmap:edit", args=[BODY, YEAR, "risk", risk.pk]),
    ):
        assert outsider_client.get(url).status_code == 404
        assert outsider_client.post(url, {"value": "1"}).status_code == 404
    assert not Measurement.objects.filter(indicator=indicator).exists()


def test_under_review_the_follow_up_is_frozen_too(edition):
    """Recommended: the DI and the SM are reviewing what they were shown; nothing changes."""
    make_ready(edition)
    move_to(edition, Status.RECOMMENDED)
    risk = InitiativeRisk.objects.filter(initiative__edition=edition).first()
    risk.probability = 5
    with pytest.raises(EditionFrozenError):
        risk.save()
    indicator = Indicator.objects.filter(benefit__initiative__edition=edition).first()
    with pytest.raises(EditionFrozenError):
        Measurement.objects.create(
            indicator=indicator, measured_on=datetime.date(2024, 1, 1), value=1
        )
    edit = reverse("roadmap:edit", args=[BODY, YEAR, "risk", risk.pk])
    assert client_for("coordonnateur").get(edit).status_code == 403


def test_the_admin_offers_only_the_follow_up_of_an_approved_record(followed):
    admin = client_for("admin")
    risk = InitiativeRisk.objects.filter(initiative__edition=followed).first()
    url = reverse("admin:initiatives_initiativerisk_change", args=[risk.pk])
    form = admin.get(url).context["adminform"].form
    assert "probability" in form.fields and "title" not in form.fields
    response = admin.post(
        url,
        {
            "probability": "3",
            "impact": "2",
            "owner": "DTI",
            "status": "monitored",
            "review_date": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    risk.refresh_from_db()
    assert (risk.probability, risk.impact, risk.status) == (3, 2, "monitored")
