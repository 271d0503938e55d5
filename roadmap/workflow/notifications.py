"""Telling people what the workflow expects of them: the e-mails of each step, and the notices
on their home page (`awaiting`).

The e-mails are sent by background tasks, never by the request that made the step.

A step is committed first; its e-mails are queued in the same transaction (the task queue is a
table of the same database), so they exist if and only if the step does, and the worker sends
them once the transaction is committed. One task per recipient: a retry never sends twice to
someone who already has it. A mail server that refuses or does not answer fails the attempt (it
is in the logs and in the admin's task results) and the next attempt is queued after
MAIL_RETRY_DELAYS; the person who made the step was told it was done, because it was.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from accounts import roles
from accounts.models import User
from accounts.roles import bodies_with, role_names
from roadmap.links import plan_url
from roadmap.models import Edition, ReviewComment, Transition

logger = logging.getLogger("ptn.mail")

Status = Edition.Status
Action = Transition.Action


def queue_step_notifications(done: Transition, roles: tuple[str, ...]) -> int:
    """Queue one e-mail per person holding one of ``roles`` in the edition's body (nobody of
    another body); returns how many."""
    recipients = list(
        User.objects.filter(
            is_active=True,
            role_assignments__body=done.edition.body_id,
            role_assignments__role__in=roles,
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
        .order_by("email")
    )
    for email in recipients:
        send_step_notification.enqueue(done.pk, email)
    return len(recipients)


def step_message(done: Transition) -> tuple[str, str]:
    """The subject and body telling the next actors about a step (in French)."""
    edition = done.edition
    body = edition.body
    url = settings.PORTAL_URL.rstrip("/") + plan_url("roadmap:edition", edition)
    with override("fr-ca"):
        subject = _("PTN %(body)s %(year)s : %(action)s") % {
            "body": body.acronym,
            "year": edition.fiscal_year,
            "action": done.get_action_display(),
        }
        lines = [
            _("Bonjour,"),
            "",
            _(
                "%(who)s a effectué l'étape « %(action)s » du Plan de transformation numérique "
                "%(body)s %(year)s."
            )
            % {
                "who": done.user,
                "action": done.get_action_display(),
                "body": body.name_in_sentence,
                "year": edition.fiscal_year,
            },
            _("Statut de l'édition : %(status)s.")
            % {"status": edition.Status(done.to_status).label},
        ]
        if done.open_comments:
            lines.append(
                ngettext(
                    "Étape confirmée malgré %(count)s commentaire de révision non réglé.",
                    "Étape confirmée malgré %(count)s commentaires de révision non réglés.",
                    done.open_comments,
                )
                % {"count": done.open_comments}
            )
        if done.comment:
            lines += ["", _("Commentaire :"), done.comment]
        lines += ["", _("Consulter l'édition : %(url)s") % {"url": url}]
    return subject, "\n".join(lines)


@task
def send_step_notification(transition_id: int, email: str, attempt: int = 1) -> str:
    """Send one step's e-mail to one person; on failure, queue the next attempt and fail."""
    done = Transition.objects.select_related("edition__body", "user").get(pk=transition_id)
    subject, body = step_message(done)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    except Exception:
        delays = settings.MAIL_RETRY_DELAYS
        if attempt <= len(delays):
            send_step_notification.using(
                run_after=timezone.now() + timedelta(seconds=delays[attempt - 1])
            ).enqueue(transition_id, email, attempt + 1)
            logger.warning(
                "e-mail of step %s not sent (attempt %s); next attempt in %s s",
                transition_id,
                attempt,
                delays[attempt - 1],
            )
        else:
            logger.error("e-mail of step %s not sent after %s attempts", transition_id, attempt)
        raise
    return email


# --- What awaits each person ---------------------------------------------------------------


def awaiting(user: User) -> list[tuple[str, str]]:
    """Notices for the home page: what the workflow expects of this person now, in every body
    where they hold a role (the body is named when there are several)."""
    wanted = {
        roles.INFORMATION_DIRECTOR: (
            Status.SUBMITTED,
            _("L'édition %(year)s attend votre recommandation."),
        ),
        roles.HEAD: (
            Status.RECOMMENDED,
            _("L'édition %(year)s attend votre approbation."),
        ),
        roles.COORDINATOR: (
            Status.APPROVED,
            _("L'édition %(year)s est approuvée : consignez sa transmission."),
        ),
    }
    held = {body_id: role_names(user, body_id) for body_id in bodies_with(user, set(wanted))}
    # One query for every body: (body, statuses) pairs.
    scope = Q(pk__in=[])
    for body_id, user_roles in held.items():
        statuses = {status for role, (status, _m) in wanted.items() if role in user_roles}
        if roles.COORDINATOR in user_roles:
            statuses.add(Status.DRAFT)
        scope |= Q(body_id=body_id, status__in=statuses)
    editions = []
    if held:
        editions = list(
            Edition.objects.filter(scope).select_related("body").prefetch_related("transitions")
        )
    several = len(bodies_with(user, set(roles.BODY_ROLES))) > 1
    notices: list[tuple[str, str]] = []
    for edition in editions:
        user_roles = held[edition.body_id]
        url = plan_url("roadmap:edition", edition)
        year = f"{edition.body.acronym} {edition.fiscal_year}" if several else edition.fiscal_year
        for role, (status, message) in wanted.items():
            if role in user_roles and edition.status == status:
                notices.append((message % {"year": year}, url))
        last = list(edition.transitions.all())[-1:] or [None]
        if (
            roles.COORDINATOR in user_roles
            and edition.status == Status.DRAFT
            and last[0] is not None
            and last[0].action == Action.RETURN
        ):
            notices.append(
                (
                    _("L'édition %(year)s vous a été retournée : %(comment)s")
                    % {"year": year, "comment": last[0].comment},
                    url,
                )
            )
    coordinated = bodies_with(user, {roles.COORDINATOR})
    led = bodies_with(user, {roles.LEAD}) - coordinated
    count = 0
    if coordinated or led:
        count = ReviewComment.objects.filter(
            Q(edition__body_id__in=coordinated)
            | Q(edition__body_id__in=led, initiative__lead=user),
            resolved_at__isnull=True,
        ).count()
    if count:
        notices.append(
            (
                ngettext(
                    "%(count)s commentaire de révision à régler.",
                    "%(count)s commentaires de révision à régler.",
                    count,
                )
                % {"count": count},
                reverse("index"),
            )
        )
    return notices
