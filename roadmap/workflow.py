"""The edition's life: readiness, the approval workflow, notifications and the next edition.

brouillon → (coordinator: soumettre) → soumis à la DI → (DI: retourner, with a comment → brouillon)
or (DI: recommander) → recommandé → (SM: approuver, or retourner with a comment → brouillon)
→ approuvé → (coordinator: transmettre, with date and recipient) → transmis.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from accounts import roles
from accounts.models import User
from accounts.roles import role_names
from benefits.models import Benefit, Indicator, Measurement
from initiatives.models import (
    Contribution,
    Dependency,
    Initiative,
    InitiativeRisk,
    InitiativeRiskMitigation,
    Milestone,
)
from roadmap.duties import duty_conflict
from roadmap.models import (
    Ambition,
    Edition,
    Maturity,
    MaturityStage,
    PlanRisk,
    PlanRiskMitigation,
    Radar,
    RadarScore,
    ReviewComment,
    SectionItem,
    Topic,
    Transition,
)
from roadmap.notifications import queue_step_notifications

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
    # Who is told (roles) once the step is done.
    notify: tuple[str, ...] = ()


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
            gettext_lazy("Recommander au sous-ministre"),
            confirmation=ngettext_lazy(
                "Je recommande l'édition malgré %(count)s commentaire de révision non réglé.",
                "Je recommande l'édition malgré %(count)s commentaires de révision non réglés.",
                "count",
            ),
            notify=(roles.DEPUTY_MINISTER, roles.COORDINATOR),
        ),
        Step(
            "retourner-sm",
            Action.RETURN,
            Status.RECOMMENDED,
            Status.DRAFT,
            roles.DEPUTY_MINISTER,
            gettext_lazy("Retourner en brouillon"),
            needs_comment=True,
            notify=(roles.COORDINATOR, roles.INFORMATION_DIRECTOR),
        ),
        Step(
            "approuver",
            Action.APPROVE,
            Status.RECOMMENDED,
            Status.APPROVED,
            roles.DEPUTY_MINISTER,
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
            notify=(roles.INFORMATION_DIRECTOR, roles.DEPUTY_MINISTER),
        ),
    ]
}


def available_steps(user: User, edition: Edition) -> list[Step]:
    user_roles = role_names(user)
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
    if definition.role not in role_names(user) or not user.is_active:
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
        from roadmap.tasks import render_plan  # the report reads signatures from here

        render_plan.using(priority=ARCHIVE_PRIORITY).enqueue(edition.pk)
    queue_step_notifications(done, definition.notify)
    return done


# --- Readiness --------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something to fix before submission.

    ``url`` opens the form that fixes it, its first missing field targeted by the fragment
    (static/js/ptn.js focuses it); ``page_url`` is where the problem shows, for those who may
    read but not fix it. ``initiative`` is the initiative it belongs to (None: the plan itself),
    which decides who may fix it.
    """

    message: str
    url: str
    page_url: str
    initiative: Initiative | None = None


