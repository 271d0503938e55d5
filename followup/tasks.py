"""Reminders, as scheduled background tasks (the same task queue as the workflow's e-mails).

`send_reminders` runs once a day (``FOLLOWUP_REMINDER_INTERVAL``): like housekeeping
(operations/housekeeping.py), it first queues its own next run, and each worker makes sure at
start that one run is queued (`ensure_scheduled`, called by `manage.py db_worker`). Each run:

- e-mails the lead of every initiative whose report for a period is not submitted yet, once
  the period ends in ``FOLLOWUP_REMINDER_DAYS`` days or less (14 by default);
- once a period has ended, e-mails the body's PTN coordinators the list of the reports that are
  late (not submitted, or sent back and not submitted again).

Each reminder is sent once (a `Reminder` row per period and recipient, written in the same
transaction as its queued e-mail); each e-mail is its own task, retried like the workflow's.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks_db.models import DBTaskResult

from accounts import roles
from accounts.models import User
from followup.models import ProgressReport, Reminder, ReportingPeriod
from initiatives.models import Initiative
from roadmap import formatting
from roadmap.links import plan_url

logger = logging.getLogger("ptn.mail")

DONE = [ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED]


def ensure_scheduled() -> None:
    """Queue a run now unless one is queued or running (called by each worker at start)."""
    if not DBTaskResult.objects.filter(
        task_path=send_reminders.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).exists():
        send_reminders.enqueue()


def missing_reports(period: ReportingPeriod) -> list[Initiative]:
    """The period's initiatives whose report is not submitted (none, a draft, or sent back)."""
    return list(
        period.edition.initiatives.exclude(
            progress_reports__period=period, progress_reports__status__in=DONE
        )
        .select_related("lead")
        .order_by("code")
    )


def _once(period: ReportingPeriod, email: str, kind: str) -> bool:
    """Record that ``email`` got the ``kind`` reminder of ``period``; False if it already has."""
    try:
        with transaction.atomic():
            Reminder.objects.create(period=period, email=email, kind=kind)
    except IntegrityError:
        return False
    return True


def _url(name: str, edition, *args) -> str:
    return settings.PORTAL_URL.rstrip("/") + plan_url(name, edition, *args)


@transaction.atomic
def queue_reminders(today=None) -> int:
    """Queue the e-mails due today; returns how many."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.FOLLOWUP_REMINDER_DAYS)
    queued = 0
    periods = ReportingPeriod.objects.filter(end_date__lte=horizon).select_related("edition__body")
    for period in periods:
        edition = period.edition
        missing = missing_reports(period)
        if not missing:
            continue
        with override("fr-ca"):
            date = formatting.long_date(period.end_date)
            if period.end_date >= today:
                by_lead: dict[str, list[Initiative]] = {}
                for initiative in missing:
                    if initiative.lead and initiative.lead.is_active and initiative.lead.email:
                        by_lead.setdefault(initiative.lead.email, []).append(initiative)
                for email, initiatives in by_lead.items():
                    if not _once(period, email, Reminder.Kind.LEAD):
                        continue
                    subject = _("PTN %(body)s : votre bilan d'étape au %(date)s") % {
                        "body": edition.body.acronym,
                        "date": date,
                    }
                    lines = [
                        _("Bonjour,"),
                        "",
                        _("Le bilan d'étape au %(date)s des initiatives suivantes est attendu :")
                        % {"date": date},
                        "",
                        *[
                            f"- {i.code} {i.title} : "
                            + _url("followup:report", edition, i.code, period.end_date.isoformat())
                            for i in initiatives
                        ],
                    ]
                    send_followup_mail.enqueue(subject, "\n".join(lines), email)
                    queued += 1
            else:
                coordinators = User.objects.filter(
                    is_active=True,
                    role_assignments__body=edition.body_id,
                    role_assignments__role=roles.COORDINATOR,
                ).exclude(email="")
                for email in coordinators.values_list("email", flat=True).distinct():
                    if not _once(period, email, Reminder.Kind.COORDINATOR):
                        continue
                    subject = _("PTN %(body)s : bilans d'étape en retard (%(date)s)") % {
                        "body": edition.body.acronym,
                        "date": date,
                    }
                    lines = [
                        _("Bonjour,"),
                        "",
                        _("Ces bilans d'étape au %(date)s ne sont pas soumis :") % {"date": date},
                        "",
                        *[
                            f"- {i.code} {i.title} ({i.lead or _('sans responsable')})"
                            for i in missing
                        ],
                        "",
                        _url("followup:dashboard", edition)
                        + f"?periode={period.end_date.isoformat()}",
                    ]
                    send_followup_mail.enqueue(subject, "\n".join(lines), email)
                    queued += 1
    return queued


@task
def send_reminders() -> int:
    """Queue the next run, then the reminders due today."""
    if not DBTaskResult.objects.filter(
        task_path=send_reminders.module_path, status=TaskResultStatus.READY
    ).exists():
        send_reminders.using(
            run_after=timezone.now() + timedelta(seconds=settings.FOLLOWUP_REMINDER_INTERVAL)
        ).enqueue()
    queued = queue_reminders()
    logger.info("follow-up reminders queued", extra={"count": queued})
    return queued


@task
def send_followup_mail(subject: str, body: str, email: str, attempt: int = 1) -> str:
    """Send one reminder; on failure, queue the next attempt (MAIL_RETRY_DELAYS) and fail."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    except Exception:
        delays = settings.MAIL_RETRY_DELAYS
        if attempt <= len(delays):
            send_followup_mail.using(
                run_after=timezone.now() + timedelta(seconds=delays[attempt - 1])
            ).enqueue(subject, body, email, attempt + 1)
        raise
    return email
