"""Automated accessibility checks (axe-core, WCAG 2.0/2.1 A and AA, WCAG 2.2 AA) of the pages
people use most, as rendered by a real browser. Serious and critical violations fail the test;
the message lists each one with the elements concerned."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import BODY, YEAR, fiche, initiative_path, open_form

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    }
}
BLOCKING = {"serious", "critical"}
MAX_TARGETS = 15


def run_axe(page: Page) -> list[dict]:
    # Evaluated through the browser's debugging protocol: an injected <script> tag would be an
    # inline script, which the portal's Content-Security-Policy refuses.
    page.evaluate(AXE.read_text())
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return results["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}] — {len(violation['nodes'])} element(s):"
        )
        for node in violation["nodes"][:MAX_TARGETS]:
            target = " >>> ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {target}  | {summary[:300]}")
        if len(violation["nodes"]) > MAX_TARGETS:
            lines.append(f"    … and {len(violation['nodes']) - MAX_TARGETS} more")
    return "\n".join(lines)


def assert_no_serious_violation(page: Page) -> None:
    violations = run_axe(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert [v["id"] for v in blocking] == [], (
        f"axe-core found serious or critical violations on {page.url}:\n{describe(blocking)}"
    )


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(f"/plan/{BODY}/{YEAR}/", id="plan-home"),
        pytest.param(f"/plan/{BODY}/{YEAR}/feuille-de-route/", id="roadmap"),
        pytest.param(initiative_path("1.1.1"), id="initiative-1.1.1"),
    ],
)
def test_the_page_has_no_serious_accessibility_violation(page: Page, login, path: str):
    # The lead of 1.1.1 sees the plan as a reader does, plus the « Modifier » buttons there.
    login(page, "responsable")
    page.goto(path)
    expect(page.locator("main h1")).to_be_visible()
    assert_no_serious_violation(page)


def test_the_initiative_page_with_the_fiche_form_open_has_no_serious_accessibility_violation(
    page: Page, login
):
    login(page, "responsable")
    page.goto(initiative_path("1.1.1"))
    form = open_form(fiche(page))
    expect(form.locator("#id_title")).to_be_focused()
    assert_no_serious_violation(page)
