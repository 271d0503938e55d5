"""Section kinds: what a section shows comes from its kind, never from its key.

A plan whose sections have keys of its own (not the MEIE's) shows its maturity, radar, roadmap,
benefits and risks on its pages and in its PDF; readiness asks each kind what it requires; the
signature blocks follow the signer's role; the workflow runs without any MEIE key.
"""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import get_template
from django.urls import reverse
from pypdf import PdfReader

from roadmap.models import Edition, Section, SectionKind
from roadmap.pdf.report import plan_html, render_pdf
from roadmap.section_kinds import KINDS
from roadmap.workflow.readiness import readiness
from tests.personas import client_for
from tests.test_pages import text_of
from tests.test_signatures import walk
from tests.test_workflow import make_ready

YEAR = "2023-2024"
BODY = "meie"


def rekey(edition: Edition) -> dict[str, str]:
    """Give every section a key of another body's plan (« partie-1 », « partie-2 »…); the
    section's new key by its kind (the first of each kind)."""
    keys: dict[str, str] = {}
    for n, section in enumerate(edition.sections.order_by("order"), start=1):
        section.key = f"partie-{n}"
        section.save(update_fields=["key"])
        keys.setdefault(section.kind, section.key)
    return keys


def page_text(key: str, username: str = "lecteur") -> str:
    return text_of(client_for(username).get(reverse("roadmap:section", args=[BODY, YEAR, key])))


def test_the_registry_is_closed_and_each_kind_has_its_web_and_pdf_partials():
    assert set(KINDS) == set(SectionKind.values)
    for kind in KINDS.values():
        template = get_template(kind.template)
        assert get_template(f"{kind.template}#web") and get_template(f"{kind.template}#pdf")
        assert template.origin.name.endswith(f"sections/kinds/{kind.code}.html")
        assert kind.label  # French, for the choice of a kind


def test_no_code_or_template_compares_a_section_key_with_a_literal():
    # « key == "radar" », « key in {"arrimage", …} », « section__key="…" », « key="…" »…
    literal = re.compile(r"""key\s*(==|!=|in)\s*[\[{("']|key\s*=\s*["'][a-z]""")
    sources = [
        *Path(settings.BASE_DIR, "roadmap").rglob("*.py"),
        *Path(settings.BASE_DIR, "templates").rglob("*.html"),
    ]
    offenders = [
        f"{path}: {line.strip()}"
        for path in sources
        if not {"migrations", "demo"} & set(path.parts)
        for line in path.read_text().splitlines()
        if literal.search(line)
    ]
    assert offenders == []


def test_a_plan_with_keys_of_its_own_shows_every_kind_on_its_pages(edition):
    keys = rekey(edition)
    assert "Responsabilité sociale" in page_text(keys[SectionKind.RADAR])
    maturity = page_text(keys[SectionKind.MATURITY])
    assert "Devient numérique" in maturity
    assert "Consulter la feuille de route" in page_text(keys[SectionKind.ROADMAP])
    assert "PSLU" in page_text(keys[SectionKind.BENEFITS])
    risks = page_text(keys[SectionKind.PLAN_RISKS])
    assert "Non-disponibilité des ressources financières" in risks
    alignment = page_text(keys[SectionKind.STRATEGIC_ALIGNMENT])
    assert "Orientations du plan stratégique" in alignment
    assert "Ambitions d'affaires" in page_text(keys[SectionKind.ORIENTATIONS])
    assert "Orientation 3" in page_text(keys[SectionKind.ANNEX])
    contributions = page_text(keys[SectionKind.TOPIC_CONTRIBUTIONS])
    assert "2.2.2" in contributions  # the first contribution to the competencies
    assert "(Signature à insérer)" in page_text(keys[SectionKind.SIGNED_MESSAGE])
    vision = edition.sections.get(shows_vision=True)
    assert "Créer de la richesse" in page_text(vision.key)


