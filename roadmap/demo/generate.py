"""Synthetic initiatives for query-count tests and benchmarks: a plan as large as asked."""

import datetime
import itertools
from decimal import Decimal

from django.db.models import Max
from simple_history.utils import bulk_create_with_history

from benefits.models import Benefit, Indicator, Measurement
from initiatives.models import (
    Contribution,
    Dependency,
    Initiative,
    InitiativeRisk,
    InitiativeRiskMitigation,
    Milestone,
)
from roadmap.models import Ambition, Edition, Topic

STATUSES = [value for value, _label in Initiative.Status.choices]


def add_generated_initiatives(edition: Edition, count: int) -> list[Initiative]:
    """Add ``count`` initiatives (with their history, as any write of the portal) spread over the edition's ambitions, each with a financial and
    a measurable benefit, an indicator with two measurements, a risk with two mitigations,
    a milestone, a contribution and a dependency on the previous one."""
    ambitions = list(
        Ambition.objects.filter(orientation__edition=edition)
        .select_related("orientation")
        .annotate(last_number=Max("initiatives__number"))
    )
    next_number = {a.pk: (a.last_number or 0) + 1 for a in ambitions}
    topics = list(Topic.objects.filter(section__edition=edition)) or [None]
    initiatives = []
    for n, ambition in zip(range(count), itertools.cycle(ambitions), strict=False):
        number = next_number[ambition.pk]
        next_number[ambition.pk] += 1
        initiative = Initiative(
            edition=edition,
            ambition=ambition,
            number=number,
            code=f"{ambition.code}.{number}",
            title=f"Initiative générée numéro {n + 1} pour la transformation numérique",
            acronym=f"GEN{n + 1}",
            description="Initiative générée pour mesurer la tenue en charge du portail.",
            status=STATUSES[n % len(STATUSES)],
            funded=n % 2 == 0,
            qualified_project=n % 3 == 0,
            horizon_start=2023 + n % 3,
            horizon_end=2025 + n % 3,
            budget=100_000 + n * 1_000,
        )
        initiative.search_text = initiative.compute_search_text()
        initiatives.append(initiative)
    bulk_create_with_history(initiatives, Initiative)
    benefits, indicators, measurements = [], [], []
    risks, mitigations, milestones, contributions, dependencies = [], [], [], [], []
    for n, initiative in enumerate(initiatives):
        benefits.append(
            Benefit(
                initiative=initiative,
                order=1,
                kind=Benefit.Kind.FINANCIAL,
                description="Bénéfice net prévu",
                amount=10_000 * (n + 1),
                horizon_years=5,
            )
        )
        benefits.append(
            Benefit(
                initiative=initiative,
                order=2,
                kind=Benefit.Kind.NON_FINANCIAL,
                description="Réduction des délais de traitement",
                measurable=True,
            )
        )
        risks.append(
            InitiativeRisk(initiative=initiative, order=1, title="Disponibilité des effectifs")
        )
        milestones.append(
            Milestone(
                initiative=initiative,
                order=1,
                title="Mise en production",
                due_date=datetime.date(2025, 3, 31),
            )
        )
        topic = topics[n % len(topics)]
        if topic is not None:
            contributions.append(
                Contribution(
                    initiative=initiative, topic=topic, order=100 + n, text="Contribution générée."
                )
            )
        if n:
            dependencies.append(Dependency(initiative=initiative, depends_on=initiatives[n - 1]))
    bulk_create_with_history(benefits, Benefit)
    for benefit in benefits[1::2]:
        indicators.append(
            Indicator(
                benefit=benefit,
                order=1,
                name="Délai moyen de traitement",
                unit="jours ouvrables",
                direction=Indicator.Direction.DECREASE,
                baseline=Decimal("30"),
                target=Decimal("15"),
                threshold=Decimal("20"),
            )
        )
    bulk_create_with_history(indicators, Indicator)
    for indicator in indicators:
        measurements.append(
            Measurement(
                indicator=indicator, measured_on=datetime.date(2024, 3, 31), value=Decimal("25")
            )
        )
        measurements.append(
            Measurement(
                indicator=indicator, measured_on=datetime.date(2025, 3, 31), value=Decimal("20")
            )
        )
    bulk_create_with_history(measurements, Measurement)
    bulk_create_with_history(risks, InitiativeRisk)
    for risk in risks:
        mitigations.append(InitiativeRiskMitigation(risk=risk, order=1, text="Dossier de décision"))
        mitigations.append(
            InitiativeRiskMitigation(risk=risk, order=2, text="Priorisation ministérielle")
        )
    bulk_create_with_history(mitigations, InitiativeRiskMitigation)
    bulk_create_with_history(milestones, Milestone)
    bulk_create_with_history(contributions, Contribution)
    bulk_create_with_history(dependencies, Dependency)
    return initiatives
