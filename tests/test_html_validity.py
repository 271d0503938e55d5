"""Every page is valid HTML, checked by the Nu HTML Checker (vnu.jar, the W3C validator).

SGQRI 008 3.0 (WCAG 2.2, success criterion 4.1.1 in its Québec reading) asks for valid markup.
The pages are fetched with Django's test client as the people who see the most of them (the
coordinator sees every « Modifier » and « Ajouter »; the DI sees the review forms), every
edit, add and delete form is opened both as a page (no JavaScript) and as the fragment htmx
swaps in (checked inside the page's own skeleton), and the whole lot goes through one run of
the checker. vnu.jar comes from npm (`tests/package.json`, installed by `make test`) and runs
on Debian's Java runtime.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from roadmap.editing.registry import KINDS
from roadmap.models import Edition
from tests.pages import YEAR, plan_pages
from tests.personas import client_for
from tests.test_exchange import upload_changed_export

VNU = Path(__file__).resolve().parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _pages(edition: Edition) -> dict[str, str]:
    pages = plan_pages()
    pages.update(
        {
            "edition": reverse("roadmap:edition", args=[YEAR]),
            "compare": reverse("roadmap:compare", args=[YEAR]),
            "import": reverse("roadmap:import", args=[YEAR]),
            "pdf_progress": reverse("roadmap:pdf_progress", args=[YEAR]),
        }
    )
    for section in edition.sections.all():
        pages[f"section:{section.key}"] = reverse("roadmap:section", args=[YEAR, section.key])
    for initiative in edition.initiatives.all():
        pages[f"initiative:{initiative.code}"] = reverse(
            "initiatives:detail", args=[YEAR, initiative.code]
        )
    return pages


def _first(kind, edition: Edition) -> models.Model | None:
    return kind.queryset(edition).order_by("pk").first()


def _form_urls(edition: Edition) -> dict[str, str]:
    """Every kind's edit, add and delete forms, on the first record of the demo that has one."""
    urls = {}
    for slug, kind in KINDS.items():
        obj = _first(kind, edition)
        if obj is None:
            continue
        urls[f"edit:{slug}"] = reverse("roadmap:edit", args=[YEAR, slug, obj.pk])
        if kind.can_delete:
            urls[f"delete:{slug}"] = reverse("roadmap:delete", args=[YEAR, slug, obj.pk])
        if kind.can_add:
            if kind.parent_kind:
                parent = _first(KINDS[kind.parent_kind], edition)
                if parent is None:
                    continue
                urls[f"add:{slug}"] = reverse("roadmap:add_under", args=[YEAR, slug, parent.pk])
            else:
                urls[f"add:{slug}"] = reverse("roadmap:add", args=[YEAR, slug])
    return urls


SKELETON = (
    '<!DOCTYPE html><html lang="fr-CA"><head><meta charset="utf-8"><title>Fragment</title>'
    "</head><body><main>{}</main></body></html>"
)


def _fetch(client: Client, url: str, **headers) -> str:
    response = client.get(url, follow=True, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _check(documents: dict[str, str], tmp_path: Path) -> dict[str, list[str]]:
    """Run vnu once over every document; the errors of each, by document name."""
    names = {}
    for index, (name, html) in enumerate(documents.items()):
        path = tmp_path / f"{index:04d}.html"
        path.write_text(html, encoding="utf-8")
        names[str(path)] = name
    result = subprocess.run(
        [shutil.which("java") or "java", "-jar", str(VNU), "--errors-only", "--format", "json"]
        + sorted(names),
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors: dict[str, list[str]] = {}
    for message in messages:
        path = message.get("url", "").removeprefix("file:")
        name = names.get(path, path)
        errors.setdefault(name, []).append(
            f"{message.get('lastLine', '?')}: {message['message']}"
            f" [{(message.get('extract') or '').strip()[:80]}]"
        )
    return errors


def test_the_validator_is_installed():
    """`make test` installs vnu.jar and Java: the checks below never silently skip."""
    assert VNU.is_file(), "vnu.jar missing: run `make test` (it runs npm ci in tests/)"
    assert shutil.which("java"), "Java missing: apt-get install default-jre-headless"


@pytest.mark.django_db
def test_every_page_and_form_is_valid_html(edition, tmp_path):
    coordinator = client_for("coordonnateur")
    documents = {}
    for name, url in _pages(edition).items():
        documents[f"page {name} ({url})"] = _fetch(coordinator, url)
    for name, url in _form_urls(edition).items():
        documents[f"form page {name} ({url})"] = _fetch(coordinator, url)
        fragment = _fetch(coordinator, url, HTTP_HX_REQUEST="true")
        if not fragment.lstrip().lower().startswith("<!doctype"):  # some answer a whole page
            fragment = SKELETON.format(fragment)
        documents[f"htmx fragment {name} ({url})"] = fragment
    # The review forms, as the DI sees them on a submitted edition.
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SUBMITTED)
    di = client_for("di")
    for name in ("edition", "initiative"):
        url = plan_pages().get(name) or reverse("roadmap:edition", args=[YEAR])
        documents[f"page {name} as DI, submitted ({url})"] = _fetch(di, url)
    documents["login page"] = _fetch(Client(), reverse("login"))
    missing = coordinator.get(reverse("roadmap:home", args=["2099-2100"]))
    assert missing.status_code == 404
    documents["not found page"] = missing.content.decode()
    # The import preview: one valid change and one error (two states of the same page).
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.DRAFT)
    preview = upload_changed_export(
        coordinator, edition, {("Initiatives", "C2"): "Titre changé", ("Initiatives", "N3"): "x"}
    )
    assert preview.status_code in (200, 422) and "Titre changé" in preview.content.decode()
    documents["import preview with an error"] = preview.content.decode()
    preview = upload_changed_export(coordinator, edition, {("Initiatives", "C2"): "Titre changé"})
    assert preview.status_code == 200 and "Titre changé" in preview.content.decode()
    documents["import preview"] = preview.content.decode()

    errors = _check(documents, tmp_path)
    report = "\n".join(
        f"{name}:\n  " + "\n  ".join(lines[:10]) for name, lines in sorted(errors.items())
    )
    total = sum(len(lines) for lines in errors.values())
    assert not errors, (
        f"{total} HTML errors on {len(errors)} of {len(documents)} documents:\n{report}"
    )


def test_the_checker_finds_errors_it_is_shown(tmp_path):
    """The check above would catch a real error (it is not a validator that accepts anything)."""
    broken = SKELETON.format('<div aria-labelledby="x"><p>texte</div><time datetime="hier">')
    errors = _check({"broken": broken}, tmp_path)
    assert errors.get("broken"), errors
    assert re.search(r"datetime|aria-labelledby|End tag", "\n".join(errors["broken"]))
