"""Separation of duties: one person never takes two of the approval steps (submit, recommend,
approve) of the same round of an edition, whatever roles their account holds. A return to
draft ends the round: the next submission starts a new one."""

from __future__ import annotations

from django.utils.translation import gettext as _

from roadmap.models import Edition, Transition

Action = Transition.Action
DUTIES = (Action.SUBMIT, Action.RECOMMEND, Action.APPROVE)


def duty_conflict(*, edition: Edition, user, action: str) -> str | None:
    """Why ``user`` may not take ``action`` on ``edition`` now (in French), or None."""
    if action not in DUTIES:
        return None
    round_start = (
        edition.transitions.filter(action__in=[Action.CREATE, Action.RETURN])
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    taken = (
        edition.transitions.filter(action__in=DUTIES, user=user, pk__gt=round_start or 0)
        .exclude(action=action)
        .order_by("pk")
        .first()
    )
    if taken is None:
        return None
    return _(
        "Séparation des tâches : vous avez déjà fait l'étape « %(done)s » de cette édition ; "
        "l'étape « %(step)s » doit être faite par une autre personne."
    ) % {"done": taken.get_action_display(), "step": Action(action).label}