def readiness(edition: Edition) -> list[Problem]:
    """What must be fixed before the edition can be submitted, each with where to fix it."""
    year = edition.fiscal_year
    problems: list[Problem] = []

    def page(initiative: Initiative, anchor: str = "") -> str:
        return reverse("initiatives:detail", args=[year, initiative.code]) + anchor

    def edit(kind: str, pk: int, field: str) -> str:
        return reverse("roadmap:edit", args=[year, kind, pk]) + f"#id_{field}"

    def add(kind: str, parent_pk: int, field: str) -> str:
        return reverse("roadmap:add_under", args=[year, kind, parent_pk]) + f"#id_{field}"

    initiatives = list(
        edition.initiatives.annotate(
            benefit_count=Count("benefits", distinct=True),
        ).order_by("code")
    )
    initiatives.sort(key=lambda i: i.sort_key)
    by_pk = {initiative.pk: initiative for initiative in initiatives}  # each knows its edition
    for initiative in initiatives:
        missing = [
            (field, label)
            for field, label, absent in [
                ("lead", _("responsable"), initiative.lead_id is None),
                ("unit", _("unité"), initiative.unit_id is None),
                ("status", _("statut"), not initiative.status),
                ("horizon_start", _("horizon"), initiative.horizon_start is None),
            ]
            if absent
        ]
        if missing:
            problems.append(
                Problem(
                    _("Initiative %(code)s : %(missing)s à préciser.")
                    % {"code": initiative.code, "missing": ", ".join(m[1] for m in missing)},
                    edit("initiative", initiative.pk, missing[0][0]),
                    page(initiative, f"#initiative-{initiative.pk}"),
                    initiative,
                )
            )
        if (initiative.funded or initiative.qualified_project) and not initiative.benefit_count:
            problems.append(
                Problem(
                    _(
                        "Initiative %(code)s : financée ou projet qualifié, elle doit avoir au "
                        "moins un bénéfice évalué."
                    )
                    % {"code": initiative.code},
                    add("benefit", initiative.pk, "description"),
                    page(initiative, "#benefits-title"),
                    initiative,
                )
            )
    measurable = (
        Benefit.objects.filter(initiative__edition=edition, measurable=True)
        .annotate(
            complete=Count(
                "indicators",
                filter=Q(indicators__baseline__isnull=False, indicators__target__isnull=False),
            )
        )
        .filter(complete=0)
        .prefetch_related("indicators")
    )
    for benefit in sorted(measurable, key=lambda b: (by_pk[b.initiative_id].sort_key, b.order)):
        initiative = by_pk[benefit.initiative_id]
        indicator = next(iter(benefit.indicators.all()), None)
        if indicator is None:  # the place to add one
            url = add("indicator", benefit.pk, "name")
        else:  # the first indicator's missing value
            url = edit("indicator", indicator.pk, "target" if indicator.baseline else "baseline")
        problems.append(
            Problem(
                _(
                    "Initiative %(code)s : le bénéfice mesurable « %(benefit)s » n'a pas "
                    "d'indicateur avec une valeur de départ et une cible."
                )
                % {"code": initiative.code, "benefit": benefit.description},
                url,
                page(initiative, f"#benefit-{benefit.pk}"),
                initiative,
            )
        )
    risks = InitiativeRisk.objects.filter(initiative__edition=edition, mitigations__isnull=True)
    for risk in sorted(risks, key=lambda r: (by_pk[r.initiative_id].sort_key, r.order)):
        initiative = by_pk[risk.initiative_id]
        problems.append(
            Problem(
                _("Initiative %(code)s : le risque « %(risk)s » n'a aucune mesure d'atténuation.")
                % {"code": initiative.code, "risk": risk.title},
                add("mitigation", risk.pk, "text"),
                page(initiative, f"#risk-{risk.pk}"),
                initiative,
            )
        )
    for risk in PlanRisk.objects.filter(edition=edition, mitigations__isnull=True):
        problems.append(
            Problem(
                _("Le risque du plan « %(risk)s » n'a aucune mesure d'atténuation.")
                % {"risk": risk.title},
                add("plan-mitigation", risk.pk, "text"),
                reverse("roadmap:risks", args=[year]) + f"#plan-risk-{risk.pk}",
            )
        )
    for section in edition.sections.annotate(
        item_count=Count("items", distinct=True), topic_count=Count("topics", distinct=True)
    ):
        if not section.body.strip() and not section.item_count and not section.topic_count:
            problems.append(
                Problem(
                    _("La section « %(title)s » est vide.") % {"title": section.title},
                    edit("section", section.pk, "body"),
                    reverse("roadmap:section", args=[year, section.key]),
                )
            )
    home = reverse("roadmap:home", args=[year])
    if not Maturity.objects.filter(edition=edition).exists():
        problems.append(Problem(_("La maturité numérique n'est pas renseignée."), home, home))
    radar = Radar.objects.filter(edition=edition).annotate(n=Count("scores")).first()
    if radar is None or not radar.n:
        problems.append(Problem(_("Le Radar numériQc n'est pas renseigné."), home, home))
    ai_named = Contribution.objects.filter(
        initiative__edition=edition, topic__section__key="intelligence-artificielle"
    ).exists()
    if not ai_named:
        ai_section = reverse("roadmap:section", args=[year, "intelligence-artificielle"])
        problems.append(
            Problem(
                _(
                    "La section sur l'intelligence artificielle doit nommer au moins un processus "
                    "(mesure 2.2 de la Stratégie d'intégration de l'IA) : ajoutez la contribution "
                    "d'une initiative."
                ),
                ai_section,
                ai_section,
            )
        )
    return problems


