"""Every page of the portal for the demo edition, used by the access and query-count tests."""

from django.urls import reverse

YEAR = "2023-2024"


def plan_pages() -> dict[str, str]:
    return {
        "index": reverse("index"),
        "home": reverse("roadmap:home", args=[YEAR]),
        "roadmap": reverse("roadmap:roadmap", args=[YEAR]),
        "roadmap_filtered": reverse("roadmap:roadmap", args=[YEAR])
        + "?q=donnees&status=exploration",
        "initiative": reverse("initiatives:detail", args=[YEAR, "1.1.1"]),
        "benefits": reverse("benefits:summary", args=[YEAR]),
        "risks": reverse("roadmap:risks", args=[YEAR]),
        "sections": reverse("roadmap:sections", args=[YEAR]),
        "section_text": reverse("roadmap:section", args=[YEAR, "principes-directeurs"]),
        "section_generated": reverse("roadmap:section", args=[YEAR, "donnees"]),
        "section_radar": reverse("roadmap:section", args=[YEAR, "radar"]),
        "section_benefits": reverse("roadmap:section", args=[YEAR, "benefices"]),
        "history": reverse("roadmap:history", args=[YEAR]),
    }
