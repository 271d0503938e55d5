"""Is the edition ready to be submitted, and what does it wait for: the « Préparation de la
soumission » panel of the edition page and the check that refuses a submission.

Each problem links to the form that fixes it (its first missing field targeted by the URL's
fragment) and to the page where it shows, for those who may read but not fix it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import PublicBody
from benefits.models import Benefit
from initiatives.models import Initiative, InitiativeRisk
from roadmap.links import plan_url
from roadmap.models import Edition, Maturity, PlanRisk, Radar, ReviewComment, Transition
from roadmap.section_kinds import kind_of

Status = Edition.Status


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
    problems: list[Problem] = []

    def page(initiative: Initiative, anchor: str = "") -> str:
        return plan_url("initiatives:detail", edition, initiative.code) + anchor

    def edit(kind: str, pk: int, field: str) -> str:
        return plan_url("roadmap:edit", edition, kind, pk) + f"#id_{field}"

    def add(kind: str, parent_pk: int, field: str) -> str:
        return plan_url("roadmap:add_under", edition, kind, parent_pk) + f"#id_{field}"

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
                plan_url("roadmap:risks", edition) + f"#plan-risk-{risk.pk}",
            )
        )
    sections = edition.sections.annotate(
        item_count=Count("items", distinct=True),
        topic_count=Count("topics", distinct=True),
        contribution_count=Count("topics__contributions", distinct=True),
    )
    for section in sections:
        page_url = plan_url("roadmap:section", edition, section.key)
        if not section.body.strip() and not section.item_count and not section.topic_count:
            problems.append(
                Problem(
                    _("La section « %(title)s » est vide.") % {"title": section.title},
                    edit("section", section.pk, "body"),
                    page_url,
                )
            )
        # What the section's kind requires (a signed message its signatory, a section of
        # contributions at least one, or why none…).
        for gap in kind_of(section).readiness(section):
            problems.append(Problem(gap.message, edit("section", section.pk, gap.field), page_url))
    home = plan_url("roadmap:home", edition)
    maturity = Maturity.objects.filter(edition=edition).first()
    if maturity is None or not maturity.is_measured:
        # A draft from a template has the scale: its form, at the first value to enter.
        missing = next(
            (
                f
                for f in ("score", "target_stage", "target_date")
                if maturity and getattr(maturity, f) is None
            ),
            None,
        )
        url = edit("maturity", maturity.pk, missing) if maturity and missing else home
        problems.append(Problem(_("La maturité numérique n'est pas renseignée."), url, home))
    radar = (
        Radar.objects.filter(edition=edition)
        .annotate(n=Count("scores"), empty=Count("scores", filter=Q(scores__score__isnull=True)))
        .first()
    )
    if radar is None or not radar.n or radar.empty:
        url = home
        if radar is not None and radar.empty:  # the first axis without its score
            first = radar.scores.filter(score__isnull=True).order_by("order").first()
            url = edit("radar-score", first.pk, "score")
        problems.append(Problem(_("Le Radar numériQc n'est pas renseigné."), url, home))
    return problems


# What an edition past its draft waits for (the panel of the edition page); the body's titles
# of its DI and its head fill %(information_director)s and %(head)s.
WAITING = {
    Status.SUBMITTED: gettext_lazy(
        "L'édition attend la recommandation (%(information_director)s)."
    ),
    Status.RECOMMENDED: gettext_lazy("L'édition attend l'approbation (%(head)s)."),
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
    body: PublicBody  # the edition's: the titles of its DI and head
    since: Transition | None  # the step that brought the edition to its status
    problems: list[Problem]
    open_comments: list[ReviewComment]

    @property
    def is_ready(self) -> bool:
        return self.status == Status.DRAFT and not self.problems

    @property
    def waiting_for(self) -> str:
        if self.status != Status.DRAFT:
            return str(WAITING[self.status]) % {
                "information_director": self.body.information_director_title,
                "head": self.body.head_title,
            }
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
        body=edition.body,
        since=since,
        problems=problems,
        open_comments=[c for c in comments if not c.is_resolved],
    )
