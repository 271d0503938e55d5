"""Writes of the follow-up: reporting periods, and a progress report's life (save, submit,
accept, send back). Keyword-only, atomic; a stale version is refused (`ConflictError`), never
silently overwritten; every change is in the rows' history (django-simple-history)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from followup.health import derive, divergences
from followup.models import ProgressReport, ReportingPeriod, default_period_ends
from roadmap.models import Edition

Status = ProgressReport.Status

# What the lead writes in a report (the form's fields, in order).
REPORT_FIELDS = (
    "percent_done",
    "phase",
    "spent_to_date",
    "estimate_at_completion",
    "forecast_end",
    "narrative",
    "declared_cost",
    "declared_schedule",
    "declared_scope",
    "declared_overall",
    "justification",
)


class ConflictError(Exception):
    """The report changed since the person opened it."""

    def __init__(self, current: ProgressReport | None) -> None:
        super().__init__("conflict")
        self.current = current


class StepRefusedError(ValidationError):
    """A step that the report's state or content does not allow (French message)."""


@transaction.atomic
def periods_ensure(*, edition: Edition) -> list[ReportingPeriod]:
    """The edition's periods; the defaults (30 September, 31 March) when it has none yet.
    Called when an edition is created (followup.apps) — pages only read the periods, so a
    coordinator who removed every period is not given the defaults back by a visit."""
    periods = list(edition.reporting_periods.all())
    if not periods:
        for end in default_period_ends(edition):
            ReportingPeriod.objects.get_or_create(edition=edition, end_date=end)
        periods = list(edition.reporting_periods.all())
    return periods


@transaction.atomic
def period_add(*, edition: Edition, end_date: datetime.date) -> ReportingPeriod:
    if edition.reporting_periods.filter(end_date=end_date).exists():
        raise StepRefusedError(_("Cette période existe déjà."))
    return ReportingPeriod.objects.create(edition=edition, end_date=end_date)


@transaction.atomic
def period_remove(*, period: ReportingPeriod) -> None:
    """Only a period without any report filed (drafts included) can go: nothing is lost."""
    if period.reports.exists():
        raise StepRefusedError(
            _("Cette période a déjà des bilans : elle ne peut plus être supprimée.")
        )
    period.delete()


def _claim(report: ProgressReport, expected_version: int | None) -> None:
    """Take the report's next version, or refuse if someone saved it meanwhile (the
    conditional UPDATE holds the row until commit)."""
    claimed = ProgressReport.objects.filter(pk=report.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise ConflictError(ProgressReport.objects.filter(pk=report.pk).first())
    report.version = (expected_version or 0) + 1


@transaction.atomic
def report_save(
    *, report: ProgressReport, values: dict, expected_version: int | None
) -> ProgressReport:
    """Save what the lead typed in a draft (or a report sent back)."""
    if report.pk is not None:
        stored = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if not stored.is_editable:
            raise StepRefusedError(_("Ce bilan est soumis : il ne peut plus être modifié."))
        _claim(report, expected_version)
    for name, value in values.items():
        setattr(report, name, value)
    if report.pk is None:
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:  # someone filed this period's report meanwhile
            raise ConflictError(
                ProgressReport.objects.filter(
                    period=report.period_id, initiative=report.initiative_id
                ).first()
            ) from None
        return report
    report.save()
    return report


@transaction.atomic
def report_submit(*, report: ProgressReport, user, expected_version: int | None) -> ProgressReport:
    """The lead submits the report to the coordinator. **The guard**: a declared colour better
    than the derived one needs a written justification."""
    if not report.is_editable:
        raise StepRefusedError(_("Ce bilan est déjà soumis."))
    flagged = divergences(report, derive(report))
    if flagged and not report.justification.strip():
        raise StepRefusedError(
            _(
                "La santé déclarée est meilleure que la santé calculée (%(dimensions)s) : "
                "justifiez l'écart avant de soumettre."
            )
            % {"dimensions": ", ".join(str(DIMENSION_LABELS[name]) for name in flagged)}
        )
    _claim(report, expected_version)
    report.status = Status.SUBMITTED
    report._history_user = user  # also outside a request (the demo, a command)
    report.submitted_by = user
    report.submitted_at = timezone.now()
    report.save()
    return report


def _review(report, *, user, expected_version, status, comment) -> ProgressReport:
    if report.status != Status.SUBMITTED:
        raise StepRefusedError(_("Seul un bilan soumis peut être accepté ou retourné."))
    _claim(report, expected_version)
    report.status = status
    report._history_user = user
    report.review_comment = comment
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report.save()
    return report


@transaction.atomic
def report_accept(
    *, report: ProgressReport, user, expected_version: int | None, comment: str = ""
) -> ProgressReport:
    return _review(
        report,
        user=user,
        expected_version=expected_version,
        status=Status.ACCEPTED,
        comment=comment,
    )


@transaction.atomic
def report_send_back(
    *, report: ProgressReport, user, expected_version: int | None, comment: str
) -> ProgressReport:
    """Back to the lead, with what to change (required)."""
    if not comment.strip():
        raise StepRefusedError(_("Dites au responsable ce qui doit être revu."))
    return _review(
        report,
        user=user,
        expected_version=expected_version,
        status=Status.SENT_BACK,
        comment=comment,
    )


DIMENSION_LABELS = {
    "cost": gettext_lazy("coût"),
    "schedule": gettext_lazy("échéancier"),
    "scope": gettext_lazy("portée"),
    "overall": gettext_lazy("globale"),
}
