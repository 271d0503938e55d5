"""The account e-mails of django-allauth (password reset, security notices), sent by the task
worker like the workflow's (roadmap.workflow.notifications): a mail server that refuses or does
not answer never turns the request into an error page.

The request renders the message and queues it; the task queue is a table of the same database,
so the message is queued if and only if what it tells of is committed. A failed attempt is in
the logs and in the admin's task results, and the next one is queued after MAIL_RETRY_DELAYS.

The task's arguments hold only the id of a ``PendingMail``, which holds the message until it is
sent: a password reset link never appears in the task results (the admin, backups).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from security.models import PendingMail

logger = logging.getLogger("ptn.mail")

# Longer than every retry (MAIL_RETRY_DELAYS): a message still pending then had its task lost.
PENDING_MAX_AGE = timedelta(days=1)


def queue_message(message: EmailMessage) -> None:
    """Keep a rendered message (its parts as JSON) and queue its sending by id."""
    with transaction.atomic():
        pending = PendingMail.objects.create(
            message={
                "subject": message.subject,
                "body": message.body,
                "content_subtype": message.content_subtype,
                "from_email": message.from_email,
                "to": list(message.to),
                "headers": dict(message.extra_headers),
                "alternatives": [
                    [content, mimetype]
                    for content, mimetype in getattr(message, "alternatives", [])
                ],
            }
        )
        send_account_mail.enqueue(pending.pk)


@task
def send_account_mail(pending_id: int | dict, attempt: int = 1) -> str:
    """Send one account e-mail; on failure, queue the next attempt and fail."""
    if isinstance(pending_id, dict):
        # Queued by a release before PendingMail, with the message as the argument.
        pending, message = None, pending_id
    else:
        pending = PendingMail.objects.filter(pk=pending_id).first()
        if pending is None:
            logger.warning("account e-mail %s is no longer pending: not sent", pending_id)
            return ""
        message = pending.message
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message["from_email"],
        to=message["to"],
        headers=message["headers"],
        alternatives=[tuple(part) for part in message["alternatives"]],
    )
    email.content_subtype = message["content_subtype"]
    try:
        email.send()
    except Exception:
        delays = settings.MAIL_RETRY_DELAYS
        if attempt <= len(delays):
            send_account_mail.using(
                run_after=timezone.now() + timedelta(seconds=delays[attempt - 1])
            ).enqueue(pending_id, attempt + 1)
            logger.warning(
                "account e-mail not sent (attempt %s); next attempt in %s s",
                attempt,
                delays[attempt - 1],
            )
        else:
            logger.error("account e-mail not sent after %s attempts", attempt)
            _forget(pending)
        raise
    _forget(pending)
    return ", ".join(email.to)


def purge_lost_messages() -> int:
    """Delete the messages whose task was lost (housekeeping); returns how many."""
    return PendingMail.objects.filter(created__lt=timezone.now() - PENDING_MAX_AGE).delete()[0]


def _forget(pending: PendingMail | None) -> None:
    if pending is not None:
        pending.delete()
