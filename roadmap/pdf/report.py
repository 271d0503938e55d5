"""The plan as a PDF: one HTML template with its print stylesheet, rendered by WeasyPrint.

One function (`pdf_for_edition`) serves the download button, the management command and the
archive made at approval. An approved edition's PDF is rendered once, stored with its SHA-256,
and served byte for byte from then on; a draft's PDF is cached until the edition next changes.

The PDF reads the plan's data and never the workflow: the signature blocks come from
roadmap/signatures.py, and the workflow asks for the archive through the task queue
(roadmap/pdf/tasks.py). The render itself runs in roadmap/pdf/worker.py, in a child process.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Max, Prefetch
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from initiatives.models import Contribution, Initiative
from roadmap.charts import maturity_chart, radar_chart
from roadmap.figures import EditionFigures
from roadmap.formatting import long_date
from roadmap.history.changes import edition_sources
from roadmap.models import Edition, Maturity, PlanRisk, Radar, RadarScore, Topic, Transition
from roadmap.pdf import worker
from roadmap.section_kinds import assessed_radar, measured_maturity
from roadmap.signatures import SIGNING_STEPS, signatures

logger = logging.getLogger(__name__)

STATIC_DIR = settings.BASE_DIR / "static"
STYLESHEET = STATIC_DIR / "report" / "plan.css"
# What the document is made of besides the data: a change to any of them renders drafts again.
REPORT_SOURCES = [
    settings.BASE_DIR / "templates" / "report" / "plan.html",
    settings.BASE_DIR / "templates" / "roadmap" / "includes" / "radar_svg.html",
    settings.BASE_DIR / "templates" / "roadmap" / "includes" / "maturity_svg.html",
    STYLESHEET,
    STATIC_DIR / "report" / "toc-leader.svg",
    STATIC_DIR / "report" / "watermark.svg",
    settings.BASE_DIR / "roadmap" / "pdf" / "worker.py",  # finishes the tagging
    # What each kind of section shows (their « pdf » partials).
    *sorted((settings.BASE_DIR / "templates" / "sections" / "kinds").glob("*.html")),
]


def report_version() -> str:
    digest = hashlib.sha256()
    for path in REPORT_SOURCES:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class Annex:
    """A part added after the plan's sections for one render (e.g. the follow-up's « État
    d'avancement »): its anchor, its title in the table of contents, its HTML (headings from
    h3). The annual plan has none unless the person asks for one."""

    anchor: str
    title: str
    html: str


class RenderError(Exception):
    """The PDF could not be produced; the message is for the person who asked, in French."""


@dataclass(frozen=True)
class PlanPdf:
    content: bytes
    sha256: str
    filename: str
    archived: bool


def report_context(edition: Edition, annexes: tuple[Annex, ...] = ()) -> dict:
    sections = list(
        edition.sections.prefetch_related(
            "items",
            Prefetch(
                "topics",
                queryset=Topic.objects.prefetch_related(
                    Prefetch(
                        "contributions", queryset=Contribution.objects.select_related("initiative")
                    )
                ),
            ),
        )
    )
    initiatives = list(
        edition.initiatives.with_roadmap_relations().prefetch_related(
            "benefits__indicators__measurements",
            "risks__mitigations",
        )
    )
    initiatives.sort(key=lambda i: i.sort_key)
    orientations = list(
        edition.orientations.prefetch_related("ambitions", "strategic_orientations")
    )
    by_ambition: dict[int, list[Initiative]] = {}
    for initiative in initiatives:
        by_ambition.setdefault(initiative.ambition_id, []).append(initiative)
    roadmap = [
        (orientation, [(a, by_ambition.get(a.pk, [])) for a in orientation.ambitions.all()])
        for orientation in orientations
    ]
    radar = assessed_radar(edition)
    radar_scores = list(radar.scores.all()) if radar else []
    maturity = measured_maturity(edition)
    signed = signatures(edition, sections)
    approval = signed.get(SIGNING_STEPS[Transition.Action.APPROVE])
    return {
        "edition": edition,
        "sections": sections,
        "initiatives": initiatives,
        "benefit_initiatives": [i for i in initiatives if i.benefits.all()],
        "risk_initiatives": [i for i in initiatives if i.risks.all()],
        "orientations": orientations,
        "strategic_orientations": list(
            edition.strategic_orientations.prefetch_related("orientations")
        ),
        "roadmap": roadmap,
        "maturity": maturity,
        "maturity_chart": maturity_chart(maturity) if maturity else None,
        "maturity_alt": maturity_alt(maturity) if maturity else "",
        "radar": radar,
        "radar_scores": radar_scores,
        "radar_alt": radar_alt(radar, radar_scores) if radar else "",
        "chart": radar_chart(
            [(s.category, s.score) for s in radar_scores], radar.scale_max, radar.scale_min
        )
        if radar
        else None,
        "plan_risks": list(
            PlanRisk.objects.filter(edition=edition).prefetch_related("mitigations")
        ),
        "signatures": signed,
        "approval": approval,
        "figures": EditionFigures(edition, radar=radar, maturity=maturity),
        "generated_at": timezone.now(),
        "annexes": annexes,
    }


def radar_alt(radar: Radar, scores: list[RadarScore]) -> str:
    """The radar chart in words, for readers who do not see it (the figure's alternative text)."""
    parts = [
        f"Radar numériQc : résultat global {formats.localize(radar.overall)} "
        f"sur une échelle de {radar.scale_min} à {radar.scale_max}"
    ]
    parts += [f"{score.category} {formats.localize(score.score)}" for score in scores]
    return "; ".join(parts) + "."


def maturity_alt(maturity: Maturity) -> str:
    """The maturity scale in words (the figure's alternative text)."""
    return (
        f"Maturité numérique mesurée : {formats.localize(maturity.score)} sur une échelle de "
        f"{maturity.scale_min} à {maturity.scale_max}, étape {maturity.current_stage} "
        f"« {maturity.current_stage_label} »; cible : étape {maturity.target_stage} "
        f"« {maturity.target_stage_label} » d'ici le {long_date(maturity.target_date)}."
    )


FRENCH_SPACE_RE = re.compile(r"(?<=>)([^<]+)")
NBSP = "\u00a0"
ENTITY_RE = re.compile(r"(&#?\w+;)")


def french_typography(html: str) -> str:
    """Non-breaking spaces before « : ; ? ! » and inside « », in text only (not in tags)."""

    def fix_text(text: str) -> str:
        text = re.sub(r"[ \u00a0\u202f]*([:;?!»])", NBSP + r"\1", text)
        text = re.sub(r"«[ \u00a0\u202f]*", "«" + NBSP, text)
        # Times and URLs are not punctuation: undo « 12 : 30 » and « https : ».
        text = re.sub(r"(\d)\u00a0:(\d)", r"\1:\2", text)
        return re.sub(r"(https?)\u00a0:", r"\1:", text)

    def fix(match: re.Match) -> str:
        # HTML entities (« &#x27; ») end with a semicolon that is not punctuation.
        parts = ENTITY_RE.split(match.group(1))
        return "".join(p if ENTITY_RE.fullmatch(p) else fix_text(p) for p in parts)

    return FRENCH_SPACE_RE.sub(fix, html)


def plan_html(edition: Edition, annexes: tuple[Annex, ...] = ()) -> str:
    with translation.override("fr-ca"):
        html = render_to_string("report/plan.html", report_context(edition, annexes))
    return french_typography(html)


_pool_context = None


def _context():
    """A forkserver: children are forked from a clean, single-threaded process (not the
    threaded web server), with WeasyPrint imported and the stylesheet and its fonts loaded
    (see roadmap.pdf.forkserver)."""
    global _pool_context
    if _pool_context is None:
        _pool_context = multiprocessing.get_context("forkserver")
        _pool_context.set_forkserver_preload(["roadmap.pdf.forkserver"])
    return _pool_context


def render_pdf(
    edition: Edition, *, timeout: float | None = None, annexes: tuple[Annex, ...] = ()
) -> bytes:
    """Render the edition's PDF in a child process, killed if it takes longer than ``timeout``
    (with ``annexes`` after its sections, when asked for)."""
    return render_html(plan_html(edition, annexes), label=str(edition), timeout=timeout)


def render_html(html: str, *, label: str, timeout: float | None = None) -> bytes:
    """Render a document written for the plan's stylesheet (the plan, or a release of it, see
    releases/pdf.py) in a child process, killed if it takes longer than ``timeout``."""
    timeout = timeout or settings.PDF_RENDER_TIMEOUT
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=worker.child, args=(html, str(STATIC_DIR), str(STYLESHEET), sender)
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            process.kill()
            raise RenderError(
                f"La production du PDF a dépassé {timeout:.0f} secondes et a été arrêtée."
            )
        status, payload = receiver.recv()
    except EOFError as error:
        raise RenderError("La production du PDF a échoué.") from error
    finally:
        receiver.close()
        process.join(timeout=5)
    if status != "ok":
        logger.error("PDF render of %s failed: %s", label, payload)
        raise RenderError("La production du PDF a échoué. L'équipe du portail a été avertie.")
    return payload


def content_fingerprint(edition: Edition) -> str:
    """Changes whenever any record of the edition changes (the history only grows)."""
    parts = [report_version(), edition.status, str(edition.version)]
    for model, queryset in edition_sources(edition):
        parts.append(f"{model.__name__}:{queryset.aggregate(last=Max('history_id'))['last']}")
    parts.append(str(edition.transitions.aggregate(last=Max("pk"))["last"]))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def filename_for(edition: Edition) -> str:
    return f"PTN-{edition.body.acronym}-{edition.fiscal_year}.pdf"


def ready_pdf(edition: Edition) -> PlanPdf | None:
    """The PDF if it can be handed out now (archived, or cached for the current content)."""
    if edition.archived_pdf:
        return _archived(edition)
    if edition.status in (Edition.Status.APPROVED, Edition.Status.TRANSMITTED):
        return None  # to be archived first
    return _cached(edition, cache_name(edition))


def pdf_for_edition(edition: Edition) -> PlanPdf:
    """The PDF to hand out: the archive of an approved edition, else a cached or fresh render."""
    if edition.archived_pdf:
        return _archived(edition)
    if edition.status in (Edition.Status.APPROVED, Edition.Status.TRANSMITTED):
        archive(edition)
        return _archived(edition)
    name = cache_name(edition)
    pdf = _cached(edition, name)
    if pdf is None:
        content = render_pdf(edition)
        _drop_old_cache(edition)
        default_storage.save(name, ContentFile(content))
        pdf = PlanPdf(content, hashlib.sha256(content).hexdigest(), filename_for(edition), False)
    return pdf


def cache_name(edition: Edition) -> str:
    """Where the render of the edition's current content is cached (housekeeping keeps it)."""
    return f"{cache_folder(edition)}/{content_fingerprint(edition)}.pdf"


def cache_folder(edition: Edition) -> str:
    """One folder per edition: two bodies' editions of one fiscal year keep their own renders
    (other renders of an edition, e.g. the follow-up's annex, go in subfolders of it)."""
    return f"pdf-cache/{edition.body.slug}/{edition.fiscal_year}"


def _archived(edition: Edition) -> PlanPdf:
    with edition.archived_pdf.open("rb") as stored:
        content = stored.read()
    return PlanPdf(content, edition.archived_pdf_sha256, filename_for(edition), True)


def _cached(edition: Edition, name: str) -> PlanPdf | None:
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as cached:
        content = cached.read()
    return PlanPdf(content, hashlib.sha256(content).hexdigest(), filename_for(edition), False)


def _drop_old_cache(edition: Edition) -> None:
    folder = cache_folder(edition)
    try:  # an object store has no folders: list, do not ask whether the folder exists
        old_files = default_storage.listdir(folder)[1]
    except FileNotFoundError:
        return
    for old in old_files:
        default_storage.delete(f"{folder}/{old}")


def archive(edition: Edition) -> None:
    """Render an approved edition once and keep the file and its SHA-256 (write once)."""
    edition.refresh_from_db()
    if edition.archived_pdf:
        return
    content = render_pdf(edition)
    edition.archived_pdf.save(
        f"{edition.body.slug}/{edition.fiscal_year}/{filename_for(edition)}",
        ContentFile(content),
        save=False,
    )
    edition.archived_pdf_sha256 = hashlib.sha256(content).hexdigest()
    edition.archived_at = timezone.now()
    edition.save(update_fields=["archived_pdf", "archived_pdf_sha256", "archived_at"])
