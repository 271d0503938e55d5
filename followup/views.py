"""The follow-up's pages: the « Tableau de bord », an initiative's progress reports and the report
itself (the lead files, the coordinator accepts or sends back), the reporting periods (the
coordinator), an indicator's trajectory, the risks' heat map.

Who may do what is checked here, with the roles held in the edition's body (roadmap/access.py):
everyone who reads the plan reads its follow-up; the initiative's lead (or the coordinator) writes
its report; the coordinator reviews reports and sets the periods. Reports are written all year,
so the edition's approval does not freeze them.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from benefits.models import Indicator
from followup import charts
from followup import dashboard as board_data
from followup.forms import PeriodForm, ProgressReportForm, ReviewForm
from followup.health import derive, divergences
from followup.models import ProgressReport, ReportingPeriod
from followup.pdf import filename_for, ready_progress_pdf, render_progress
from followup.services import (
    DIMENSION_LABELS,
    REPORT_FIELDS,
    ConflictError,
    StepRefusedError,
    period_add,
    period_remove,
    report_accept,
    report_save,
    report_send_back,
)
from followup.services import report_submit as submit_report
from initiatives.models import Initiative, InitiativeRisk
from roadmap import formatting
from roadmap.access import get_edition, is_coordinator, plan_reader_required
from roadmap.forms import RoadmapFilterForm
from roadmap.links import plan_url
from roadmap.models import Edition, PlanRisk
from roadmap.pdf.views import progress_page, render_state, session_task_result


def can_file(user, initiative: Initiative) -> bool:
    """The initiative's lead (holding the lead role in its body) or the body's coordinator."""
    edition = initiative.edition
    if is_coordinator(user, edition):
        return True
    return initiative.lead_id == user.pk and roles.has_role(user, roles.LEAD, edition.body_id)


def _initiative(edition: Edition, code: str) -> Initiative:
    initiative = get_object_or_404(
        Initiative.objects.with_roadmap_relations(), edition=edition, code=code
    )
    initiative.edition = edition
    return initiative


def _loaded(edition: Edition, initiative: Initiative, period: ReportingPeriod):
    """The initiative with what its derived health reads, and its report of ``period``."""
    loaded = board_data.followup_initiatives(Initiative.objects.filter(pk=initiative.pk), period)
    initiative = loaded.get()
    initiative.edition = edition
    report = initiative.period_reports[0] if initiative.period_reports else None
    if report is None:
        report = ProgressReport(period=period, initiative=initiative)
    report.initiative, report.period = initiative, period
    return initiative, report


def health_rows(report: ProgressReport) -> tuple[list, object, list[str]]:
    """Each dimension with its declared and derived colour, and whether it is flagged."""
    derived = derive(report)
    flagged = divergences(report, derived)
    declared = report.declared()
    rows = [
        (name, DIMENSION_LABELS[name], declared[name], derived.as_dict()[name], name in flagged)
        for name in ProgressReport.DIMENSIONS
    ]
    return rows, derived, flagged


@plan_reader_required
def dashboard(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    periods = list(edition.reporting_periods.all())
    period = board_data.choose_period(periods, request.GET.get("periode"))
    form = RoadmapFilterForm(request.GET or None, edition=edition)
    form.is_valid()
    board = board_data.build(edition, form.filter(edition.initiatives.all()), period, periods)
    query = request.GET.copy()
    query.pop("periode", None)
    return render(
        request,
        "followup/dashboard.html",
        {
            "edition": edition,
            "board": board,
            "form": form,
            "filters": query.urlencode(),
            "is_coordinator": is_coordinator(request.user, edition),
            "today": timezone.localdate(),
        },
    )


@plan_reader_required
def periods(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    coordinator = is_coordinator(request.user, edition)
    form = PeriodForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not coordinator:
            raise PermissionDenied
        if form.is_valid():
            try:
                period_add(edition=edition, end_date=form.cleaned_data["end_date"])
            except StepRefusedError as error:
                form.add_error("end_date", error.messages[0])
            else:
                messages.success(request, _("Période ajoutée."))
                return redirect(plan_url("followup:periods", edition))
        status = 422
    return render(
        request,
        "followup/periods.html",
        {
            "edition": edition,
            "periods": list(edition.reporting_periods.all()),
            "form": form if coordinator else None,
            "can_edit": coordinator,
        },
        status=status,
    )


@require_POST
@plan_reader_required
def period_delete(request: HttpRequest, body: str, fiscal_year: str, pk: int) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    if not is_coordinator(request.user, edition):
        raise PermissionDenied
    period = get_object_or_404(ReportingPeriod, edition=edition, pk=pk)
    try:
        period_remove(period=period)
    except StepRefusedError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Période supprimée."))
    return redirect(plan_url("followup:periods", edition))


@plan_reader_required
def initiative_reports(
    request: HttpRequest, body: str, fiscal_year: str, code: str
) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    initiative = _initiative(edition, code)
    periods = list(edition.reporting_periods.all())
    reports = {r.period_id: r for r in ProgressReport.objects.filter(initiative=initiative)}
    rows = []
    for period in periods:
        report = reports.get(period.pk)
        if report is not None:
            _loaded_initiative, report = _loaded(edition, initiative, period)
            health, derived, flagged = health_rows(report)
            rows.append((period, report, health, flagged))
        else:
            rows.append((period, None, None, []))
    return render(
        request,
        "followup/initiative.html",
        {
            "edition": edition,
            "initiative": initiative,
            "rows": rows,
            "can_file": can_file(request.user, initiative),
        },
    )


def _report_page(
    request,
    edition,
    initiative,
    period,
    report,
    form,
    *,
    status=200,
    review_form=None,
    conflict=False,
):
    health, derived, flagged = health_rows(report)
    coordinator = is_coordinator(request.user, edition)
    editable = report.is_editable and can_file(request.user, initiative)
    if report.pk and report.status == ProgressReport.Status.SUBMITTED and coordinator:
        review_form = review_form or ReviewForm(initial={"expected_version": report.version})
    else:
        review_form = None
    history = list(report.history.select_related("history_user")[:30]) if report.pk else []
    return render(
        request,
        "followup/report.html",
        {
            "edition": edition,
            "initiative": initiative,
            "period": period,
            "report": report,
            "health": health,
            "derived": derived,
            "flagged": flagged,
            "form": form if editable else None,
            "review_form": review_form,
            "history": history,
            "conflict": conflict,
        },
        status=status,
    )


def _report_objects(request, body, fiscal_year, code, period_key: str):
    edition = get_edition(request, body, fiscal_year)
    initiative = _initiative(edition, code)
    try:
        end_date = datetime.date.fromisoformat(period_key)
    except ValueError:
        raise Http404 from None
    period = get_object_or_404(ReportingPeriod, edition=edition, end_date=end_date)
    initiative, report = _loaded(edition, initiative, period)
    return edition, initiative, period, report


@plan_reader_required
def report(
    request: HttpRequest, body: str, fiscal_year: str, code: str, period: int
) -> HttpResponse:
    """The report: read by everyone; written by the lead (« Enregistrer »)."""
    edition, initiative, period, report = _report_objects(request, body, fiscal_year, code, period)
    if request.method != "POST":
        return _report_page(
            request, edition, initiative, period, report, ProgressReportForm(instance=report)
        )
    if not can_file(request.user, initiative):
        raise PermissionDenied
    return _save(request, edition, initiative, period, report, submit=False)


@require_POST
@plan_reader_required
def report_submit(request, body, fiscal_year, code, period):
    edition, initiative, period, report = _report_objects(request, body, fiscal_year, code, period)
    if not can_file(request.user, initiative):
        raise PermissionDenied
    return _save(request, edition, initiative, period, report, submit=True)


def _save(request, edition, initiative, period, report, *, submit: bool) -> HttpResponse:
    form = ProgressReportForm(request.POST, instance=report)
    if not form.is_valid():
        return _report_page(request, edition, initiative, period, report, form, status=422)
    expected = form.cleaned_data.get("expected_version")
    values = {name: form.cleaned_data[name] for name in REPORT_FIELDS}
    try:
        with transaction.atomic():
            report_save(report=report, values=values, expected_version=expected)
            if submit:
                submit_report(report=report, user=request.user, expected_version=report.version)
    except ConflictError as error:
        current = error.current
        current.initiative, current.period = initiative, period
        messages.error(
            request,
            _(
                "Ce bilan a été modifié par quelqu'un d'autre depuis que vous l'avez ouvert : "
                "rien n'a été enregistré. Votre saisie est conservée ci-dessous; comparez-la à "
                "la version actuelle avant d'enregistrer de nouveau."
            ),
        )
        form = ProgressReportForm(request.POST, instance=current)
        form.data = form.data.copy()
        form.data["expected_version"] = current.version
        return _report_page(
            request, edition, initiative, period, current, form, status=409, conflict=True
        )
    except StepRefusedError as error:
        # Nothing was written (one transaction): the page shows what was typed, with the reason.
        for name, value in values.items():
            setattr(report, name, value)
        if report.pk:
            report.version = expected or report.version
        form.add_error(
            "justification" if "justif" in error.messages[0] else None, error.messages[0]
        )
        return _report_page(request, edition, initiative, period, report, form, status=422)
    if submit:
        messages.success(request, _("Bilan soumis à la coordination."))
    else:
        messages.success(request, _("Bilan enregistré."))
    return redirect(
        plan_url("followup:report", edition, initiative.code, period.end_date.isoformat())
    )


@require_POST
@plan_reader_required
def report_review(request, body, fiscal_year, code, period):
    """The coordinator accepts the report or sends it back to the lead with a comment."""
    edition, initiative, period, report = _report_objects(request, body, fiscal_year, code, period)
    if not is_coordinator(request.user, edition) or report.pk is None:
        raise PermissionDenied
    form = ReviewForm(request.POST)
    action = request.POST.get("action")
    if not form.is_valid() or action not in {"accept", "send_back"}:
        return _report_page(
            request, edition, initiative, period, report, None, status=422, review_form=form
        )
    step = report_accept if action == "accept" else report_send_back
    try:
        step(
            report=report,
            user=request.user,
            expected_version=form.cleaned_data["expected_version"],
            comment=form.cleaned_data["comment"],
        )
    except ConflictError:
        messages.error(request, _("Ce bilan a changé depuis que vous l'avez ouvert : relisez-le."))
        return redirect(
            plan_url("followup:report", edition, initiative.code, period.end_date.isoformat())
        )
    except StepRefusedError as error:
        form.add_error("comment", error.messages[0])
        return _report_page(
            request, edition, initiative, period, report, None, status=422, review_form=form
        )
    messages.success(
        request,
        _("Bilan accepté.") if action == "accept" else _("Bilan retourné au responsable."),
    )
    return redirect(
        plan_url("followup:report", edition, initiative.code, period.end_date.isoformat())
    )


@plan_reader_required
def indicator(request: HttpRequest, body: str, fiscal_year: str, pk: int) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    found = get_object_or_404(
        Indicator.objects.select_related("benefit__initiative").prefetch_related("measurements"),
        benefit__initiative__edition=edition,
        pk=pk,
    )
    found.benefit.initiative.edition = edition
    measurements = list(found.measurements.all())
    rows = [
        (
            m,
            found.expected_at(m.measured_on),
            found.tolerated_at(m.measured_on),
            found.is_off_trajectory(m),
        )
        for m in measurements
    ]
    return render(
        request,
        "followup/indicator.html",
        {
            "edition": edition,
            "indicator": found,
            "initiative": found.benefit.initiative,
            "chart": charts.indicator_chart(found, measurements, formatting.long_date),
            "rows": rows,
            "off": bool(measurements) and found.is_off_trajectory(measurements[-1]),
        },
    )


@plan_reader_required
def risks(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    plan_risks = list(PlanRisk.objects.filter(edition=edition))
    initiative_risks = list(
        InitiativeRisk.objects.filter(initiative__edition=edition)
        .select_related("initiative")
        .order_by("initiative__code", "order")
    )
    every = plan_risks + initiative_risks
    scored = [r for r in every if r.score is not None]
    today = timezone.localdate()
    return render(
        request,
        "followup/risks.html",
        {
            "edition": edition,
            "cells": charts.heat_map(scored),
            "scored": sorted(scored, key=lambda r: (-r.score, r.title)),
            "unscored": [r for r in every if r.score is None],
            "overdue": [r for r in every if r.is_review_overdue],
            "today": today,
        },
    )


def _annex_period(request: HttpRequest, edition: Edition) -> ReportingPeriod:
    period = board_data.choose_period(
        list(edition.reporting_periods.all()), request.GET.get("periode")
    )
    if period is None:
        raise Http404
    return period


def _annex_task_key(edition: Edition, period: ReportingPeriod) -> str:
    """Where the session keeps the id of the annex render this person started."""
    return f"ptn-progress-pdf-{edition.pk}-{period.pk}"


def _annex_task(request: HttpRequest, edition: Edition, period: ReportingPeriod):
    return session_task_result(request, render_progress, _annex_task_key(edition, period))


def _annex_url(name: str, edition: Edition, period: ReportingPeriod) -> str:
    return f"{plan_url(name, edition)}?periode={period.end_date:%Y-%m-%d}"


@plan_reader_required
def progress_pdf(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    """The plan's PDF with the « État d'avancement » annex of the chosen period (the plan's
    own PDF stays as it is): the worker's render of the current figures, or a render started
    in the background and followed on a page, as the plan's PDF."""
    edition = get_edition(request, body, fiscal_year)
    period = _annex_period(request, edition)
    content = ready_progress_pdf(edition, period)
    if content is None:
        result = _annex_task(request, edition, period)
        if render_state(result, ready=False) in {"none", "failed", "lost"}:
            result = render_progress.enqueue(edition.pk, period.pk)
            request.session[_annex_task_key(edition, period)] = result.id
        return redirect(_annex_url("followup:pdf_progress", edition, period))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename_for(edition, period)}"'
    return response


@plan_reader_required
def progress_pdf_progress(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    """Follows the annex's render; when ready, sends the browser to the download once."""
    edition = get_edition(request, body, fiscal_year)
    period = _annex_period(request, edition)
    result = _annex_task(request, edition, period)
    state = render_state(result, ready=ready_progress_pdf(edition, period) is not None)
    if state == "none":
        return redirect(_annex_url("followup:pdf", edition, period))  # starts one
    key = _annex_task_key(edition, period)
    download = state == "ready" and request.session.pop(key, None) is not None
    return progress_page(
        request,
        edition,
        result,
        state,
        download=download,
        pdf_url=_annex_url("followup:pdf", edition, period),
        heading=_("PDF du plan avec l'état d'avancement au %(date)s")
        % {"date": formatting.long_date(period.end_date)},
        back=(_annex_url("followup:dashboard", edition, period), _("Retour au tableau de bord")),
    )
