"""Starting an edition: from a version of the plan's template (the default one unless another is
chosen), or as a complete copy of an approved one (next fiscal year's plan starts from the last
approved one).

`edition_start` is the one entry point: the edition page's « Créer l'édition suivante », the
body's « Commencer une édition » page, the `start_edition` command and the demo's loading all
call it. A copy takes every record (codes kept, version 1), saved one by one so that the history
shows it; the new edition's timeline starts with its creation.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import roles
from accounts.models import PublicBody, User
from benefits.models import Benefit, Indicator, Measurement
from initiatives.models import (
    Contribution,
    Dependency,
    InitiativeRisk,
    InitiativeRiskMitigation,
    Milestone,
)
from roadmap.models import (
    Ambition,
    Edition,
    Maturity,
    MaturityStage,
    PlanRiskMitigation,
    PlanTemplate,
    Radar,
    RadarScore,
    Section,
    SectionItem,
    StrategicOrientation,
    Topic,
    Transition,
    validate_fiscal_year,
)
from roadmap.workflow.steps import WorkflowError

Status = Edition.Status
Action = Transition.Action
PUBLISHED = [Status.APPROVED, Status.TRANSMITTED]


def next_fiscal_year(fiscal_year: str) -> str:
    start = int(fiscal_year[:4]) + 1
    return f"{start}-{start + 1}"


def in_preparation(body: PublicBody) -> Edition | None:
    """The body's edition not yet approved, if any: one at a time."""
    return Edition.objects.filter(body=body).exclude(status__in=PUBLISHED).first()


def approved_sources(body: PublicBody):
    """The body's editions a new one may copy: its approved (or transmitted) ones, newest first."""
    return Edition.objects.filter(body=body, status__in=PUBLISHED).order_by("-fiscal_year")


def default_template() -> PlanTemplate | None:
    """The template a new edition follows unless told otherwise."""
    return PlanTemplate.objects.filter(is_default=True).first()


@transaction.atomic
def edition_start(
    *,
    body: PublicBody,
    fiscal_year: str,
    user: User | None,
    source: Edition | None = None,
    template: PlanTemplate | None = None,
    empty: bool = False,
) -> Edition:
    """Start the body's edition of ``fiscal_year``: a draft with the structure of ``template``
    (the default template when neither it nor a source is given, unless ``empty``: a draft with
    no content, to fill by an import), or a complete copy of
    ``source`` (an approved edition of the same body). ``user`` is the body's coordinator (None
    from a command run by the portal's operators)."""
    if user is not None and not roles.has_role(user, roles.COORDINATOR, body):
        raise PermissionDenied
    try:
        validate_fiscal_year(fiscal_year)
    except ValidationError as error:
        raise WorkflowError(" ".join(error.messages)) from error
    if source is not None and (source.body_id != body.pk or source.status not in PUBLISHED):
        raise WorkflowError(
            _("Seule une édition approuvée de l'organisme peut servir de point de départ.")
        )
    if in_preparation(body) is not None:
        raise WorkflowError(
            _("Une édition est déjà en préparation : terminez-la avant d'en commencer une autre.")
        )
    if Edition.objects.filter(body=body, fiscal_year=fiscal_year).exists():
        raise WorkflowError(_("L'édition %(year)s existe déjà.") % {"year": fiscal_year})
    if source is not None and template is not None:
        raise WorkflowError(_("Choisissez un modèle ou une édition approuvée, pas les deux."))
    if source is None and template is None and not empty:
        template = default_template()
    target = Edition.objects.create(
        body=body,
        template=source.template if source else template,
        fiscal_year=fiscal_year,
        update_number=source.update_number + 1 if source else 0,
        vision=source.vision if source else "",
        notice=source.notice if source else "",  # what it says of the content holds for the copy
        status=Status.DRAFT,
    )
    if source is not None:
        _copy_content(source, target)
        comment = _("Créée à partir de l'édition approuvée %(year)s.") % {
            "year": source.fiscal_year
        }
    elif template is not None:
        _apply_template(template, target)
        comment = _("Créée à partir du modèle « %(name)s » (version %(version)s).") % {
            "name": template.name,
            "version": template.version,
        }
    else:  # no template in the installation
        comment = _("Créée sans contenu.")
    Transition.objects.create(
        edition=target, action=Action.CREATE, to_status=Status.DRAFT, user=user, comment=comment
    )
    return target


def edition_create_next(*, body: PublicBody, user: User) -> Edition:
    """Start next fiscal year's edition as a complete copy of the body's last approved one."""
    if not roles.has_role(user, roles.COORDINATOR, body):
        raise PermissionDenied
    if in_preparation(body) is not None:
        raise WorkflowError(
            _("Une édition est déjà en préparation : terminez-la avant d'en commencer une autre.")
        )
    source = approved_sources(body).first()
    if source is None:
        raise WorkflowError(_("Aucune édition approuvée ne peut servir de point de départ."))
    return edition_start(
        body=body, fiscal_year=next_fiscal_year(source.fiscal_year), user=user, source=source
    )


def _apply_template(template: PlanTemplate, target: Edition) -> None:
    """Give a new draft the template's structure: its sections (with their kinds and topics),
    the radar's axes without scores, the maturity scale and its stages without a measure.
    Saved one by one, so that the history shows where the structure came from."""
    data = template.data
    for order, entry in enumerate(data.get("sections", []), start=1):
        section = Section(
            edition=target,
            key=entry["key"],
            title=entry["title"],
            level=entry.get("level", 1),
            order=order,
            kind=entry["kind"],
            signer_role=entry.get("signer_role", ""),
            shows_vision=bool(entry.get("shows_vision")),
            guidance=entry.get("guidance", ""),
        )
        section.full_clean(exclude=["edition"])
        section.save()
        for n, topic in enumerate(entry.get("topics", []), start=1):
            Topic.objects.create(
                section=section, order=n, title=topic["title"], intro=topic.get("intro", "")
            )
    for entry in data.get("strategic_orientations", []):
        StrategicOrientation.objects.create(
            edition=target, number=entry["number"], title=entry["title"]
        )
    if maturity_data := data.get("maturity"):
        maturity = Maturity.objects.create(
            edition=target,
            scale_min=maturity_data["scale_min"],
            scale_max=maturity_data["scale_max"],
        )
        for stage in maturity_data.get("stages", []):
            MaturityStage.objects.create(
                maturity=maturity, number=stage["number"], label=stage["label"]
            )
    if radar_data := data.get("radar"):
        radar = Radar.objects.create(
            edition=target, scale_min=radar_data["scale_min"], scale_max=radar_data["scale_max"]
        )
        for order, axis in enumerate(radar_data.get("axes", []), start=1):
            RadarScore.objects.create(radar=radar, order=order, category=axis)


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
