from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from initiatives.models import Contribution, Dependency, Initiative
from roadmap.access import can_edit_initiative, get_edition, plan_reader_required
from roadmap.history.changes import changes, initiative_sources
from roadmap.workflow.review import CommentForm, can_comment, can_resolve

# The initiative's page shows its latest changes; the history page shows them all, filtered to the
# initiative (describing a change compares versions: fifty on every visit cost most of the page).
RECENT_CHANGES = 10


@plan_reader_required
def detail(request: HttpRequest, body: str, fiscal_year: str, code: str) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    initiative = get_object_or_404(
        Initiative.objects.with_roadmap_relations().prefetch_related(
            "benefits__indicators__measurements",
            "benefits__years",
            "risks__mitigations",
            "milestones",
            Prefetch("dependencies", queryset=Dependency.objects.select_related("depends_on")),
            Prefetch("dependents", queryset=Dependency.objects.select_related("initiative")),
            Prefetch(
                "contributions",
                queryset=Contribution.objects.select_related("topic__section").order_by(
                    "topic__section__order", "topic__order", "order"
                ),
            ),
        ),
        edition=edition,
        code=code,
    )
    initiative.edition = edition
    comments = list(initiative.review_comments.select_related("author", "resolved_by"))
    for comment in comments:
        comment.initiative = initiative
        comment.can_resolve = can_resolve(request.user, comment, edition)
    return render(
        request,
        "initiatives/detail.html",
        {
            "edition": edition,
            "initiative": initiative,
            "obj": initiative,
            "can_edit": can_edit_initiative(request.user, initiative),
            # Once approved, its follow-up still changes (measurements, risks' scoring).
            "can_follow_up": can_edit_initiative(request.user, initiative, follow_up=True),
            "history": changes(initiative_sources([initiative.pk]), limit=RECENT_CHANGES),
            "recent_changes": RECENT_CHANGES,
            "comments": comments,
            "comment_form": CommentForm() if can_comment(request.user, edition) else None,
        },
    )
