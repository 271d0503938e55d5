"""The account e-mails of django-allauth (password reset, security notices), sent by the task
worker like the workflow's (roadmap.workflow.notifications): a mail server that refuses or does
not answer never turns the request into an error page.

The request renders the message and queues it; the task queue is a table of the same database,
so the message is queued if and only if what it tells of is committed. A failed attempt is in
the logs and in the admin's task results, and the next one is queued after MAIL_RETRY_DELAYS.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger("ptn.mail")


def queue_message(message: EmailMessage) -> None:
    """Queue a rendered message for the worker (its parts as JSON: a task's arguments)."""
    send_account_mail.enqueue(
        {
            "subject": message.subject,
            "body": message.body,
            "content_subtype": message.content_subtype,
            "from_email": message.from_email,
            "to": list(message.to),
            "headers": dict(message.extra_headers),
            "alternatives": [
                [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
            ],
        }
    )


@task
def send_account_mail(message: dict, attempt: int = 1) -> str:
    """Send one account e-mail; on failure, queue the next attempt and fail."""
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
            ).enqueue(message, attempt + 1)
            logger.warning(
                "account e-mail not sent (attempt %s); next attempt in %s s",
                attempt,
                delays[attempt - 1],
            )
        else:
            logger.error("account e-mail not sent after %s attempts", attempt)
        raise
    return ", ".join(email.to)
