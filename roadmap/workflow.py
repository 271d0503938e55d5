"""The edition's life: readiness, the approval workflow, notifications and the next edition.

brouillon → (coordinator: soumettre) → soumis à la DI → (DI: retourner, with a comment → brouillon)
or (DI: recommander) → recommandé → (SM: approuver, or retourner with a comment → brouillon)
→ approuvé → (coordinator: transmettre, with date and recipient) → transmis.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
from roadmap.models import (
    Ambition,
    Edition,
    Maturity,
    PlanRisk,
    PlanRiskMitigation,
    Radar,
    RadarScore,
    ReviewComment,
    SectionItem,
    Topic,
    Transition,
)

Status = Edition.Status
Action = Transition.Action


class WorkflowError(Exception):
    """A transition that cannot happen now; the message says why, in French."""


class NotReady(WorkflowError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(_("L'édition n'est pas prête à être soumise."))
        self.problems = problems


@dataclass(frozen=True)
class Step:
    slug: str
    action: str
    from_status: str
    to_status: str
    role: str
    label: str
    needs_comment: bool = False
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
) -> Transition:
    """Move the edition one step; refuse (in French) what the workflow does not allow."""
    definition = STEPS.get(step)
    if definition is None:
        raise WorkflowError(_("Cette étape n'existe pas."))
    # Lock the edition: two people clicking at once cannot both move it.
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if definition.role not in role_names(user) or not user.is_active:
        raise PermissionDenied
    if edition.status != definition.from_status:
        raise WorkflowError(
            _("L'édition est « %(status)s » : cette étape n'est plus possible.")
            % {"status": edition.get_status_display()}
        )
    comment = comment.strip()
    if definition.needs_comment and not comment:
        raise WorkflowError(_("Expliquez dans un commentaire ce qui doit être corrigé."))
    if definition.action == Action.SUBMIT:
        problems = readiness(edition)
        if problems:
            raise NotReady(problems)
    if definition.action == Action.TRANSMIT and (not transmitted_on or not recipient.strip()):
        raise WorkflowError(_("Indiquez la date de transmission et le destinataire."))
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
    )
    transaction.on_commit(lambda: _notify(edition, definition, done))
    if definition.action == Action.APPROVE:
        # The approved plan is rendered once (in the background) and archived; from then on
        # that file is served. Without a worker, the first download archives it.
        from roadmap.tasks import render_plan  # the report reads signatures from here

        transaction.on_commit(lambda: render_plan.enqueue(edition.pk))
    return done


def _notify(edition: Edition, step: Step, done: Transition) -> None:
    """E-mail the next actors (Django's mail backend: the console in development)."""
    recipients = list(
        User.objects.filter(is_active=True, groups__name__in=step.notify)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not recipients:
        return
    url = settings.PORTAL_URL.rstrip("/") + reverse("roadmap:edition", args=[edition.fiscal_year])
    subject = _("PTN %(year)s : %(action)s") % {
        "year": edition.fiscal_year,
        "action": done.get_action_display(),
    }
    lines = [
        _("Bonjour,"),
        "",
        _("%(who)s a effectué l'étape « %(action)s » du Plan de transformation numérique %(year)s.")
        % {"who": done.user, "action": done.get_action_display(), "year": edition.fiscal_year},
        _("Statut de l'édition : %(status)s.") % {"status": edition.get_status_display()},
    ]
    if done.comment:
        lines += ["", _("Commentaire :"), done.comment]
    lines += ["", _("Consulter l'édition : %(url)s") % {"url": url}]
    send_mass_mail(
        [(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients]
    )


# --- Readiness --------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    message: str
    url: str


def readiness(edition: Edition) -> list[Problem]:
    """What must be fixed before the edition can be submitted, each with where to fix it."""
    year = edition.fiscal_year
    problems: list[Problem] = []

    def initiative_url(initiative: Initiative) -> str:
        return reverse("initiatives:detail", args=[year, initiative.code])

    initiatives = list(
        edition.initiatives.annotate(
            benefit_count=Count("benefits", distinct=True),
        ).order_by("code")
    )
    initiatives.sort(key=lambda i: i.sort_key)
    for initiative in initiatives:
        missing = [
            label
            for label, absent in [
                (_("responsable"), initiative.lead_id is None),
                (_("unité"), initiative.unit_id is None),
                (_("statut"), not initiative.status),
                (_("horizon"), initiative.horizon_start is None),
            ]
            if absent
        ]
        if missing:
            problems.append(
                Problem(
                    _("Initiative %(code)s : %(missing)s à préciser.")
                    % {"code": initiative.code, "missing": ", ".join(missing)},
                    initiative_url(initiative),
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
                    initiative_url(initiative) + "#benefits-title",
                )
            )
    measurable = (
        Benefit.objects.filter(initiative__edition=edition, measurable=True)
        .select_related("initiative")
        .annotate(
            complete=Count(
                "indicators",
                filter=Q(indicators__baseline__isnull=False, indicators__target__isnull=False),
            )
        )
    )
    for benefit in sorted(measurable, key=lambda b: (b.initiative.sort_key, b.order)):
        if not benefit.complete:
            problems.append(
                Problem(
                    _(
                        "Initiative %(code)s : le bénéfice mesurable « %(benefit)s » n'a pas "
                        "d'indicateur avec une valeur de départ et une cible."
                    )
                    % {"code": benefit.initiative.code, "benefit": benefit.description},
                    initiative_url(benefit.initiative) + f"#benefit-{benefit.pk}",
                )
            )
    for risk in (
        InitiativeRisk.objects.filter(initiative__edition=edition, mitigations__isnull=True)
        .select_related("initiative")
        .order_by("initiative__code", "order")
    ):
        problems.append(
            Problem(
                _("Initiative %(code)s : le risque « %(risk)s » n'a aucune mesure d'atténuation.")
                % {"code": risk.initiative.code, "risk": risk.title},
                initiative_url(risk.initiative) + f"#risk-{risk.pk}",
            )
        )
    for risk in PlanRisk.objects.filter(edition=edition, mitigations__isnull=True):
        problems.append(
            Problem(
                _("Le risque du plan « %(risk)s » n'a aucune mesure d'atténuation.")
                % {"risk": risk.title},
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
                    reverse("roadmap:section", args=[year, section.key]),
                )
            )
    home = reverse("roadmap:home", args=[year])
    if not Maturity.objects.filter(edition=edition).exists():
        problems.append(Problem(_("La maturité numérique n'est pas renseignée."), home))
    radar = Radar.objects.filter(edition=edition).annotate(n=Count("scores")).first()
    if radar is None or not radar.n:
        problems.append(Problem(_("Le Radar numériQc n'est pas renseigné."), home))
    ai_named = Contribution.objects.filter(
        initiative__edition=edition, topic__section__key="intelligence-artificielle"
    ).exists()
    if not ai_named:
        problems.append(
            Problem(
                _(
                    "La section sur l'intelligence artificielle doit nommer au moins un processus "
                    "(mesure 2.2 de la Stratégie d'intégration de l'IA) : ajoutez la contribution "
                    "d'une initiative."
                ),
                reverse("roadmap:section", args=[year, "intelligence-artificielle"]),
            )
        )
    return problems


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
                _("%(count)s commentaire(s) de révision à régler.") % {"count": count},
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
    _copy_all(Maturity.objects.filter(edition=source), lambda o: {"edition": target})
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
