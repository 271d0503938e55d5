"""The demo plan's follow-up (illustrative, like the plan's own illustrative values): its two
default reporting periods and a few progress reports filed through the same services as the
pages — one accepted, one submitted whose declared schedule is better than the derived one (with
its justification, as the guard requires), one draft. Loaded by `load_demo`; idempotent (a report
already there is left as it is)."""

from __future__ import annotations

import datetime

from simple_history.utils import bulk_create_with_history

from accounts.models import User
from followup.models import Health, ProgressReport, ReportingPeriod
from followup.services import periods_ensure, report_accept, report_save, report_submit
from initiatives.models import Initiative
from roadmap.models import Edition

G, Y, R = Health.GREEN, Health.YELLOW, Health.RED

REPORTS = [
    # (period index, code, values, then: "accept" | "submit" | "draft")
    (
        0,
        "1.1.1",
        {
            "percent_done": 35,
            "phase": "Conception du parcours unifié",
            "spent_to_date": 410_000,
            "estimate_at_completion": 1_450_000,
            "forecast_end": datetime.date(2026, 3, 31),
            "narrative": "Parcours des programmes normés cartographié; appel d'offres lancé.",
            "declared_cost": G,
            "declared_schedule": G,
            "declared_scope": G,
            "declared_overall": G,
        },
        "accept",
    ),
    (
        1,
        "1.1.1",
        {
            "percent_done": 55,
            "phase": "Réalisation",
            "spent_to_date": 780_000,
            "estimate_at_completion": 1_500_000,
            "forecast_end": datetime.date(2026, 3, 31),
            "narrative": "Premiers programmes en ligne en essai auprès de clientèles pilotes.",
            "declared_cost": G,
            "declared_schedule": G,
            "declared_scope": G,
            "declared_overall": G,
        },
        "draft",
    ),
    (
        1,
        "2.2.3",
        {
            # Planned end: 31 March 2025 (horizon 2023-2024 to 2024-2025); six months late is
            # a quarter of the planned duration: derived red, declared green — the divergence.
            "percent_done": 60,
            "phase": "Déploiement",
            "spent_to_date": 190_000,
            "estimate_at_completion": 260_000,
            "forecast_end": datetime.date(2025, 9, 30),
            "narrative": "Le module de suivi des décrets est reporté à l'automne 2025.",
            "declared_cost": G,
            "declared_schedule": G,
            "declared_scope": Y,
            "declared_overall": G,
            "justification": (
                "Le report touche un module secondaire; le cœur du système est en production "
                "et les demandes du cabinet y sont suivies depuis février."
            ),
        },
        "submit",
    ),
    (
        1,
        "2.1.3",
        {
            "percent_done": 20,
            "phase": "Fondations infonuagiques",
            "forecast_end": datetime.date(2027, 6, 30),
            "narrative": "Zone d'atterrissage en place; migration des premières charges en cours.",
            "declared_cost": G,
            "declared_schedule": Y,
            "declared_scope": G,
            "declared_overall": Y,
        },
        "submit",
    ),
]


def load_followup_demo(edition: Edition) -> int:
    """Create the demo's periods and reports; returns how many reports were created."""
    periods = periods_ensure(edition=edition)
    coordinator = User.objects.filter(username="coordonnateur").first()
    created = 0
    for index, code, values, then in REPORTS:
        initiative = (
            Initiative.objects.select_related("edition", "lead")
            .prefetch_related("milestones", "benefits__indicators__measurements")
            .filter(edition=edition, code=code)
            .first()
        )
        if initiative is None or index >= len(periods):
            continue
        period = periods[index]
        if ProgressReport.objects.filter(period=period, initiative=initiative).exists():
            continue
        report = ProgressReport(period=period, initiative=initiative)
        report_save(report=report, values=values, expected_version=None)
        created += 1
        if then in {"submit", "accept"}:
            report_submit(report=report, user=initiative.lead, expected_version=report.version)
        if then == "accept" and coordinator is not None:
            report_accept(report=report, user=coordinator, expected_version=report.version)
    return created


def add_generated_reports(edition: Edition, periods: int = 8) -> list[ProgressReport]:
    """A large follow-up for the query-count tests and bench/dashboard.py: ``periods`` reporting
    periods (every six months from the edition's first) and a report per initiative for each,
    written in bulk with their history rows. A third of them declare green while their estimate
    at completion overruns the budget by 30 % (the guard's divergence), with a justification."""
    start = int(edition.fiscal_year[:4])
    ends = [
        datetime.date(start + n // 2, 9, 30)
        if n % 2 == 0
        else datetime.date(start + 1 + n // 2, 3, 31)
        for n in range(periods)
    ]
    existing = set(edition.reporting_periods.values_list("end_date", flat=True))
    bulk_create_with_history(
        [ReportingPeriod(edition=edition, end_date=end) for end in ends if end not in existing],
        ReportingPeriod,
    )
    chosen = list(edition.reporting_periods.filter(end_date__in=ends))
    done = set(
        ProgressReport.objects.filter(period__in=chosen).values_list("period_id", "initiative_id")
    )
    reports = []
    initiatives = list(edition.initiatives.all())
    for period in chosen:
        for n, initiative in enumerate(initiatives):
            if (period.pk, initiative.pk) in done:
                continue
            budget = initiative.budget or 0
            divergent = n % 3 == 0 and budget
            reports.append(
                ProgressReport(
                    period=period,
                    initiative=initiative,
                    status=ProgressReport.Status.SUBMITTED,
                    percent_done=min(100, 10 * (n % 10) + 5),
                    phase="Réalisation",
                    spent_to_date=budget // 2 if budget else None,
                    estimate_at_completion=int(budget * 1.3) if divergent else budget or None,
                    forecast_end=datetime.date((initiative.horizon_end or start) + 1, 3, 31),
                    narrative="Bilan généré.",
                    justification="Dépassement justifié (généré)." if divergent else "",
                )
            )
    bulk_create_with_history(reports, ProgressReport)
    return reports
