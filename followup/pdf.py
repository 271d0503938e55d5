"""The « État d'avancement » annex of the plan's PDF: the dashboard's figures for one period
(followup.dashboard builds them, for the page and for this annex alike), added after the plan's
sections when the person asks for it. The annual plan keeps its content by default: the plan's
own download (roadmap/pdf/) never adds it."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from followup import dashboard as board_data
from followup.models import ReportingPeriod
from roadmap import formatting
from roadmap.models import Edition
from roadmap.pdf.report import Annex, french_typography, render_pdf

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
