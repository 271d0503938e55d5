"""Writes on several initiatives at once."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts.models import Unit, User
from initiatives.models import Initiative
from roadmap.models import Edition


class StaleSelectionError(Exception):
    """Some of the selected initiatives changed since the person saw them."""

    def __init__(self, codes: list[str]) -> None:
        super().__init__(", ".join(codes))
        self.codes = codes


@transaction.atomic
def initiatives_assign(
    *,
    edition: Edition,
    versions: dict[int, int],
    lead: User | None = None,
    unit: Unit | None = None,
    user: User,
) -> list[Initiative]:
    """Give the initiatives ``versions`` (pk → the version the person saw) ``lead`` and/or
    ``unit``; return those that changed.

    All or nothing: if any of them changed since the person saw it, nothing is written
    (``StaleSelectionError`` names them). Each changed initiative gets its next version and a
    history row, like an edit of its fiche; a frozen edition refuses the write
    (``EditionFrozenError``). A fixed number of queries, however many initiatives.
    """
    current = list(Initiative.objects.select_for_update().filter(edition=edition, pk__in=versions))
    stale = [i for i in current if i.version != versions[i.pk]]
    if stale or len(current) != len(versions):
        raise StaleSelectionError(sorted((i.code for i in stale), key=_code_order))
    changed = [
        i
        for i in current
        if (lead is not None and i.lead_id != lead.pk)
        or (unit is not None and i.unit_id != unit.pk)
    ]
    if not changed:
        return []
    # Claim each row at the version read (the conditional UPDATE holds it until commit): a
    # concurrent save of one of them makes the claim fall short, and nothing is written.
    by_version: dict[int, list[int]] = {}
    for initiative in changed:
        by_version.setdefault(initiative.version, []).append(initiative.pk)
    claimed = Initiative.objects.filter(
        reduce(or_, (Q(version=v, pk__in=pks) for v, pks in by_version.items()))
    ).update(version=F("version") + 1)
    if claimed != len(changed):
        raise StaleSelectionError([])
    now = timezone.now()
    for initiative in changed:
        initiative.version += 1
        initiative.updated_at = now
        if lead is not None:
            initiative.lead = lead
        if unit is not None:
            initiative.unit = unit
    fields = ["version", "updated_at"] + (["lead"] if lead else []) + (["unit"] if unit else [])
    bulk_update_with_history(changed, Initiative, fields, default_user=user, default_date=now)
    return sorted(changed, key=lambda i: _code_order(i.code))


def _code_order(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split(".") if part.isdigit())
