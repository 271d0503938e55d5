"""The PDF of a release: the notice of recourse first, then the plan in its own layout with each
withheld passage replaced by a box, then the annex of the grounds invoked.

The plan's own template (templates/report/plan.html) renders the redacted copy of the data
(releases/redaction.py): nothing of the withheld information is handed to it. The notice, the
header with the request number and the annex are added around that document; the render is the
plan's (roadmap.pdf.report.render_html), and the file is archived with its SHA-256.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation

from releases.models import Publication, RecourseNotice, Release
from releases.redaction import Redaction, Withheld, finish_html
from roadmap.markdown import render_markdown
from roadmap.models import Edition, Transition
from roadmap.pdf.report import french_typography, render_html, report_context
from roadmap.signatures import SIGNING_STEPS, signatures

# What the plan's template reads that is about the plan's records (the rest — the edition's
# body, the figures, the charts and signatures — carries no content that can be withheld).
REDACTED_KEYS = (
    "edition",
    "sections",
    "initiatives",
    "benefit_initiatives",
    "risk_initiatives",
    "orientations",
    "strategic_orientations",
    "roadmap",
    "plan_risks",
)


def redacted_context(edition: Edition, redaction: Redaction) -> dict:
    """The plan's report context, with every record the template reads redacted."""
    context = report_context(edition)
    for key in REDACTED_KEYS:
        context[key] = redaction.wrap(context[key])
    # The signature blocks name the signatory entered on the section: read them from the
    # redacted sections. A withheld signatory is not named again as the account that recorded
    # the step, and a published plan names no account at all.
    signed = {}
    for key, signature in signatures(edition, context["sections"]).items():
        if redaction.public or isinstance(signature.name, Withheld):
            signature = replace(signature, recorded_by="")
        signed[key] = signature
    context["signatures"] = signed
    context["approval"] = signed.get(SIGNING_STEPS[Transition.Action.APPROVE])
    return context


def redacted_plan_html(edition: Edition, redaction: Redaction) -> str:
    """The plan's HTML document (the PDF's or a public page's source), redacted."""
    with translation.override("fr-ca"):
        html = render_to_string("report/plan.html", redacted_context(edition, redaction))
    return finish_html(html, redaction.grounds)


def release_html(release: Release) -> str:
    edition = release.edition
    redaction = Redaction.of_release(release)
    plan = redacted_plan_html(edition, redaction)
    notice = RecourseNotice.for_body(edition.body_id)
    with translation.override("fr-ca"):
        extra = {
            "release": release,
            "edition": edition,
            "notice": notice,
            "notice_html": render_markdown(notice.text, id_prefix="avis") if notice else "",
            "grounds": redaction.used_grounds(),
        }
        head = render_to_string("releases/pdf_head.html", extra)
        front = render_to_string("releases/pdf_notice.html", extra)
        annex = render_to_string("releases/pdf_annex.html", extra)
    plan = plan.replace("</head>", head + "</head>", 1)
    start = plan.index("<body>") + len("<body>")
    plan = plan[:start] + front + plan[start:]
    end = plan.rindex("</body>")
    plan = plan[:end] + annex + plan[end:]
    return french_typography(plan)


def filename_for(release: Release) -> str:
    edition = release.edition
    return f"PTN-{edition.body.acronym}-{edition.fiscal_year}-diffusion-{release.number}.pdf"


def release_produce(release: Release) -> bytes:
    """Render the release's PDF and archive it with its SHA-256 (replacing an earlier render
    while the release has not been sent)."""
    content = render_html(release_html(release), label=str(release))
    if release.pdf:
        release.pdf.delete(save=False)
    edition = release.edition
    release.pdf.save(
        f"{edition.body.slug}/{edition.fiscal_year}/{filename_for(release)}",
        ContentFile(content),
        save=False,
    )
    release.pdf_sha256 = hashlib.sha256(content).hexdigest()
    release.pdf_at = timezone.now()
    release.save(update_fields=["pdf", "pdf_sha256", "pdf_at"])
    return content


def published_html(edition: Edition, release: Release | None) -> str:
    """The published plan's PDF source: the plan with the chosen release's withholdings and,
    when some were applied, the annex of their grounds (no notice, no request number)."""
    redaction = Redaction.of_release(release, public=True)
    plan = redacted_plan_html(edition, redaction)
    if release is not None and redaction.grounds:
        with translation.override("fr-ca"):
            extra = {"edition": edition, "grounds": redaction.used_grounds(), "release": None}
            head = render_to_string("releases/pdf_head.html", extra)
            annex = render_to_string("releases/pdf_annex.html", extra)
        plan = plan.replace("</head>", head + "</head>", 1)
        end = plan.rindex("</body>")
        plan = plan[:end] + annex + plan[end:]
    return french_typography(plan)


def publication_produce(publication: Publication) -> bytes:
    """Render the published PDF (the plan with the chosen release's withholdings) and keep it:
    the public page serves this file, never a render made on an anonymous request."""
    edition = publication.edition
    content = render_html(
        published_html(edition, publication.release), label=f"publication {edition}"
    )
    if publication.pdf:
        publication.pdf.delete(save=False)
    publication.pdf.save(
        f"{edition.body.slug}/{edition.fiscal_year}/{public_filename(edition)}",
        ContentFile(content),
        save=False,
    )
    publication.pdf_sha256 = hashlib.sha256(content).hexdigest()
    publication.save(update_fields=["pdf", "pdf_sha256"])
    return content


def public_filename(edition: Edition) -> str:
    return f"PTN-{edition.body.acronym}-{edition.fiscal_year}.pdf"
