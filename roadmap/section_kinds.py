"""The kinds of section: what each section of a plan shows besides its own text.

A plan's structure is data (its template says which sections it has and of which kind); what a
kind shows is code, written once here and in one partial, ``templates/sections/kinds/<code>.html``,
whose ``web`` part is included by the section's page and whose ``pdf`` part by the report. Each
kind says:

- ``context``: the data its web partial needs, loaded with a constant number of queries;
- ``readiness``: what it requires before the edition can be submitted (the workflow's
  readiness asks every section's kind).

The list is closed (``Section.Kind``): a new kind is a code change, a new section is not. No
code compares a section's key with a literal: the key is only the section's address.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from benefits.selectors import benefits_by_initiative
from roadmap.charts import radar_chart
from roadmap.models import Edition, Maturity, PlanRisk, Radar, Section, SectionKind

__all__ = [
    "KINDS",
    "Gap",
    "SectionKind",
    "assessed_radar",
    "kind_of",
    "measured_maturity",
    "radar_with_chart",
]


@dataclass(frozen=True)
class Gap:
    """Something a section lacks before submission, and the field of its form that fixes it."""

    message: str
    field: str


def measured_maturity(edition: Edition) -> Maturity | None:
    """The edition's maturity once measured (a draft from a template has only its scale)."""
    maturity = Maturity.objects.filter(edition=edition).prefetch_related("stages").first()
    return maturity if maturity is not None and maturity.is_measured else None


def assessed_radar(edition: Edition) -> Radar | None:
    """The edition's radar with its scores (one query), once every axis has its score."""
    radar = Radar.objects.filter(edition=edition).prefetch_related("scores").first()
    return radar if radar is not None and radar.is_assessed else None


def radar_with_chart(edition: Edition) -> tuple[Radar | None, object]:
    """The edition's assessed radar and its chart."""
    radar = assessed_radar(edition)
    if radar is None:
        return None, None
    chart = radar_chart(
        [(s.category, s.score) for s in radar.scores.all()], radar.scale_max, radar.scale_min
    )
    return radar, chart


def _nothing(edition: Edition) -> dict:
    return {}


def _maturity(edition: Edition) -> dict:
    return {"maturity": measured_maturity(edition)}


def _radar(edition: Edition) -> dict:
    radar, chart = radar_with_chart(edition)
    return {"radar": radar, "chart": chart}


def _alignment(edition: Edition) -> dict:
    return {
        "strategic_orientations": edition.strategic_orientations.prefetch_related("orientations"),
        "orientations": edition.orientations.prefetch_related(
            "ambitions", "strategic_orientations"
        ),
    }


def _plan_risks(edition: Edition) -> dict:
    return {"plan_risks": PlanRisk.objects.filter(edition=edition).prefetch_related("mitigations")}


def _benefits(edition: Edition) -> dict:
    return {"benefit_groups": benefits_by_initiative(edition)}


def _no_rule(section: Section) -> list[Gap]:
    return []


def _signatory_entered(section: Section) -> list[Gap]:
    """A signed message names who signs it (name and title), printed under its text."""
    missing = [
        (field, label)
        for field, label in (
            ("signatory_name", _("signataire")),
            ("signatory_title", _("titre du signataire")),
        )
        if not getattr(section, field).strip()
    ]
    if not missing:
        return []
    return [
        Gap(
            _("La section « %(title)s » : %(missing)s à préciser.")
            % {"title": section.title, "missing": ", ".join(label for _f, label in missing)},
            missing[0][0],
        )
    ]


def _contribution_or_reason(section: Section) -> list[Gap]:
    """A section generated from the initiatives' contributions names at least one, or says
    why none does yet. Reads ``contribution_count``, annotated by the readiness query."""
    if getattr(section, "contribution_count", 0) or section.no_contribution_reason.strip():
        return []
    return [
        Gap(
            _(
                "La section « %(title)s » ne présente la contribution d'aucune initiative : "
                "ajoutez-en une, ou indiquez pourquoi il n'y en a pas encore."
            )
            % {"title": section.title},
            "no_contribution_reason",
        )
    ]


@dataclass(frozen=True)
class Kind:
    code: str
    context: Callable[[Edition], dict] = _nothing
    readiness: Callable[[Section], list[Gap]] = _no_rule

    @property
    def label(self) -> str:
        return SectionKind(self.code).label

    @property
    def template(self) -> str:
        return f"sections/kinds/{self.code}.html"


KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in [
        Kind(SectionKind.NARRATIVE),
        Kind(SectionKind.SIGNED_MESSAGE, readiness=_signatory_entered),
        Kind(SectionKind.MATURITY, context=_maturity),
        Kind(SectionKind.RADAR, context=_radar),
        Kind(SectionKind.STRATEGIC_ALIGNMENT, context=_alignment),
        Kind(SectionKind.ORIENTATIONS, context=_alignment),
        Kind(SectionKind.BENEFITS, context=_benefits),
        Kind(SectionKind.PLAN_RISKS, context=_plan_risks),
        Kind(SectionKind.ROADMAP),
        Kind(SectionKind.TOPIC_CONTRIBUTIONS, readiness=_contribution_or_reason),
        Kind(SectionKind.ANNEX, context=_alignment),
    ]
}


def kind_of(section: Section) -> Kind:
    return KINDS[section.kind]
