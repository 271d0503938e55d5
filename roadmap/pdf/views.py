"""The plan as a PDF, for the people who ask for it: the download, and the page that follows a
render started in the background until the file is ready."""

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _

from roadmap.access import get_edition, plan_reader_required
from roadmap.links import plan_url
from roadmap.models import Edition
from roadmap.pdf.report import ready_pdf
from roadmap.pdf.tasks import render_plan


@plan_reader_required
def plan_pdf(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    """The plan as a PDF: the archived file of an approved edition, or the cached render of
    the current content; otherwise the render starts in the background and a page shows its
    progress (a render takes seconds, more for a large plan). Every answer is either the PDF
    or that page: the links to here carry no ``download`` attribute, which would save the
    page as a file."""
    edition = get_edition(request, body, fiscal_year)
    pdf = ready_pdf(edition)
    if pdf is None:
        result = _task_result(request, edition)
        if render_state(result, ready=False) in {"none", "failed", "lost"}:
            result = render_plan.enqueue(edition.pk)
            request.session[_task_key(edition)] = result.id
        return redirect(plan_url("roadmap:pdf_progress", edition))
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename}"'
    response["ETag"] = f'"{pdf.sha256}"'
    response["Cache-Control"] = "private, no-cache"
    return response


def _task_key(edition: Edition) -> str:
    """Where the session keeps the id of the render this person started."""
    return f"ptn-pdf-{edition.pk}"


def _task_result(request: HttpRequest, edition: Edition):
    return session_task_result(request, render_plan, _task_key(edition))


def session_task_result(request: HttpRequest, task, key: str):
    """The result of the ``task`` run whose id the session keeps under ``key`` (None if this
    person started none, or it is gone)."""
    result_id = request.session.get(key)
    if not result_id:
        return None
    try:
        return task.get_result(result_id)
    except TaskResultDoesNotExist:
        return None


# A worker takes a queued render within a second or two (more while it renders another plan):
# one not started after this long means no worker is running, or all are busy.
RENDER_START_GRACE = datetime.timedelta(seconds=30)
# A render is stopped after PDF_RENDER_TIMEOUT and its task marked failed; one still « running »
# well after that lost its worker (stopped or killed mid-render) and will never finish.
RENDER_LOST_AFTER_TIMEOUT = datetime.timedelta(seconds=30)


def render_state(result, *, ready: bool) -> str:
    """ready, waiting (queued), stalled (queued too long), running, lost (its worker died),
    failed, or none (no render of the current content under way)."""
    if ready:
        return "ready"
    if result is None or result.status == TaskResultStatus.SUCCESSFUL:
        return "none"  # never asked, or done for content that has changed since
    if result.status == TaskResultStatus.FAILED:
        return "failed"
    now = timezone.now()
    if result.status == TaskResultStatus.RUNNING:
        limit = datetime.timedelta(seconds=settings.PDF_RENDER_TIMEOUT) + RENDER_LOST_AFTER_TIMEOUT
        return "lost" if result.started_at and now - result.started_at > limit else "running"
    if result.enqueued_at and now - result.enqueued_at > RENDER_START_GRACE:
        return "stalled"
    return "waiting"


@plan_reader_required
def pdf_progress(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    """Follows the render (the page reloads itself, no script) and, when the PDF is ready,
    sends the browser to it once: the reload that finds it ready starts the download."""
    edition = get_edition(request, body, fiscal_year)
    result = _task_result(request, edition)
    state = render_state(result, ready=ready_pdf(edition) is not None)
    if state == "none":
        return redirect(plan_url("roadmap:pdf", edition))  # starts one
    # Once: a reload of the page after that does not download the file again.
    download = state == "ready" and request.session.pop(_task_key(edition), None) is not None
    return progress_page(
        request,
        edition,
        result,
        state,
        download=download,
        pdf_url=plan_url("roadmap:pdf", edition),
        heading=_("PDF du plan %(year)s") % {"year": edition.fiscal_year},
        back=(plan_url("roadmap:edition", edition), _("Retour à l'édition")),
    )


def progress_page(
    request: HttpRequest,
    edition: Edition,
    result,
    state: str,
    *,
    download: bool,
    pdf_url: str,
    heading: str,
    back: tuple[str, str],
    ready_note: str = "",
) -> HttpResponse:
    """The page that follows a PDF render (the plan's, or another app's: the follow-up's
    annex): it reloads itself while the render runs and sends the browser to ``pdf_url`` once
    it is ready; ``back`` is the page it came from (address, link text). ``ready_note`` says
    what happens then, when it is not a download."""
    asked = result.enqueued_at if result is not None else None
    if asked and timezone.now() - asked < datetime.timedelta(minutes=1):
        asked = None  # « il y a 0 minute » says nothing
    return render(
        request,
        "roadmap/pdf_progress.html",
        {
            "edition": edition,
            "result": result,
            "state": state,
            "download": download,
            "asked": asked,
            "pdf_url": pdf_url,
            "heading": heading,
            "back_url": back[0],
            "back_label": back[1],
            "ready_note": ready_note,
            "refresh": {"waiting": 2, "running": 2, "stalled": 5}.get(state),
        },
    )
