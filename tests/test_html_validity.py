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

from accounts import roles
from roadmap.editing.registry import KINDS
from roadmap.exchange.document import export_document
from roadmap.models import Edition
from tests.bodies import body_with_edition, person
from tests.pages import BODY, YEAR, plan_pages
from tests.personas import client_for, give_roles
from tests.test_exchange import upload_changed_export
from tests.test_exchange_json import upload as upload_document

VNU = Path(__file__).resolve().parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _pages(edition: Edition) -> dict[str, str]:
    pages = plan_pages()
    pages.update(
        {
            "edition": reverse("roadmap:edition", args=[BODY, YEAR]),
            "compare": reverse("roadmap:compare", args=[BODY, YEAR]),
            "import": reverse("roadmap:import", args=[BODY, YEAR]),
            "pdf_progress": reverse("roadmap:pdf_progress", args=[BODY, YEAR]),
        }
    )
    # The follow-up: a draft report (its form), an indicator's trajectory.
    pages["report_draft"] = reverse("followup:report", args=[BODY, YEAR, "1.1.1", "2024-03-31"])
    from benefits.models import Indicator

    indicator = Indicator.objects.filter(benefit__initiative__edition=edition).first()
    pages["indicator"] = reverse("followup:indicator", args=[BODY, YEAR, indicator.pk])
    for section in edition.sections.all():
        pages[f"section:{section.key}"] = reverse("roadmap:section", args=[BODY, YEAR, section.key])
    for initiative in edition.initiatives.all():
        pages[f"initiative:{initiative.code}"] = reverse(
            "initiatives:detail", args=[BODY, YEAR, initiative.code]
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
        urls[f"edit:{slug}"] = reverse("roadmap:edit", args=[BODY, YEAR, slug, obj.pk])
        if kind.can_delete:
            urls[f"delete:{slug}"] = reverse("roadmap:delete", args=[BODY, YEAR, slug, obj.pk])
        if kind.can_add and not kind.single:  # the demo has its radar and maturity already
            if kind.parent_kind:
                parent = _first(KINDS[kind.parent_kind], edition)
                if parent is None:
                    continue
                urls[f"add:{slug}"] = reverse(
                    "roadmap:add_under", args=[BODY, YEAR, slug, parent.pk]
                )
            else:
                urls[f"add:{slug}"] = reverse("roadmap:add", args=[BODY, YEAR, slug])
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


def _account_pages(coordinator: Client) -> dict[str, str]:
    """The pages of who gets in: account security, MFA, password reset, refusals."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.core.cache import cache

    from accounts.demo import demo_password
    from accounts.models import User

    cache.clear()
    pages = {}
    for name in ("mfa_index", "account_change_password", "account_reauthenticate"):
        pages[f"account page {name}"] = _fetch(coordinator, reverse(name))
    coordinator.post(
        reverse("account_reauthenticate"), {"password": demo_password("coordonnateur")}
    )
    pages["MFA enrolment (QR code)"] = _fetch(coordinator, reverse("mfa_activate_totp"))
    anonymous = Client()
    pages["password reset"] = _fetch(anonymous, reverse("account_reset_password"))
    pages["password reset sent"] = _fetch(anonymous, reverse("account_reset_password_done"))
    pages["password set by a reset link"] = _fetch(
        anonymous, reverse("account_reset_password_from_key_done")
    )
    di = User.objects.get(username="di")
    di.is_demo = False
    di.save(update_fields=["is_demo"])
    TOTP.activate(di, generate_totp_secret())
    staged = Client()
    staged.post(reverse("login"), {"login": "di", "password": demo_password("di")})
    pages["MFA code at login"] = _fetch(staged, reverse("mfa_authenticate"))
    locked = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(5):
        refused = locked.post(reverse("login"), {"login": "personne", "password": "x"})
    assert refused.status_code == 429
    pages["lockout"] = refused.content.decode()
    too_large = anonymous.generic(
        "POST", reverse("login"), b"", CONTENT_LENGTH=str(10**8), content_type="text/plain"
    )
    assert too_large.status_code == 413
    pages["body too large"] = too_large.content.decode()
    cache.clear()
    return pages


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
        url = plan_pages().get(name) or reverse("roadmap:edition", args=[BODY, YEAR])
        documents[f"page {name} as DI, submitted ({url})"] = _fetch(di, url)
    documents["login page"] = _fetch(Client(), reverse("login"))
    documents.update(_account_pages(client_for("coordonnateur")))  # its own session
    missing = coordinator.get(reverse("roadmap:home", args=[BODY, "2099-2100"]))
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
    # The JSON document's preview: a change and a deletion; then an error at its JSON path.
    document = export_document(edition)
    document["initiatives"][0]["title"] = "Titre changé"
    document["initiatives"].pop()
    preview = upload_document(coordinator, document)
    assert (
        preview.status_code == 200 and "supprimé : absent du document" in preview.content.decode()
    )
    documents["import preview of a JSON document"] = preview.content.decode()
    document["initiatives"][0]["budget"] = "x"
    preview = upload_document(coordinator, document)
    assert preview.status_code == 422 and "$.initiatives[0].budget" in preview.content.decode()
    documents["import preview of a JSON document with an error"] = preview.content.decode()

    # A body's page and « Commencer une édition »; someone who reads two bodies' plans: the
    # list of plans and the header's switch between bodies.
    documents["body page"] = _fetch(coordinator, reverse("body", args=[BODY]))
    documents["start an edition"] = _fetch(coordinator, reverse("edition_start", args=[BODY]))
    sqe = body_with_edition("SQE", "Société québécoise des essais")
    # An edition without radar nor maturity: its home offers to add them, and their forms.
    sqe_coordinator = Client()
    sqe_coordinator.force_login(person("coord-sqe", roles.COORDINATOR, body="sqe"))
    documents["home of an empty edition"] = _fetch(
        sqe_coordinator, reverse("roadmap:home", args=["sqe", sqe.fiscal_year])
    )
    for slug in ("radar", "maturity", "orientation", "strategic-orientation"):
        url = reverse("roadmap:add", args=["sqe", sqe.fiscal_year, slug])
        documents[f"form page add:{slug}, empty edition"] = _fetch(sqe_coordinator, url)
    two_bodies = Client()
    two_bodies.force_login(
        give_roles(person("deux-organismes", roles.READER), roles.READER, body="sqe")
    )
    documents["plans of two bodies"] = _fetch(two_bodies, "/")
    documents["home with the bodies' switch"] = _fetch(
        two_bodies, reverse("roadmap:home", args=[BODY, YEAR])
    )

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


@pytest.mark.django_db
def test_release_and_public_pages_are_valid_html(edition, tmp_path):
    """The access officer's pages (a release with decisions, a record examined), the
    coordinator's publication page, and every public page of a published edition."""
    from django.core.management import call_command

    from accounts.models import User
    from releases.redaction import record_key
    from roadmap.links import plan_url
    from roadmap.models import Section
    from tests.releasing import planted_release
    from tests.test_publication import crawl, transmit

    release, _canaries = planted_release(edition, User.objects.get(username="acces"))
    officer = client_for("acces")
    section = edition.sections.get(key="note-au-lecteur")
    documents = {
        "releases": _fetch(officer, plan_url("releases:list", edition)),
        "release": _fetch(officer, plan_url("releases:detail", edition, release.number)),
        "release, a record examined": _fetch(
            officer,
            plan_url("releases:detail", edition, release.number)
            + f"?element={record_key(Section, section.pk)}",
        ),
    }
    transmit(edition)
    call_command("publish_edition", body="MEIE", edition=YEAR, release=release.number)
    documents["publication"] = _fetch(
        client_for("coordonnateur"), plan_url("releases:publication", edition)
    )
    for address, content in crawl(Client(), f"/public/{BODY}/{YEAR}/").items():
        if content.lstrip().startswith(b"<!DOCTYPE"):
            documents[f"public page {address}"] = content.decode()
    assert len(documents) > 20
    errors = _check(documents, tmp_path)
    assert not errors, errors
