"""Helpers of the release tests: canary strings in every kind of withholdable field, and the
search of every byte of a PDF (decompressed by qpdf) and of its text."""

from __future__ import annotations

import subprocess
import tempfile
from io import BytesIO
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from pypdf import PdfReader

from accounts.models import User
from benefits.models import Benefit, Indicator
from initiatives.models import Contribution, Initiative, InitiativeRisk, InitiativeRiskMitigation
from releases.models import Ground, Release
from releases.services import release_open, withholding_add
from roadmap.models import Edition, PlanRisk, PlanRiskMitigation, Section, SectionItem, Topic


def approve(edition: Edition) -> Edition:
    """The edition as approved (the workflow is tested elsewhere; only its status matters)."""
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.APPROVED)
    edition.refresh_from_db()
    return edition


def plant(model, record, field: str, canary: str, *, passage: bool = False) -> None:
    """Put ``canary`` in the record's field: the whole value, or a passage within its text."""
    value = getattr(record, field) or ""
    new = f"{value} Avant {canary} après." if passage else f"{canary} {value}".strip()
    model._base_manager.filter(pk=record.pk).update(**{field: new})


# kind → (model, how to find the record in the demo edition, field, withheld how)
# how: "whole" (the record), "field", or "passage".
def canary_targets(edition: Edition) -> list[tuple[str, type, object, str, str]]:
    initiative = edition.initiatives.get(code="1.1.1")
    other = edition.initiatives.get(code="2.2.3")
    benefit = Benefit.objects.filter(initiative=initiative).first()
    indicator = Indicator.objects.filter(benefit__initiative__edition=edition).first()
    plan_risk = PlanRisk.objects.filter(edition=edition).first()
    second_risk = PlanRisk.objects.filter(edition=edition).exclude(pk=plan_risk.pk).first()
    mitigation = PlanRiskMitigation.objects.filter(risk=second_risk).first()
    initiative_risk = InitiativeRisk.objects.filter(initiative__edition=edition).first()
    initiative_mitigation = InitiativeRiskMitigation.objects.filter(
        risk__initiative__edition=edition
    ).first()
    section = Section.objects.get(edition=edition, key="note-au-lecteur")
    signed = Section.objects.filter(edition=edition).exclude(signatory_name="").first()
    item = SectionItem.objects.filter(section__edition=edition).first()
    second_item = SectionItem.objects.filter(section__edition=edition).exclude(pk=item.pk).first()
    topic = Topic.objects.filter(section__edition=edition).first()
    contribution = Contribution.objects.filter(initiative__edition=edition).first()
    return [
        ("CANARYSECTIONTEXT", Section, section, "body", "passage"),
        ("CANARYLISTITEM", SectionItem, item, "title", "whole"),
        ("CANARYITEMTEXT", SectionItem, second_item, "text", "passage"),
        ("CANARYINITTITLE", Initiative, other, "title", "field"),
        ("CANARYINITDESC", Initiative, initiative, "description", "field"),
        ("CANARYINITPHASE", Initiative, initiative, "phase", "field"),
        ("CANARYBENEFIT", Benefit, benefit, "description", "whole"),
        ("CANARYINDICATOR", Indicator, indicator, "name", "field"),
        ("CANARYRISK", PlanRisk, plan_risk, "title", "whole"),
        ("CANARYMITIGATION", PlanRiskMitigation, mitigation, "text", "field"),
        ("CANARYINITRISK", InitiativeRisk, initiative_risk, "description", "field"),
        ("CANARYINITMITIG", InitiativeRiskMitigation, initiative_mitigation, "text", "passage"),
        ("CANARYTOPIC", Topic, topic, "intro", "passage"),
        ("CANARYCONTRIB", Contribution, contribution, "text", "whole"),
        ("CANARYVISION", Edition, edition, "vision", "passage"),
        ("CANARYSIGNATORY", Section, signed, "signatory_name", "field"),
    ]


CONTROL = "CANARYKEPTVISIBLE"  # planted, never withheld: the search must find it


def planted_release(edition: Edition, officer: User) -> tuple[Release, list[str]]:
    """Canaries planted in 16 kinds of fields of the draft, the edition approved, and a release
    that withholds each of them (whole record, field or passage) on art. 22."""
    targets = canary_targets(edition)
    for canary, model, record, field, how in targets:
        plant(model, record, field, canary, passage=how == "passage")
    section = Section.objects.get(edition=edition, key="note-au-lecteur")
    Section.objects.filter(pk=section.pk).update(conclusion=f"Témoin {CONTROL}.")
    approve(edition)
    release = release_open(
        edition=edition,
        user=officer,
        request_number="2026-0042",
        received_on=edition.created_at.date(),
        due_on=edition.created_at.date(),
        applicant="Jeanne CANARYAPPLICANT",
    )
    ground = Ground.objects.get(article="22")
    for canary, model, record, field, how in targets:
        withholding_add(
            release=release,
            user=officer,
            model=model,
            object_id=record.pk,
            field="" if how == "whole" else field,
            passage=canary if how == "passage" else "",
            ground=ground,
        )
    assert release.withholdings.count() == len(targets)
    assert {w.content_type for w in release.withholdings.all()} >= {
        ContentType.objects.get_for_model(m) for m in (Section, Initiative, Benefit, PlanRisk)
    }
    return release, [t[0] for t in targets] + ["CANARYAPPLICANT"]


def pdf_haystacks(pdf: bytes) -> list[bytes]:
    """Every byte of the PDF once decompressed (qpdf --qdf, no object streams), and its text
    as extracted by pypdf: text drawn with a font is glyph ids, not the characters."""
    with tempfile.TemporaryDirectory() as folder:
        source, expanded = Path(folder) / "in.pdf", Path(folder) / "out.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["qpdf", "--qdf", "--object-streams=disable", str(source), str(expanded)],
            check=False,  # qpdf exits 3 on warnings; the output is written all the same
            capture_output=True,
        )
        raw = expanded.read_bytes()
    reader = PdfReader(BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    folded = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
    return [raw, text.encode(), folded.encode()]


def found_in(haystacks: list[bytes], needle: str) -> bool:
    """In the bytes as UTF-8, UTF-16 (big endian, as PDF text strings are) or Latin-1."""
    forms = {needle.encode(), needle.encode("utf-16-be"), needle.encode("latin-1", "ignore")}
    return any(form in hay for hay in haystacks for form in forms)
