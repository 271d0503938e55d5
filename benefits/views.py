from collections import defaultdict

from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from benefits.models import BenefitYear
from benefits.selectors import benefits_by_initiative
from roadmap.access import get_edition, plan_reader_required


@plan_reader_required
def summary(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    groups = benefits_by_initiative(edition)
    by_ambition: dict[str, dict] = {}
    totals: dict[str, int] = defaultdict(int)
    for initiative, benefits in groups:
        ambition = initiative.ambition
        for benefit in benefits:
            if benefit.is_financial:
                by_ambition.setdefault(ambition.code, {"ambition": ambition, "total": 0})
                by_ambition[ambition.code]["total"] += benefit.amount
                totals["plan"] += benefit.amount
    ambition_totals = sorted(
        by_ambition.values(),
        key=lambda row: (row["ambition"].orientation.number, row["ambition"].number),
    )
    # Financial benefits planned and realized, per fiscal year (the follow-up of the year).
    years = list(
        BenefitYear.objects.filter(benefit__initiative__edition=edition)
        .values("fiscal_year")
        .annotate(planned=Sum("planned"), realized=Sum("realized"))
        .order_by("fiscal_year")
    )
    return render(
        request,
        "benefits/summary.html",
        {
            "years": years,
            "planned_total": sum(y["planned"] or 0 for y in years),
            "realized_total": sum(y["realized"] or 0 for y in years),
            "edition": edition,
            "groups": groups,
            "ambition_totals": ambition_totals,
            "plan_total": totals["plan"],
        },
    )
