"""A mail server that refuses never breaks a workflow step nor a password reset: e-mails are
background tasks, retried.

The SMTP server is a real process (aiosmtpd, delivering into a maildir), stopped in the middle of
the test and started again.
"""

import email
import email.policy
import json
import mailbox
import sys
from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from operations.housekeeping import housekeeping
from roadmap.models import Edition
from roadmap.pdf.tasks import render_plan
from roadmap.workflow.notifications import send_step_notification
from security.mail import send_account_mail
from security.models import PendingMail
from tests.personas import client_for
from tests.processes import Service, free_port, port_open, wait_until
from tests.tasks import run_queued_tasks
from tests.test_workflow import BODY, YEAR, make_ready, move_to


class SmtpServer:
    def __init__(self, tmp_path) -> None:
        self.port = free_port()
        self.maildir = tmp_path / "maildir"
        self.tmp_path = tmp_path
        self.service = None

    def start(self) -> None:
        self.service = Service(
            "smtp",
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{self.port}",
                "-c",
                "aiosmtpd.handlers.Mailbox",
                str(self.maildir),
            ],
            env={"PATH": "/usr/bin:/bin"},
            log_dir=self.tmp_path,
        )
        wait_until(lambda: port_open(self.port), timeout=20, what="the SMTP server")

    def stop(self) -> None:
        if self.service:
            self.service.stop()
            wait_until(lambda: not port_open(self.port), timeout=10, what="SMTP to stop")

    def received(self) -> list[tuple[str, str]]:
        return sorted((m["To"], m["Subject"]) for m in mailbox.Maildir(self.maildir))


@pytest.fixture
def smtp(tmp_path, settings):
    server = SmtpServer(tmp_path)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
    server.start()
    yield server
    server.stop()


def test_a_refusing_mail_server_never_breaks_an_approval(
    edition, smtp, django_capture_on_commit_callbacks
):
    make_ready(edition)
    move_to(edition, Edition.Status.SUBMITTED)
    di, sm = client_for("di"), client_for("sm")

    di.post(reverse("roadmap:transition", args=[BODY, YEAR, "recommander"]))
    run_queued_tasks(send_step_notification)
    recommended = "PTN MEIE 2023-2024 : Recommandation"
    assert smtp.received() == [
        ("coordonnateur@ptn.example", recommended),
        ("sm@ptn.example", recommended),
    ]

    smtp.stop()  # the mail server goes down
    with django_capture_on_commit_callbacks(execute=True):
        response = sm.post(
            reverse("roadmap:transition", args=[BODY, YEAR, "approuver"]), follow=True
        )
    assert response.status_code == 200
    assert "Étape enregistrée : Approbation." in response.content.decode()
    edition.refresh_from_db()
    assert edition.status == Edition.Status.APPROVED

    # The archive render comes first in the worker's order; the e-mails wait behind it.
    ran = run_queued_tasks()
    assert [r.task_path for r in ran] == [render_plan.module_path] + 2 * [
        send_step_notification.module_path
    ]
    assert ran[0].status == TaskResultStatus.SUCCESSFUL
    edition.refresh_from_db()
    assert edition.archived_pdf and edition.archived_pdf_sha256
    assert [r.status for r in ran[1:]] == 2 * [TaskResultStatus.FAILED]
    assert "ConnectionRefusedError" in ran[1].traceback

    # Each e-mail is tried again a minute later, not at once.
    retries = DBTaskResult.objects.filter(
        task_path=send_step_notification.module_path, status=TaskResultStatus.READY
    )
    assert sorted(r.args_kwargs["args"][1:] for r in retries) == [
        ["coordonnateur@ptn.example", 2],
        ["di@ptn.example", 2],
    ]
    soon = timezone.now() + timedelta(seconds=50)
    assert all(r.run_after > soon for r in retries)
    assert run_queued_tasks() == []  # not due yet

    smtp.start()  # the mail server is back, and a minute has passed
    retries.update(run_after=timezone.now())
    assert [r.status for r in run_queued_tasks()] == 2 * [TaskResultStatus.SUCCESSFUL]
    approved = "PTN MEIE 2023-2024 : Approbation"
    assert [m for m in smtp.received() if m[1] == approved] == [
        ("coordonnateur@ptn.example", approved),
        ("di@ptn.example", approved),
    ]


