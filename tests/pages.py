"""Every page of the portal for the demo edition, used by the access and query-count tests."""

from django.urls import reverse

YEAR = "2023-2024"
BODY = "meie"


def plan_pages() -> dict[str, str]:
    return {
        "index": reverse("index"),
        "home": reverse("roadmap:home", args=[BODY, YEAR]),
        "roadmap": reverse("roadmap:roadmap", args=[BODY, YEAR]),
        "roadmap_filtered": reverse("roadmap:roadmap", args=[BODY, YEAR])
        + "?q=donnees&status=exploration",
        "initiative": reverse("initiatives:detail", args=[BODY, YEAR, "1.1.1"]),
        "benefits": reverse("benefits:summary", args=[BODY, YEAR]),
        "risks": reverse("roadmap:risks", args=[BODY, YEAR]),
        "sections": reverse("roadmap:sections", args=[BODY, YEAR]),
        "section_text": reverse("roadmap:section", args=[BODY, YEAR, "principes-directeurs"]),
        "section_generated": reverse("roadmap:section", args=[BODY, YEAR, "donnees"]),
        "section_radar": reverse("roadmap:section", args=[BODY, YEAR, "radar"]),
        "section_benefits": reverse("roadmap:section", args=[BODY, YEAR, "benefices"]),
        "history": reverse("roadmap:history", args=[BODY, YEAR]),
        # The follow-up (issue 14): the demo has reports for its period ending 31 March 2024.
        "dashboard": reverse("followup:dashboard", args=[BODY, YEAR]) + "?periode=2024-03-31",
        "dashboard_filtered": reverse("followup:dashboard", args=[BODY, YEAR])
        + "?periode=2024-03-31&q=donnees&status=in_progress",
        "followup_initiative": reverse("followup:initiative", args=[BODY, YEAR, "2.2.3"]),
        "report": reverse("followup:report", args=[BODY, YEAR, "2.2.3", "2024-03-31"]),
        "periods": reverse("followup:periods", args=[BODY, YEAR]),
        "followup_risks": reverse("followup:risks", args=[BODY, YEAR]),
    }
