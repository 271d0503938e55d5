"""The review of a submitted edition: who may comment on it, and who may mark a comment resolved.

The body's DI and head (deputy minister…) comment while the edition is under their review (on the
edition or on one initiative); the body's coordinator resolves any comment, an initiative's lead
those on it. The edition page and the initiative page both offer the comment form.
"""

from django import forms
from django.utils.translation import gettext_lazy

from accounts import roles
from accounts.roles import role_names
from roadmap.access import is_coordinator
from roadmap.models import Edition, ReviewComment

REVIEWERS = {roles.INFORMATION_DIRECTOR, roles.HEAD}
REVIEW_STATUSES = {Edition.Status.SUBMITTED, Edition.Status.RECOMMENDED}


class CommentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Commentaire"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


def can_comment(user, edition: Edition) -> bool:
    return edition.status in REVIEW_STATUSES and bool(role_names(user, edition.body_id) & REVIEWERS)


def can_resolve(user, comment: ReviewComment, edition: Edition) -> bool:
    """``edition`` is the comment's (already read by the page)."""
    if comment.is_resolved:
        return False
    if is_coordinator(user, edition):
        return True
    return comment.initiative is not None and comment.initiative.lead_id == user.pk