def test_a_refusing_mail_server_never_breaks_a_password_reset(db, smtp):
    """allauth's e-mails go through the worker too: the page answers, the message waits."""
    User.objects.create_user("j.caron", email="j.caron@ministere.example", password="x-42-y-42")
    smtp.stop()

    response = Client().post(
        reverse("account_reset_password"), {"email": "j.caron@ministere.example"}, follow=True
    )

    assert response.status_code == 200
    assert "réinitialisation" in response.content.decode().lower()
    [failed] = run_queued_tasks(send_account_mail)
    assert failed.status == TaskResultStatus.FAILED
    assert "ConnectionRefusedError" in failed.traceback
    retry = DBTaskResult.objects.get(
        task_path=send_account_mail.module_path, status=TaskResultStatus.READY
    )
    assert retry.run_after > timezone.now() + timedelta(seconds=50)

    smtp.start()
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    assert [r.status for r in run_queued_tasks()] == [TaskResultStatus.SUCCESSFUL]
    [stored] = mailbox.Maildir(smtp.maildir)
    message = email.message_from_bytes(stored.as_bytes(), policy=email.policy.default)
    assert message["To"] == "j.caron@ministere.example"
    assert message["Subject"] == "[Portail PTN] E-mail de réinitialisation de mot de passe"
    link = "/compte/password/reset/key/"
    assert link in message.get_body().get_content()
    # The link is a credential: the task results (shown in the admin, copied into backups)
    # never held it, and the message it was in is gone once sent.
    results = DBTaskResult.objects.filter(task_path=send_account_mail.module_path)
    assert results.count() == 2
    assert all(link not in json.dumps(r.args_kwargs) for r in results)
    assert not PendingMail.objects.exists()


def test_an_account_email_given_up_is_not_kept(db, smtp, settings):
    settings.MAIL_RETRY_DELAYS = [60]
    User.objects.create_user("j.caron", email="j.caron@ministere.example", password="x-42-y-42")
    smtp.stop()
    Client().post(reverse("account_reset_password"), {"email": "j.caron@ministere.example"})
    assert PendingMail.objects.count() == 1

    run_queued_tasks(send_account_mail)
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
    [last] = run_queued_tasks(send_account_mail)

    assert last.status == TaskResultStatus.FAILED
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    assert not PendingMail.objects.exists()


def test_a_pending_account_email_left_by_a_lost_task_goes_after_a_day(db):
    lost = PendingMail.objects.create(message={"subject": "perdu", "to": ["x@ministere.example"]})
    PendingMail.objects.filter(pk=lost.pk).update(created=timezone.now() - timedelta(hours=25))
    recent = PendingMail.objects.create(message={"subject": "récent", "to": []})

    housekeeping.enqueue()
    [run] = run_queued_tasks(housekeeping)

    assert run.return_value["pending_mail"] == 1
    assert not PendingMail.objects.filter(pk=lost.pk).exists()
    assert PendingMail.objects.filter(pk=recent.pk).exists()


def test_an_account_email_queued_by_the_previous_release_is_still_sent(db, smtp):
    """Before PendingMail, the task's argument was the message itself: one still queued at the
    upgrade is sent by the new code."""
    send_account_mail.enqueue(
        {
            "subject": "Ancien message",
            "body": "Bonjour",
            "content_subtype": "plain",
            "from_email": "ptn@ministere.example",
            "to": ["j.caron@ministere.example"],
            "headers": {},
            "alternatives": [],
        }
    )

    [result] = run_queued_tasks(send_account_mail)

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert smtp.received() == [("j.caron@ministere.example", "Ancien message")]