# What an edition past its draft waits for (the panel of the edition page).
WAITING = {
    Status.SUBMITTED: gettext_lazy(
        "L'édition attend la recommandation de la dirigeante de l'information."
    ),
    Status.RECOMMENDED: gettext_lazy("L'édition attend l'approbation du sous-ministre."),
    Status.APPROVED: gettext_lazy(
        "L'édition attend que la coordination consigne sa transmission au chef gouvernemental "
        "de la transformation numérique."
    ),
    Status.TRANSMITTED: gettext_lazy(
        "L'édition est transmise : aucune autre étape n'est attendue."
    ),
}


@dataclass(frozen=True)
class Progress:
    """Where the edition stands, for the panel of the edition page: what it waits for (its
    status and the step that brought it there), what is left to fix, which comments are open."""

    status: str
    since: Transition | None  # the step that brought the edition to its status
    problems: list[Problem]
    open_comments: list[ReviewComment]

    @property
    def is_ready(self) -> bool:
        return self.status == Status.DRAFT and not self.problems

    @property
    def waiting_for(self) -> str:
        if self.status != Status.DRAFT:
            return str(WAITING[self.status])
        if not self.problems:
            return _("L'édition est prête à être soumise à la DI.")
        return ngettext(
            "L'édition est en préparation : %(count)s élément reste à corriger avant de la "
            "soumettre à la DI.",
            "L'édition est en préparation : %(count)s éléments restent à corriger avant de la "
            "soumettre à la DI.",
            len(self.problems),
        ) % {"count": len(self.problems)}


def progress(edition: Edition, comments: list[ReviewComment]) -> Progress:
    """The edition's state at every step; ``comments`` are its review comments (already read)."""
    since = (
        edition.transitions.filter(to_status=edition.status)
        .select_related("user")
        .order_by("-at", "-pk")
        .first()
    )
    # Content may change (and problems appear) until the DI recommends the edition.
    problems = readiness(edition) if edition.is_content_editable else []
    return Progress(
        status=edition.status,
        since=since,
        problems=problems,
        open_comments=[c for c in comments if not c.is_resolved],
    )


# --- What awaits each person ---------------------------------------------------------------


def awaiting(user: User) -> list[tuple[str, str]]:
    """Notices for the home page: what the workflow expects of this person now."""
    user_roles = role_names(user)
    notices: list[tuple[str, str]] = []
    wanted = {
        roles.INFORMATION_DIRECTOR: (
            Status.SUBMITTED,
            _("L'édition %(year)s attend votre recommandation."),
        ),
        roles.DEPUTY_MINISTER: (
            Status.RECOMMENDED,
            _("L'édition %(year)s attend votre approbation."),
        ),
        roles.COORDINATOR: (
            Status.APPROVED,
            _("L'édition %(year)s est approuvée : consignez sa transmission."),
        ),
    }
    statuses = {status for role, (status, _m) in wanted.items() if role in user_roles}
    if roles.COORDINATOR in user_roles:
        statuses.add(Status.DRAFT)
    editions = []
    if statuses:
        editions = list(Edition.objects.filter(status__in=statuses).prefetch_related("transitions"))
    for edition in editions:
        url = reverse("roadmap:edition", args=[edition.fiscal_year])
        for role, (status, message) in wanted.items():
            if role in user_roles and edition.status == status:
                notices.append((message % {"year": edition.fiscal_year}, url))
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
                    % {"year": edition.fiscal_year, "comment": last[0].comment},
                    url,
                )
            )
    open_comments = ReviewComment.objects.filter(resolved_at__isnull=True)
    if roles.COORDINATOR in user_roles:
        count = open_comments.count()
    elif roles.LEAD in user_roles:
        count = open_comments.filter(initiative__lead=user).count()
    else:
        count = 0
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


# --- The next edition ------------------------------------------------------------------------


def next_fiscal_year(fiscal_year: str) -> str:
    start = int(fiscal_year[:4]) + 1
    return f"{start}-{start + 1}"


@transaction.atomic
def edition_create_next(*, user: User) -> Edition:
    """Start next fiscal year's edition as a complete copy of the last approved one."""
    if roles.COORDINATOR not in role_names(user):
        raise PermissionDenied
    if Edition.objects.exclude(status__in=[Status.APPROVED, Status.TRANSMITTED]).exists():
        raise WorkflowError(
            _("Une édition est déjà en préparation : terminez-la avant d'en commencer une autre.")
        )
    source = (
        Edition.objects.filter(status__in=[Status.APPROVED, Status.TRANSMITTED])
        .order_by("-fiscal_year")
        .first()
    )
    if source is None:
        raise WorkflowError(_("Aucune édition approuvée ne peut servir de point de départ."))
    target = Edition.objects.create(
        fiscal_year=next_fiscal_year(source.fiscal_year),
        update_number=source.update_number + 1,
        ministry=source.ministry,
        ministry_acronym=source.ministry_acronym,
        vision=source.vision,
        notice=source.notice,  # what it says of the content holds for the copy too
        status=Status.DRAFT,
    )
    _copy_content(source, target)
    Transition.objects.create(
        edition=target,
        action=Action.CREATE,
        to_status=Status.DRAFT,
        user=user,
        comment=_("Créée à partir de l'édition approuvée %(year)s.") % {"year": source.fiscal_year},
    )
    return target


