from benefits.models import Benefit
from initiatives.models import Initiative
from roadmap.models import Edition


def benefits_by_initiative(edition: Edition) -> list[tuple[Initiative, list[Benefit]]]:
    """Every initiative that has benefits, in code order, with its benefits and indicators."""
    benefits = (
        Benefit.objects.filter(initiative__edition=edition)
        .select_related("initiative__ambition__orientation")
        .prefetch_related("indicators__measurements")
    )
    groups: dict[int, tuple[Initiative, list[Benefit]]] = {}
    for benefit in benefits:
        groups.setdefault(benefit.initiative_id, (benefit.initiative, []))[1].append(benefit)
    return sorted(groups.values(), key=lambda group: group[0].sort_key)
