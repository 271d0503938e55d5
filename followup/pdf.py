"""The « État d'avancement » annex of the plan's PDF: the dashboard's figures for one period
(followup.dashboard builds them, for the page and for this annex alike), added after the plan's
sections when the person asks for it. The annual plan keeps its content by default: the plan's
own download (roadmap/pdf/) never adds it.

Like the plan's PDF, it is rendered by the task worker (``render_progress`` below), never in
a web request, and kept in the storage under a name that changes with what it shows (the plan's
content fingerprint, the follow-up's records, the day): the download serves a render of the
current figures, or starts one and follows it (followup.views.progress_pdf_progress)."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Max
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from benefits.models import BenefitYear
from followup import dashboard as board_data
from followup.models import ProgressReport, ReportingPeriod
from roadmap import formatting
from roadmap.models import Edition
from roadmap.pdf.report import (
    Annex,
    cache_folder,
    content_fingerprint,
    french_typography,
    render_pdf,
)

ANCHOR = "s-etat-avancement"


def progress_annex(edition: Edition, period: ReportingPeriod, periods) -> Annex:
    board = board_data.build(edition, edition.initiatives.all(), period, periods)
    with translation.override("fr-ca"):
        html = render_to_string("followup/pdf_annex.html", {"edition": edition, "board": board})
        title = f"Annexe — État d'avancement au {formatting.long_date(period.end_date)}"
    # Our own template's output (every value escaped there), spaced the French way.
    return Annex(ANCHOR, title, mark_safe(french_typography(html)))  # noqa: S308


def plan_with_progress_pdf(edition: Edition, period: ReportingPeriod, periods) -> bytes:
    """The plan's PDF with the « État d'avancement » annex for ``period``."""
    return render_pdf(edition, annexes=(progress_annex(edition, period, periods),))


def filename_for(edition: Edition, period: ReportingPeriod) -> str:
    return f"PTN-{edition.body.acronym}-{edition.fiscal_year}-avancement-{period.end_date}.pdf"


def cache_name(edition: Edition, period: ReportingPeriod) -> str:
    """Where the render of the annex's current figures is kept: the name changes with the plan's
    content, the follow-up's records (reports, periods, realized amounts) and the day (late
    milestones and overdue reviews are counted on it). Housekeeping deletes old ones."""
    parts = [
        content_fingerprint(edition),
        str(period.end_date),
        timezone.localdate().isoformat(),
        *(
            str(queryset.aggregate(last=Max("history_id"))["last"])
            for queryset in (
                ProgressReport.history.filter(period__edition=edition),
                ReportingPeriod.history.filter(edition_id=edition.pk),
                BenefitYear.history.filter(benefit__initiative__edition=edition),
            )
        ),
    ]
    stamp = hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
    return f"{cache_folder(edition)}/avancement/{stamp}.pdf"


def ready_progress_pdf(edition: Edition, period: ReportingPeriod) -> bytes | None:
    """The render of the current figures, if the worker has made it."""
    name = cache_name(edition, period)
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as cached:
        return cached.read()


def progress_pdf_store(edition: Edition, period: ReportingPeriod, periods) -> str:
    """Render the plan with the annex and keep it under its cache name (the task's work)."""
    name = cache_name(edition, period)
    if not default_storage.exists(name):
        content = plan_with_progress_pdf(edition, period, periods)
        if not default_storage.exists(name):  # another worker may have finished meanwhile
            default_storage.save(name, ContentFile(content))
    return name


@task
def render_progress(edition_id: int, period_id: int) -> str:
    """The task worker's job: the plan's PDF with the « État d'avancement » annex of a period,
    rendered and kept (``progress_pdf_store``); returns its storage name."""
    edition = Edition.objects.select_related("body").get(pk=edition_id)
    periods = list(edition.reporting_periods.all())
    period = next(p for p in periods if p.pk == period_id)
    return progress_pdf_store(edition, period, periods)
