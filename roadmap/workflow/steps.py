"""The approval workflow: the steps an edition goes through, who takes each, and what each does.

brouillon → (coordinator: soumettre) → soumis à la DI → (DI: retourner, with a comment → brouillon)
or (DI: recommander) → recommandé → (SM: approuver, or retourner with a comment → brouillon)
→ approuvé → (coordinator: transmettre, with date and recipient) → transmis.

A step is recorded as a `Transition`; the e-mails it sends and, at approval, the archive render
of the PDF are queued as background tasks in the same transaction (the workflow asks the task
queue for the render: it never renders, nor imports the PDF's making).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from accounts import roles
from accounts.models import User
from accounts.roles import role_names
from roadmap.models import Edition, Transition
from roadmap.pdf.tasks import render_plan
from roadmap.workflow.duties import duty_conflict
from roadmap.workflow.notifications import queue_step_notifications
from roadmap.workflow.readiness import Problem, readiness

Status = Edition.Status
Action = Transition.Action
# The archive render queued at approval runs before any other waiting task (e-mails included).
ARCHIVE_PRIORITY = 10


class WorkflowError(Exception):
    """A transition that cannot happen now; the message says why, in French."""

    status = 409  # the edition's state does not allow it (the HTTP status of a refusal)


class MissingInput(WorkflowError):
    """The step needs something the person did not give (a comment, a date…)."""

    status = 422


class NotReady(WorkflowError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(_("L'édition n'est pas prête à être soumise."))
        self.problems = problems


class OpenComments(MissingInput):
    """Review comments are open and the person did not confirm going ahead (for all of them)."""

    def __init__(self, count: int) -> None:
        super().__init__(
            ngettext(
                "%(count)s commentaire de révision n'est pas réglé : cochez la case de "
                "confirmation pour poursuivre malgré tout, ou faites-le régler d'abord.",
                "%(count)s commentaires de révision ne sont pas réglés : cochez la case de "
                "confirmation pour poursuivre malgré tout, ou faites-les régler d'abord.",
                count,
            )
            % {"count": count}
        )
        self.count = count


@dataclass(frozen=True)
class Step:
    slug: str
    action: str
    from_status: str
    to_status: str
    role: str
    label: str
    needs_comment: bool = False
    # Taking the step while review comments are open needs an explicit confirmation; this is
    # what the person confirms (a plural form, %(count)s open comments). Empty: no confirmation.
    confirmation: str = ""
    # Who is told (roles in the edition's body) once the step is done.
    notify: tuple[str, ...] = ()

    def label_in(self, body) -> str:
        """The label, with the body's own titles (« Recommander pour approbation
        (sous-ministre) »)."""
        return str(self.label) % {
            "head": body.head_title,
            "information_director": body.information_director_title,
        }


STEPS = {
    step.slug: step
    for step in [
        Step(
            "soumettre",
            Action.SUBMIT,
            Status.DRAFT,
            Status.SUBMITTED,
            roles.COORDINATOR,
            gettext_lazy("Soumettre à la DI"),
            notify=(roles.INFORMATION_DIRECTOR,),
        ),
        Step(
            "retourner-di",
            Action.RETURN,
            Status.SUBMITTED,
            Status.DRAFT,
            roles.INFORMATION_DIRECTOR,
            gettext_lazy("Retourner au coordonnateur"),
            needs_comment=True,
            notify=(roles.COORDINATOR,),
        ),
        Step(
            "recommander",
            Action.RECOMMEND,
            Status.SUBMITTED,
            Status.RECOMMENDED,
            roles.INFORMATION_DIRECTOR,
            # Its label names the body's head by its title: Step.label_in(body).
            gettext_lazy("Recommander pour approbation (%(head)s)"),
            confirmation=ngettext_lazy(
                "Je recommande l'édition malgré %(count)s commentaire de révision non réglé.",
                "Je recommande l'édition malgré %(count)s commentaires de révision non réglés.",
                "count",
            ),
            notify=(roles.HEAD, roles.COORDINATOR),
        ),
        Step(
            "retourner-sm",
            Action.RETURN,
            Status.RECOMMENDED,
            Status.DRAFT,
            roles.HEAD,
            gettext_lazy("Retourner en brouillon"),
            needs_comment=True,
            notify=(roles.COORDINATOR, roles.INFORMATION_DIRECTOR),
        ),
        Step(
            "approuver",
            Action.APPROVE,
            Status.RECOMMENDED,
            Status.APPROVED,
            roles.HEAD,
            gettext_lazy("Approuver"),
            confirmation=ngettext_lazy(
                "J'approuve l'édition malgré %(count)s commentaire de révision non réglé.",
                "J'approuve l'édition malgré %(count)s commentaires de révision non réglés.",
                "count",
            ),
            notify=(roles.COORDINATOR, roles.INFORMATION_DIRECTOR),
        ),
        Step(
            "transmettre",
            Action.TRANSMIT,
            Status.APPROVED,
            Status.TRANSMITTED,
            roles.COORDINATOR,
            gettext_lazy("Consigner la transmission"),
            notify=(roles.INFORMATION_DIRECTOR, roles.HEAD),
        ),
    ]
}


def available_steps(user: User, edition: Edition) -> list[Step]:
    user_roles = role_names(user, edition.body_id)
    return [
        step
        for step in STEPS.values()
        if step.from_status == edition.status and step.role in user_roles
    ]


@transaction.atomic
def edition_transition(
    *,
    edition: Edition,
    user: User,
    step: str,
    comment: str = "",
    transmitted_on: datetime.date | None = None,
    recipient: str = "",
    open_comments_confirmed: int = 0,
) -> Transition:
    """Move the edition one step; refuse (in French) what the workflow does not allow.

    ``open_comments_confirmed`` is how many open review comments the person saw and confirmed
    going ahead with; a step that needs it is refused while more comments than that are open.
    """
    definition = STEPS.get(step)
    if definition is None:
        raise WorkflowError(_("Cette étape n'existe pas."))
    # Lock the edition: two people clicking at once cannot both move it.
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if definition.role not in role_names(user, edition.body_id) or not user.is_active:
        raise PermissionDenied
    if conflict := duty_conflict(edition=edition, user=user, action=definition.action):
        raise WorkflowError(conflict)
    if edition.status != definition.from_status:
        raise WorkflowError(
            _("L'édition est « %(status)s » : cette étape n'est plus possible.")
            % {"status": edition.get_status_display()}
        )
    comment = comment.strip()
    if definition.needs_comment and not comment:
        raise MissingInput(_("Expliquez dans un commentaire ce qui doit être corrigé."))
    if definition.action == Action.SUBMIT:
        problems = readiness(edition)
        if problems:
            raise NotReady(problems)
    if definition.action == Action.TRANSMIT and (not transmitted_on or not recipient.strip()):
        raise MissingInput(_("Indiquez la date de transmission et le destinataire."))
    open_comments = 0
    if definition.confirmation:
        open_comments = edition.comments.filter(resolved_at__isnull=True).count()
        if open_comments > open_comments_confirmed:
            raise OpenComments(open_comments)
    previous = edition.status
    edition.status = definition.to_status
    edition.save(update_fields=["status"])
    done = Transition.objects.create(
        edition=edition,
        action=definition.action,
        from_status=previous,
        to_status=edition.status,
        user=user,
        comment=comment,
        transmitted_on=transmitted_on,
        recipient=recipient.strip(),
        open_comments=open_comments,
    )
    # Queued in this transaction: the worker sees these tasks once the step is committed, and
    # they vanish with it if it is not. The approved plan's archive render comes first.
    if definition.action == Action.APPROVE:
        render_plan.using(priority=ARCHIVE_PRIORITY).enqueue(edition.pk)
    queue_step_notifications(done, definition.notify)
    return done
