"""Figures computed from the plan's data, which narrative text quotes by name.

A section's Markdown says « le Ministère à {{radar.global}} sur une échelle de {{radar.minimum}}
à {{radar.echelle}} »; the page and the PDF show the mean of the Radar's current scores (« 1,75 »)
and its scale, so the text cannot go stale when a score or the scale changes.

The syntax is deliberately small and safe:
- ``{{name}}`` (spaces allowed inside the braces), where ``name`` is one of FIGURES below — a
  fixed registry, each figure computed by a function of the edition; nothing typed is ever
  evaluated or rendered as a template;
- an unknown name (or a figure the edition has no data for) is left as typed, visible, so a
  typo shows on the page instead of disappearing;
- the placeholders are replaced in the HTML *after* the Markdown was sanitised (see
  roadmap/markdown.py), with escaped text.

Counts of nine or less are written in words (« huit grandes catégories »), as in the plan.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from roadmap import formatting
from roadmap.models import Edition, Maturity, Radar

PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z0-9_.-]*)\s*\}\}")

NUMBER_WORDS = {
    "fr": ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
}


def count_in_words(count: int) -> str:
    """« huit » for 8 (nine or less, as French typography writes them in running text)."""
    words = NUMBER_WORDS["en" if (get_language() or "fr").startswith("en") else "fr"]
    return words[count] if 0 <= count < len(words) else formatting.decimal(count)


@dataclass(frozen=True)
class Figure:
    description: str
    compute: Callable[[EditionFigures], str | None]


def _radar(compute: Callable[[Radar], str | None]) -> Callable[[EditionFigures], str | None]:
    return lambda figures: compute(figures.radar) if figures.radar else None


def _maturity(
    compute: Callable[[Maturity], str | None],
) -> Callable[[EditionFigures], str | None]:
    return lambda figures: compute(figures.maturity) if figures.maturity else None


def _overall(radar: Radar) -> str | None:
    overall = radar.overall
    return formatting.decimal(overall, places=2) if overall is not None else None


FIGURES: dict[str, Figure] = {
    "radar.global": Figure(
        _("résultat global du Radar numériQc : la moyenne des catégories"),
        _radar(_overall),
    ),
    "radar.minimum": Figure(
        _("minimum de l'échelle du Radar numériQc"),
        _radar(lambda radar: str(radar.scale_min)),
    ),
    "radar.echelle": Figure(
        _("maximum de l'échelle du Radar numériQc"),
        _radar(lambda radar: str(radar.scale_max)),
    ),
    "radar.categories": Figure(
        _("nombre de catégories du Radar numériQc"),
        _radar(lambda radar: count_in_words(len(radar.scores.all()))),
    ),
    "maturite.score": Figure(
        _("maturité numérique mesurée"),
        _maturity(lambda maturity: formatting.decimal(maturity.score)),
    ),
    "maturite.minimum": Figure(
        _("minimum de l'échelle de maturité"),
        _maturity(lambda maturity: str(maturity.scale_min)),
    ),
    "maturite.maximum": Figure(
        _("maximum de l'échelle de maturité"),
        _maturity(lambda maturity: str(maturity.scale_max)),
    ),
    "maturite.etapes": Figure(
        _("nombre d'étapes de l'échelle de maturité"),
        _maturity(lambda maturity: count_in_words(maturity.scale_max - maturity.scale_min + 1)),
    ),
    "maturite.etape": Figure(
        _("étape actuelle, déduite de la maturité mesurée"),
        _maturity(lambda maturity: str(maturity.current_stage)),
    ),
    "maturite.etape.libelle": Figure(
        _("libellé de l'étape actuelle"),
        _maturity(lambda maturity: maturity.current_stage_label or None),
    ),
    "maturite.cible": Figure(
        _("étape visée"),
        _maturity(lambda maturity: str(maturity.target_stage)),
    ),
    "maturite.cible.libelle": Figure(
        _("libellé de l'étape visée"),
        _maturity(lambda maturity: maturity.target_stage_label or None),
    ),
    "maturite.echeance": Figure(
        _("échéance de la cible de maturité"),
        _maturity(lambda maturity: formatting.long_date(maturity.target_date)),
    ),
    "initiatives.nombre": Figure(
        _("nombre d'initiatives de l'édition"),
        lambda figures: formatting.decimal(figures.initiative_count),
    ),
}


class EditionFigures:
    """The figures of one edition, each computed when first quoted (a text that quotes none
    costs no query). A page that already loaded the radar or the maturity passes them."""

    def __init__(
        self,
        edition: Edition,
        *,
        radar: Radar | None = None,
        maturity: Maturity | None = None,
    ) -> None:
        self.edition = edition
        if radar is not None:
            self.radar = radar
        if maturity is not None:
            self.maturity = maturity
        self._values: dict[str, str | None] = {}

    @cached_property
    def radar(self) -> Radar | None:
        return Radar.objects.filter(edition=self.edition).prefetch_related("scores").first()

    @cached_property
    def maturity(self) -> Maturity | None:
        return Maturity.objects.filter(edition=self.edition).prefetch_related("stages").first()

    @cached_property
    def initiative_count(self) -> int:
        return self.edition.initiatives.count()

    def value(self, name: str) -> str | None:
        if name not in self._values:
            figure = FIGURES.get(name)
            self._values[name] = figure.compute(self) if figure else None
        return self._values[name]

    def listing(self) -> list[tuple[str, str, str]]:
        """Every figure: its name, what it is, and its value in this edition (for the form)."""
        return [
            (name, str(figure.description), self.value(name) or "—")
            for name, figure in FIGURES.items()
        ]

    def replace(self, html: str) -> SafeString:
        """``html`` (already sanitised) with each known placeholder replaced by its figure."""

        def figure(match: re.Match) -> str:
            value = self.value(match[1])
            return match[0] if value is None else escape(value)

        # Safe: the input was sanitised, and every inserted value is escaped.
        return mark_safe(PLACEHOLDER.sub(figure, html))  # noqa: S308


HELP_TEXT = _(
    "Markdown. Pour citer un chiffre calculé à partir des données, qui restera à jour, écrivez "
    "son nom entre doubles accolades, par exemple {{radar.global}} (voir « Chiffres calculés "
    "que le texte peut citer »). "
    "Un nom inconnu reste affiché tel quel."
)
