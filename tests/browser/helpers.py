"""What the browser tests look for on an initiative page (selectors from the templates)."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Locator, Page, expect

YEAR = "2023-2024"
BODY = "meie"
MODIFIER = re.compile(r"^\s*Modifier\b")


def initiative_path(code: str) -> str:
    return f"/plan/{BODY}/{YEAR}/initiatives/{code}/"


def unique(text: str) -> str:
    """``text`` with a token unique to this call: values no other test (or run) has written."""
    return f"{text} {uuid.uuid4().hex[:8]}"


def fiche(page: Page) -> Locator:
    """The initiative's fiche (``#initiative-<pk>``), found once and then by its id, which the
    inline form that replaces it keeps."""
    element_id = page.locator(
        "section[aria-labelledby='fields-title'] [id^='initiative-']"
    ).first.get_attribute("id")
    assert element_id and re.fullmatch(r"initiative-\d+", element_id), element_id
    return page.locator(f"#{element_id}")


def edit_link(part: Locator) -> Locator:
    """The « Modifier » link of a displayed record itself (not of the records nested in it)."""
    return part.locator(":scope > .ptn-row-actions").get_by_role("link", name=MODIFIER)


def field_value(part: Locator, label: str) -> Locator:
    """The ``<dd>`` of the fiche's ``<dt>label</dt>``."""
    return (
        part.locator("dl.ptn-fields > div")
        .filter(has=part.page.locator("dt", has_text=re.compile(rf"^{re.escape(label)}$")))
        .locator("dd")
    )


def open_form(part: Locator) -> Locator:
    """Click the part's « Modifier » and wait for its inline form; returns the form."""
    edit_link(part).click()
    form = part.locator("form")
    expect(form).to_be_visible()
    wait_for_settled_focus(part.page)
    return form


def wait_for_settled_focus(page: Page) -> None:
    """Wait until the swapped-in part has taken the focus (the app moves it once htmx has
    settled and then drops ``data-ptn-focus``): a person sees the cursor land before typing,
    and text typed earlier would follow the focus into another field."""
    expect(page.locator("[data-ptn-focus]")).to_have_count(0)


def save(form: Locator) -> None:
    form.get_by_role("button", name="Enregistrer", exact=True).click()


def expect_displayed(part: Locator) -> None:
    """The part shows the record again (its form went away)."""
    expect(part.locator("form")).to_have_count(0)
    expect(part).to_have_class(re.compile(r"\bptn-editable\b"))