def test_a_plan_with_keys_of_its_own_has_every_kind_in_its_pdf(edition):
    rekey(edition)
    html = plan_html(edition).replace("\u00a0", " ")
    for piece in [
        "Résultats du Radar numériQc par catégorie",
        "Maturité numérique mesurée",
        "Feuille de route : initiatives par orientation et ambition d'affaires",
        "Bénéfices par initiative",
        "Mesures de gestion et d",
        "Schéma d'intégration",
        "(Signature à insérer)",
    ]:
        assert piece in html, piece
    pdf = PdfReader(io.BytesIO(render_pdf(edition)))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Responsabilité sociale" in text and "PSLU" in text


def test_a_kind_shows_nothing_of_another_kind(edition):
    """A section of text whose key was « radar » does not show the radar any more."""
    radar = edition.sections.get(kind=SectionKind.RADAR)
    radar.kind = SectionKind.NARRATIVE
    radar.save(update_fields=["kind"])
    assert "Responsabilité sociale" not in page_text(radar.key)


def test_a_section_of_contributions_without_any_needs_a_reason(edition):
    make_ready(edition)
    section = edition.sections.filter(kind=SectionKind.TOPIC_CONTRIBUTIONS).last()
    for topic in section.topics.all():
        topic.contributions.all().delete()
    problems = readiness(edition)
    assert [p.message for p in problems] == [
        f"La section « {section.title} » ne présente la contribution d'aucune initiative : "
        "ajoutez-en une, ou indiquez pourquoi il n'y en a pas encore."
    ]
    assert problems[0].url.endswith(f"/modifier/section/{section.pk}/#id_no_contribution_reason")
    section.no_contribution_reason = "Aucun projet d'IA n'est prévu cette année."
    section.save(update_fields=["no_contribution_reason"])
    assert readiness(edition) == []
    assert "Aucun projet d'IA n'est prévu cette année." in page_text(section.key)


def test_a_signed_message_needs_its_signatory(edition):
    make_ready(edition)
    message = edition.sections.filter(kind=SectionKind.SIGNED_MESSAGE).first()
    message.signatory_title = ""
    message.save(update_fields=["signatory_title"])
    problems = readiness(edition)
    assert [p.message for p in problems] == [
        f"La section « {message.title} » : titre du signataire à préciser."
    ]
    assert problems[0].url.endswith("#id_signatory_title")


def test_only_a_signed_message_has_a_signer_role(edition):
    section = edition.sections.filter(kind=SectionKind.NARRATIVE).first()
    section.signer_role = "head"
    with pytest.raises(ValidationError) as error:
        section.full_clean()
    assert "Seul un message signé a un rôle signataire." in str(error.value)
    message = edition.sections.filter(kind=SectionKind.SIGNED_MESSAGE).first()
    message.signer_role = ""
    with pytest.raises(ValidationError) as error:
        message.full_clean()
    assert "Un message signé doit indiquer le rôle qui le signe." in str(error.value)


def test_the_workflow_runs_on_a_plan_without_any_meie_key(edition):
    keys = rekey(edition)
    make_ready(edition)
    walk(edition, ("coordonnateur", "soumettre"), ("di", "recommander"), ("sm", "approuver"))
    assert edition.status == Edition.Status.APPROVED
    head = edition.sections.get(kind=SectionKind.SIGNED_MESSAGE, signer_role="head")
    di = edition.sections.get(kind=SectionKind.SIGNED_MESSAGE, signer_role="information_director")
    assert "Approuvé le" in page_text(head.key) and "Recommandé le" in page_text(di.key)
    assert head.key.startswith("partie-") and keys[SectionKind.SIGNED_MESSAGE].startswith("partie")
    html = plan_html(edition)
    assert "Approuvé le" in html and "Recommandé le" in html


def test_the_signature_block_follows_the_role_not_the_order(edition):
    """Swap the roles of the two messages: each block now shows the other step."""
    make_ready(edition)
    head = edition.sections.get(signer_role="head")
    di = edition.sections.get(signer_role="information_director")
    Section.objects.filter(pk=head.pk).update(signer_role="information_director")
    Section.objects.filter(pk=di.pk).update(signer_role="head")
    walk(edition, ("coordonnateur", "soumettre"), ("di", "recommander"))
    assert "Recommandé le" in page_text(head.key)
    assert "Recommandé le" not in page_text(di.key)