def _clone(obj, **changes):
    """An unsaved copy of ``obj`` with new foreign keys, version 1."""
    values = {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if not f.primary_key and f.attname not in {"version"}
    }
    for name, value in changes.items():
        field = obj._meta.get_field(name)
        values[field.attname] = value.pk if hasattr(value, "pk") else value
    return type(obj)(**values)


def _copy_all(queryset, remap) -> dict[int, object]:
    """Copy each row (saved one by one, so the history records the copy); old pk → new row."""
    copies = {}
    for obj in queryset:
        copy = _clone(obj, **remap(obj))
        copy.save()
        copies[obj.pk] = copy
    return copies


def _copy_content(source: Edition, target: Edition) -> None:
    sections = _copy_all(source.sections.all(), lambda o: {"edition": target})
    _copy_all(
        SectionItem.objects.filter(section__edition=source),
        lambda o: {"section": sections[o.section_id]},
    )
    topics = _copy_all(
        Topic.objects.filter(section__edition=source),
        lambda o: {"section": sections[o.section_id]},
    )
    strategic = _copy_all(source.strategic_orientations.all(), lambda o: {"edition": target})
    orientations = _copy_all(source.orientations.all(), lambda o: {"edition": target})
    for old in source.orientations.prefetch_related("strategic_orientations"):
        orientations[old.pk].strategic_orientations.set(
            [strategic[s.pk] for s in old.strategic_orientations.all()]
        )
    ambitions = _copy_all(
        Ambition.objects.filter(orientation__edition=source),
        lambda o: {"orientation": orientations[o.orientation_id]},
    )
    maturities = _copy_all(Maturity.objects.filter(edition=source), lambda o: {"edition": target})
    _copy_all(
        MaturityStage.objects.filter(maturity__edition=source),
        lambda o: {"maturity": maturities[o.maturity_id]},
    )
    radars = _copy_all(Radar.objects.filter(edition=source), lambda o: {"edition": target})
    _copy_all(
        RadarScore.objects.filter(radar__edition=source),
        lambda o: {"radar": radars[o.radar_id]},
    )
    plan_risks = _copy_all(source.plan_risks.all(), lambda o: {"edition": target})
    _copy_all(
        PlanRiskMitigation.objects.filter(risk__edition=source),
        lambda o: {"risk": plan_risks[o.risk_id]},
    )
    initiatives = _copy_all(
        source.initiatives.all(),
        lambda o: {"edition": target, "ambition": ambitions[o.ambition_id]},
    )
    _copy_all(
        Dependency.objects.filter(initiative__edition=source),
        lambda o: {
            "initiative": initiatives[o.initiative_id],
            "depends_on": initiatives[o.depends_on_id],
        },
    )
    _copy_all(
        Contribution.objects.filter(initiative__edition=source),
        lambda o: {"initiative": initiatives[o.initiative_id], "topic": topics[o.topic_id]},
    )
    _copy_all(
        Milestone.objects.filter(initiative__edition=source),
        lambda o: {"initiative": initiatives[o.initiative_id]},
    )
    risks = _copy_all(
        InitiativeRisk.objects.filter(initiative__edition=source),
        lambda o: {"initiative": initiatives[o.initiative_id]},
    )
    _copy_all(
        InitiativeRiskMitigation.objects.filter(risk__initiative__edition=source),
        lambda o: {"risk": risks[o.risk_id]},
    )
    benefits = _copy_all(
        Benefit.objects.filter(initiative__edition=source),
        lambda o: {"initiative": initiatives[o.initiative_id]},
    )
    indicators = _copy_all(
        Indicator.objects.filter(benefit__initiative__edition=source),
        lambda o: {"benefit": benefits[o.benefit_id]},
    )
    _copy_all(
        Measurement.objects.filter(indicator__benefit__initiative__edition=source),
        lambda o: {"indicator": indicators[o.indicator_id]},
    )
