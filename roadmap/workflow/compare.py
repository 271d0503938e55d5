"""What changed between two editions, matched by code (initiatives) and key (sections)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from benefits.models import Benefit, Indicator
from initiatives.models import Initiative, InitiativeRisk
from roadmap import formatting
from roadmap.models import Edition, PlanRisk

# The rows of an initiative's comparison: its fiche, with the horizon's start and end as one row
# (« 2023-2024 à 2025-2026 »).
INITIATIVE_FIELDS = list(
    dict.fromkeys(
        "horizon" if name in ("horizon_start", "horizon_end") else name
        for name in Initiative.FICHE_FIELDS
    )
)


@dataclass
class FieldDiff:
    label: str
    old: str
    new: str


@dataclass
class InitiativeDiff:
    code: str
    title: str
    fields: list[FieldDiff] = field(default_factory=list)


@dataclass
class SectionDiff:
    title: str
    key: str
    diff: SafeString


@dataclass
class Comparison:
    old: Edition
    new: Edition
    added: list[Initiative] = field(default_factory=list)
    removed: list[Initiative] = field(default_factory=list)
    changed: list[InitiativeDiff] = field(default_factory=list)
    benefits: list[tuple[str, str, str, str]] = field(default_factory=list)  # code, what, old, new
    indicators: list[tuple[str, str, str, str]] = field(default_factory=list)
    risks_added: list[str] = field(default_factory=list)
    risks_closed: list[str] = field(default_factory=list)
    sections: list[SectionDiff] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(
            [
                self.added,
                self.removed,
                self.changed,
                self.benefits,
                self.indicators,
                self.risks_added,
                self.risks_closed,
                self.sections,
            ]
        )


def _display(initiative: Initiative, name: str) -> str:
    if name == "horizon":
        return initiative.horizon or "—"
    value = getattr(initiative, name)
    if name == "status":
        return initiative.get_status_display()
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if name == "budget":
        return formatting.money(value) or "—"
    return str(value) if value not in (None, "") else "—"


def compare(old: Edition, new: Edition) -> Comparison:
    result = Comparison(old, new)
    before = {i.code: i for i in old.initiatives.with_roadmap_relations()}
    after = {i.code: i for i in new.initiatives.with_roadmap_relations()}
    key = lambda i: i.sort_key  # noqa: E731
    result.added = sorted((after[c] for c in after.keys() - before.keys()), key=key)
    result.removed = sorted((before[c] for c in before.keys() - after.keys()), key=key)
    for code in sorted(after.keys() & before.keys(), key=lambda c: after[c].sort_key):
        diff = InitiativeDiff(code, after[code].title)
        for name in INITIATIVE_FIELDS:
            old_value, new_value = _display(before[code], name), _display(after[code], name)
            if old_value != new_value:
                label = (
                    str(Initiative._meta.get_field(name).verbose_name)
                    if name != "horizon"
                    else "horizon"
                )
                diff.fields.append(FieldDiff(label, old_value, new_value))
        if diff.fields:
            result.changed.append(diff)

    def benefits_of(edition: Edition) -> dict:
        rows = Benefit.objects.filter(initiative__edition=edition, kind=Benefit.Kind.FINANCIAL)
        return {(b.initiative.code, b.description): b for b in rows.select_related("initiative")}

    old_benefits, new_benefits = benefits_of(old), benefits_of(new)
    for (code, description), benefit in sorted(new_benefits.items()):
        previous = old_benefits.get((code, description))
        old_amount = formatting.money(previous.amount) if previous else "—"
        new_amount = formatting.money(benefit.amount)
        if old_amount != new_amount:
            result.benefits.append((code, description, old_amount, new_amount))

    def indicators_of(edition: Edition) -> dict:
        rows = Indicator.objects.filter(benefit__initiative__edition=edition).select_related(
            "benefit__initiative"
        )
        return {(i.benefit.initiative.code, i.name): i for i in rows}

    old_indicators, new_indicators = indicators_of(old), indicators_of(new)
    for (code, name), indicator in sorted(new_indicators.items()):
        previous = old_indicators.get((code, name))
        old_target = formatting.decimal(previous.target) if previous else ""
        new_target = formatting.decimal(indicator.target)
        if old_target != new_target:
            result.indicators.append((code, name, old_target or "—", new_target or "—"))

    def risks_of(edition: Edition) -> set[str]:
        plan = {r.title for r in PlanRisk.objects.filter(edition=edition)}
        per_initiative = {
            f"{r.initiative.code} — {r.title}"
            for r in InitiativeRisk.objects.filter(initiative__edition=edition).select_related(
                "initiative"
            )
        }
        return plan | per_initiative

    old_risks, new_risks = risks_of(old), risks_of(new)
    result.risks_added = sorted(new_risks - old_risks)
    result.risks_closed = sorted(old_risks - new_risks)

    old_sections = {s.key: s for s in old.sections.all()}
    for section in new.sections.all():
        previous = old_sections.get(section.key)
        old_text = f"{previous.body}\n\n{previous.conclusion}".strip() if previous else ""
        new_text = f"{section.body}\n\n{section.conclusion}".strip()
        if old_text != new_text:
            result.sections.append(
                SectionDiff(section.title, section.key, word_diff(old_text, new_text))
            )
    return result


WORD_RE = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> SafeString:
    """A readable word-level diff: removed words in <del>, added words in <ins>."""
    a, b = WORD_RE.findall(old), WORD_RE.findall(new)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    # Safe: every piece of user text above went through escape(); only <del>/<ins> are ours.
    return mark_safe("".join(parts))  # noqa: S308
