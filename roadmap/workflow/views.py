"""The edition page: its workflow (timeline, steps, readiness), review comments, comparison;
starting an edition (the next one, or one of the body's choosing)."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.models import PublicBody
from accounts.roles import can_read_plan, role_names
from initiatives.models import Initiative
from roadmap.access import (
    can_edit_edition,
    can_edit_initiative,
    get_edition,
    is_coordinator,
    plan_reader_required,
)
from roadmap.links import body_url, plan_url
from roadmap.models import Edition, PlanTemplate, ReviewComment, Transition, fiscal_year_label
from roadmap.signatures import blocks_named_for_someone_else
from roadmap.workflow.compare import compare
from roadmap.workflow.next_edition import (
    approved_sources,
    edition_create_next,
    edition_start,
    in_preparation,
    next_fiscal_year,
)
from roadmap.workflow.readiness import Problem, Progress, progress
from roadmap.workflow.review import REVIEWERS, CommentForm, can_comment, can_resolve
from roadmap.workflow.steps import (
    STEPS,
    NotReady,
    Step,
    WorkflowError,
    available_steps,
    edition_transition,
)


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    transmitted_on = forms.DateField(
        label=gettext_lazy("Date de transmission"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    recipient = forms.CharField(
        label=gettext_lazy("Destinataire"),
        required=False,
        max_length=300,
        initial=gettext_lazy("Chef gouvernemental de la transformation numérique"),
    )
    # How many open review comments the person saw and confirmed going ahead with.
    open_comments_confirmed = forms.IntegerField(required=False, min_value=0, max_value=32767)


@dataclass
class StepForm:
    """One step's form on the edition page, with what was typed when a try was refused."""

    step: Step
    label: str = ""  # the step's, with the body's titles
    comment: str = ""
    transmitted_on: str = ""
    recipient: str = ""
    error: str = ""
    confirmation: str = ""  # what the person confirms, when review comments are open
    blocked: bool = False  # submission while problems remain: the button is disabled


def previous_approved(edition: Edition) -> Edition | None:
    """The body's last approved edition before this one (what « Ce qui a changé » compares)."""
    return (
        Edition.objects.select_related("body")
        .filter(
            body=edition.body_id,
            fiscal_year__lt=edition.fiscal_year,
            status__in=[Edition.Status.APPROVED, Edition.Status.TRANSMITTED],
        )
        .order_by("-fiscal_year")
        .first()
    )


def _problem_links(problems: list[Problem], user, edition: Edition) -> list[tuple[str, str]]:
    """Each problem with its link: to the form that fixes it for those who may fix it, else to
    where it shows."""
    links = []
    for problem in problems:
        if problem.initiative is not None:
            allowed = can_edit_initiative(user, problem.initiative)
        else:
            allowed = can_edit_edition(user, edition)
        links.append((problem.message, problem.url if allowed else problem.page_url))
    return links


def _step_forms(
    steps: list[Step], state: Progress | None, refused: StepForm | None, edition: Edition
) -> list[StepForm]:
    forms_ = []
    for step in steps:
        form = refused if refused is not None and refused.step == step else StepForm(step)
        form.label = step.label_in(edition.body)
        if not form.recipient:
            form.recipient = str(TransitionForm.base_fields["recipient"].initial)
        if state is not None:
            if step.confirmation and state.open_comments:
                form.confirmation = step.confirmation % {"count": len(state.open_comments)}
            form.blocked = step.action == Transition.Action.SUBMIT and bool(state.problems)
        forms_.append(form)
    return forms_


def _edition_page(
    request: HttpRequest, edition: Edition, *, refused: StepForm | None = None, status: int = 200
) -> HttpResponse:
    user_roles = role_names(request.user, edition.body_id)
    comments = list(
        edition.comments.select_related("author", "initiative", "resolved_by").order_by(
            "resolved_at", "-created_at"
        )
    )
    for comment in comments:
        comment.can_resolve = can_resolve(request.user, comment, edition)
    base = previous_approved(edition)
    shows_panel = bool(user_roles & {roles.COORDINATOR, roles.LEAD, *REVIEWERS})
    state = progress(edition, comments) if shows_panel else None
    steps = available_steps(request.user, edition)
    if refused is not None and refused.step not in steps:
        messages.error(request, refused.error)  # e.g. someone else took the step meanwhile
    comparison = None
    if base is not None and edition.status == Edition.Status.SUBMITTED and user_roles & REVIEWERS:
        comparison = compare(base, edition)  # the DI's review opens on what changed
    steps = available_steps(request.user, edition)
    return render(
        request,
        "roadmap/edition.html",
        {
            "edition": edition,
            "transitions": edition.transitions.select_related("user"),
            "step_forms": _step_forms(steps, state, refused, edition),
            "progress": state,
            "problems": _problem_links(state.problems, request.user, edition) if state else [],
            # Told before recommending or approving: the block names someone else.
            "signed_for_someone_else": blocks_named_for_someone_else(
                edition, request.user, [step.action for step in steps]
            ),
            "comments": comments,
            "comment_form": CommentForm() if can_comment(request.user, edition) else None,
            "previous": base,
            "comparison": comparison,
            "can_start_next": is_coordinator(request.user, edition)
            and in_preparation(edition.body) is None,
        },
        status=status,
    )


@plan_reader_required
def edition(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    return _edition_page(request, get_edition(request, body, fiscal_year))


@require_POST
@plan_reader_required
def transition(request: HttpRequest, body: str, fiscal_year: str, step: str) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    if step not in STEPS:
        raise Http404
    form = TransitionForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        done = edition_transition(
            edition=edition,
            user=request.user,
            step=step,
            comment=data.get("comment", ""),
            transmitted_on=data.get("transmitted_on"),
            recipient=data.get("recipient", ""),
            open_comments_confirmed=data.get("open_comments_confirmed") or 0,
        )
    except WorkflowError as error:
        # The page again, with what was typed kept and why it was refused next to the button.
        message = str(error)
        if isinstance(error, NotReady):
            message = ngettext(
                "Soumission refusée : %(count)s élément est à corriger (voir « Préparation de "
                "la soumission »).",
                "Soumission refusée : %(count)s éléments sont à corriger (voir « Préparation de "
                "la soumission »).",
                len(error.problems),
            ) % {"count": len(error.problems)}
        refused = StepForm(
            STEPS[step],
            comment=request.POST.get("comment", ""),
            transmitted_on=request.POST.get("transmitted_on", ""),
            recipient=request.POST.get("recipient", ""),
            error=message,
        )
        edition.refresh_from_db()
        return _edition_page(request, edition, refused=refused, status=error.status)
    messages.success(
        request,
        _("Étape enregistrée : %(action)s. L'édition est maintenant « %(status)s ».")
        % {
            "action": done.get_action_display(),
            "status": edition.__class__.Status(done.to_status).label,
        },
    )
    return redirect(plan_url("roadmap:edition", edition))


def _coordinated_body(request: HttpRequest, slug: str) -> PublicBody:
    """The body named in the URL, whose coordinator the person is (404 for a body they do not
    belong to, 403 for one they only read)."""
    body = get_object_or_404(PublicBody, slug=slug)
    if body.pk not in roles.bodies_of(request.user):
        raise Http404
    if not is_coordinator(request.user, body):
        raise PermissionDenied
    return body


@require_POST
@plan_reader_required
def create_next(request: HttpRequest, body: str) -> HttpResponse:
    public_body = _coordinated_body(request, body)
    try:
        created = edition_create_next(body=public_body, user=request.user)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("body", body=public_body.slug)
    messages.success(
        request,
        _("L'édition %(year)s est créée à partir de la dernière édition approuvée.")
        % {"year": created.fiscal_year},
    )
    return redirect(plan_url("roadmap:edition", created))


class StartForm(forms.Form):
    """« Commencer une édition »: its fiscal year, and what it starts from."""

    EMPTY = "vide"
    TEMPLATE = "modele-"  # followed by the template version's id

    fiscal_year = forms.CharField(
        label=gettext_lazy("Exercice financier"),
        max_length=9,
        help_text=gettext_lazy("Du 1er avril au 31 mars, ex. : 2024-2025."),
    )
    source = forms.ChoiceField(label=gettext_lazy("Point de départ"))

    def __init__(self, *args, body: PublicBody, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sources = {str(e.pk): e for e in approved_sources(body)}
        templates = sorted(
            PlanTemplate.objects.all(), key=lambda t: (not t.is_default, t.code, -t.version)
        )
        self.templates = {f"{self.TEMPLATE}{t.pk}": t for t in templates}
        self.fields["source"].choices = [
            *[
                (
                    value,
                    (
                        _("Le modèle « %(name)s », version %(version)s (modèle par défaut)")
                        if t.is_default
                        else _("Le modèle « %(name)s », version %(version)s")
                    )
                    % {"name": t.name, "version": t.version},
                )
                for value, t in self.templates.items()
            ],
            *[
                (
                    pk,
                    _("Une copie de l'édition approuvée %(year)s") % {"year": e.fiscal_year},
                )
                for pk, e in self.sources.items()
            ],
            (self.EMPTY, gettext_lazy("Un plan vide")),
        ]
        newest = next(iter(self.sources.values()), None)
        today = timezone.localdate()  # the fiscal year starts on 1 April
        self.fields["fiscal_year"].initial = (
            next_fiscal_year(newest.fiscal_year)
            if newest
            else fiscal_year_label(today.year if today.month >= 4 else today.year - 1)
        )
        default = next((v for v, t in self.templates.items() if t.is_default), self.EMPTY)
        self.fields["source"].initial = str(newest.pk) if newest else default

    @property
    def source_edition(self) -> Edition | None:
        return self.sources.get(self.cleaned_data["source"])

    @property
    def template(self) -> PlanTemplate | None:
        return self.templates.get(self.cleaned_data["source"])


@plan_reader_required
def start(request: HttpRequest, body: str) -> HttpResponse:
    """The coordinator starts one of the body's editions: an empty plan, or a copy of an
    approved edition (the same service as the command ``start_edition``)."""
    public_body = _coordinated_body(request, body)
    form = StartForm(request.POST or None, body=public_body)
    busy = in_preparation(public_body)
    if busy is not None:
        busy.body = public_body  # its link costs no query
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            created = edition_start(
                body=public_body,
                fiscal_year=form.cleaned_data["fiscal_year"].strip(),
                user=request.user,
                source=form.source_edition,
                template=form.template,
                empty=form.cleaned_data["source"] == form.EMPTY,
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
            status = error.status
        else:
            messages.success(
                request, _("L'édition %(year)s est créée.") % {"year": created.fiscal_year}
            )
            return redirect(plan_url("roadmap:edition", created))
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "roadmap/edition_start.html",
        {
            "body": public_body,
            "form": form,
            "busy": busy,
            "body_url": body_url("body", public_body),
        },
        status=status,
    )


@require_POST
@plan_reader_required
def comment_add(
    request: HttpRequest, body: str, fiscal_year: str, code: str | None = None
) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    if not can_comment(request.user, edition):
        raise PermissionDenied
    initiative = get_object_or_404(Initiative, edition=edition, code=code) if code else None
    back = (
        plan_url("initiatives:detail", edition, code) + "#review-title"
        if initiative
        else plan_url("roadmap:edition", edition) + "#commentaires"
    )
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Le commentaire est vide ou trop long (5 000 caractères au plus).")
        )
        return redirect(back)
    ReviewComment.objects.create(
        edition=edition, initiative=initiative, author=request.user, text=form.cleaned_data["text"]
    )
    messages.success(request, _("Commentaire ajouté."))
    return redirect(back)


@require_POST
@plan_reader_required
def comment_resolve(request: HttpRequest, body: str, fiscal_year: str, pk: int) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    comment = get_object_or_404(
        ReviewComment.objects.select_related("initiative"), edition=edition, pk=pk
    )
    if not can_resolve(request.user, comment, edition):
        raise PermissionDenied
    comment.resolved_by = request.user
    comment.resolved_at = timezone.now()
    comment.save(update_fields=["resolved_by", "resolved_at"])
    messages.success(request, _("Commentaire marqué comme réglé."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = plan_url("roadmap:edition", edition)
    return redirect(back)


@plan_reader_required
def comparison(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    other_year = request.GET.get("avec", "")
    # Only the same body's editions the person may read: never another body's plan.
    same_body = (
        Edition.objects.visible_to(request.user).filter(body=edition.body_id).select_related("body")
    )
    other = (
        same_body.filter(fiscal_year=other_year).first()
        if other_year
        else previous_approved(edition)
    )
    if other is not None and not can_read_plan(request.user, other):
        other = None
    if other is None or other.pk == edition.pk:
        other = None
    old, new = (
        (other, edition) if other and other.fiscal_year < edition.fiscal_year else (edition, other)
    )
    return render(
        request,
        "roadmap/comparison.html",
        {
            "edition": edition,
            "comparison": compare(old, new) if other else None,
            "editions": same_body.exclude(pk=edition.pk).order_by("-fiscal_year"),
            "other": other,
        },
    )
