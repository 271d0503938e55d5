"""The plan as a PDF, read back with pypdf: content, table of contents, watermark, archive,
cache, metadata, and safety against hostile text."""

import hashlib
import http.server
import re
import threading
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from accounts.models import User
from initiatives.models import Initiative
from roadmap import pdf_worker
from roadmap.formatting import long_date
from roadmap.models import Edition, PlanRisk
from roadmap.report import (
    STATIC_DIR,
    RenderError,
    content_fingerprint,
    pdf_for_edition,
    plan_html,
    render_pdf,
)
from roadmap.workflow import edition_transition
from tests.test_workflow import make_ready

YEAR = "2023-2024"


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, whitespace folded, no-break spaces made plain."""
    reader = PdfReader(BytesIO(pdf))
    return [" ".join(p.extract_text().replace("\u00a0", " ").split()) for p in reader.pages]


def fold(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("’", "'").split())


@pytest.fixture(scope="module")
def demo_pdf(django_db_blocker) -> bytes:
    with django_db_blocker.unblock():
        return render_pdf(Edition.objects.get(fiscal_year=YEAR))


def test_every_heading_code_title_figure_and_risk_is_in_the_pdf(demo_pdf, edition):
    text = fold(" ".join(pages_text(demo_pdf)))
    for section in edition.sections.all():
        assert fold(section.title) in text, section.title
    for initiative in edition.initiatives.all():
        assert f"{initiative.code} {fold(initiative.title)}" in text, initiative.code
    for figure in ["2 M$", "105 k$", "2,3", "1,75", "2 000 000 $", "105 000 $"]:
        assert figure in text, figure
    for score in ["1,25", "1,67", "3,00", "2,50", "1,14", "1,20", "1,50"]:
        assert score in text, score
    for risk in PlanRisk.objects.filter(edition=edition).prefetch_related("mitigations"):
        assert fold(risk.title) in text
        for mitigation in risk.mitigations.all():
            assert fold(mitigation.text) in text, mitigation.text


def test_table_of_contents_page_numbers_are_where_the_headings_are(demo_pdf, edition):
    pages = [fold(t) for t in pages_text(demo_pdf)]
    toc = pages[1]
    assert toc.startswith("Table des matières")
    for section in edition.sections.all():
        title = fold(section.title)
        match = re.search(re.escape(title) + r"[ .]*?(\d+)(?!\d)", toc)
        assert match, f"{title} is not in the table of contents"
        page = int(match[1])
        assert title in pages[page - 1], f"{title} is not on page {page}"
        assert page > 2


def test_a_draft_has_the_watermark_on_every_page(demo_pdf):
    for number, text in enumerate(pages_text(demo_pdf), start=1):
        assert "Projet — non approuvé" in text, number


def test_footer_and_running_header(demo_pdf):
    pages = pages_text(demo_pdf)
    total = len(pages)
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} de {total}" in text
        assert "Diffusion limitée" in text
        assert "Plan de transformation numérique — MEIE — 2023-2024" in text


def test_metadata_tags_and_fonts(demo_pdf):
    reader = PdfReader(BytesIO(demo_pdf))
    meta = reader.metadata
    assert meta.title == "Plan de transformation numérique 2023-2024 — MEIE"
    assert meta.author == "Ministère de l’Économie, de l’Innovation et de l’Énergie"
    assert meta.creation_date is not None
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr-CA"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert reader.pdf_header.startswith("%PDF-1.")
    assert not reader.attachments
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts and all(f.startswith(("Open-Sans", "Roboto")) for f in fonts), fonts


def test_letter_size(demo_pdf):
    page = PdfReader(BytesIO(demo_pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_french_typography_in_the_report(edition):
    html = plan_html(edition)
    assert "«\u00a0devenir numérique\u00a0»" in html
    assert " :" not in re.sub(r"<[^>]+>", "", html).replace("\u00a0:", "")
    assert "d&#x27;" in html or "d’" in html  # entities survive


def test_radar_and_maturity_are_vector_figures(edition):
    html = plan_html(edition)
    assert html.count("<svg") == 2 and "<img" in html  # the two charts, and the logo
    assert html.count('class="radar-chart"') == 1


# --- Approved: archived once, served byte for byte ---------------------------------------


@pytest.fixture(autouse=True)
def fresh_storage(settings):
    """Database ids are reused after a test's rollback: start each test with no stored PDF."""
    import shutil

    shutil.rmtree(Path(settings.MEDIA_ROOT), ignore_errors=True)


@pytest.fixture
def approved(edition) -> Edition:
    make_ready(edition)
    for username, step in [
        ("coordonnateur", "soumettre"),
        ("di", "recommander"),
        ("sm", "approuver"),
    ]:
        edition_transition(edition=edition, user=User.objects.get(username=username), step=step)
    from roadmap.report import archive

    archive(edition)  # what approval does once the transaction commits
    edition.refresh_from_db()
    return edition


def test_approval_archives_the_pdf_and_it_is_served_byte_for_byte(approved, reader_client):
    stored = approved.archived_pdf.read()
    approved.archived_pdf.close()
    assert hashlib.sha256(stored).hexdigest() == approved.archived_pdf_sha256
    response = reader_client.get(reverse("roadmap:pdf", args=[YEAR]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == stored
    assert response["ETag"] == f'"{approved.archived_pdf_sha256}"'
    page = reader_client.get(reverse("roadmap:edition", args=[YEAR])).content.decode()
    assert approved.archived_pdf_sha256 in page
    text = [fold(t) for t in pages_text(stored)]
    assert all("Projet — non approuvé" not in t for t in text)


def test_approval_keeps_the_signatories_as_entered_and_adds_who_did_each_step(approved):
    """The coordinator named « Jonathan Gignac » and « Marie Fortier, CPA »; the demo accounts
    that recommended and approved are someone else: the blocks keep the names and titles, the
    workflow adds the date, and who recorded the step."""
    with translation.override("fr-ca"):
        recommended = long_date(approved.transitions.get(action="recommend").at)
        approved_on = long_date(approved.transitions.get(action="approve").at)
    text = [fold(t) for t in pages_text(approved.archived_pdf.read())]
    approved.archived_pdf.close()
    assert (
        f"Approuvé le {approved_on} par Jonathan Gignac, sous-ministre "
        "(enregistré par Démo Sous-ministre)" in text[0]
    )
    sm_page = next(t for t in text[2:] if t.startswith("Message du sous-ministre"))
    assert (
        f"Approuvé le {approved_on} (enregistré par Démo Sous-ministre) Jonathan Gignac "
        "Sous-ministre" in sm_page
    )
    di_page = next(t for t in text[2:] if t.startswith("Message de la dirigeante"))
    assert (
        f"Recommandé le {recommended} (enregistré par Démo Dirigeante de l'information) "
        "Marie Fortier, CPA Dirigeante de l'information" in di_page
    )
    document = " ".join(text)
    assert "Signé électroniquement" not in document and "(Signature à insérer)" not in document


def test_the_archive_is_never_rendered_again(approved):
    name = approved.archived_pdf.name
    before = Path(default_storage.path(name)).stat().st_mtime_ns
    assert pdf_for_edition(approved).archived
    assert Path(default_storage.path(name)).stat().st_mtime_ns == before


# --- Draft: cached until the edition changes ------------------------------------------------


def run_worker() -> None:
    """What `manage.py db_worker` does for each queued task: claim it and run it with the
    worker's own code. (Not the command's polling loop: between tasks it closes database
    connections, which would close the test's transaction on PostgreSQL.)"""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    for result in DBTaskResult.objects.ready():
        result.claim("tests")
        worker.run_task(result)


def test_a_draft_is_rendered_in_the_background_with_progress_then_cached(edition, reader_client):
    url = reverse("roadmap:pdf", args=[YEAR])
    first = reader_client.get(url)
    assert first.status_code == 302 and first["Location"] == reverse(
        "roadmap:pdf_progress", args=[YEAR]
    )
    waiting = reader_client.get(first["Location"])
    assert "Production du PDF en attente de démarrage" in waiting.content.decode()
    assert 'http-equiv="refresh"' in waiting.content.decode()
    run_worker()
    done = reader_client.get(first["Location"]).content.decode()
    assert "Le PDF est prêt." in done and 'http-equiv="refresh"' not in done
    downloaded = reader_client.get(url)
    assert downloaded.status_code == 200 and downloaded.content.startswith(b"%PDF-1.")

    cached = f"pdf-cache/{YEAR}/{content_fingerprint(edition)}.pdf"
    assert default_storage.exists(cached)
    # Prove the next download comes from the cache: it returns what the cache holds.
    with default_storage.open(cached, "wb") as f:
        f.write(b"%PDF-cached")
    assert reader_client.get(url).content == b"%PDF-cached"

    initiative = Initiative.objects.get(edition=edition, code="1.1.2")
    initiative.title = "Titre changé après le premier téléchargement"
    initiative.save()
    assert reader_client.get(url).status_code == 302  # changed: rendered again
    run_worker()
    third = reader_client.get(url)
    assert third.content.startswith(b"%PDF-1.")
    assert "Titre changé après le premier téléchargement" in " ".join(pages_text(third.content))
    assert not default_storage.exists(cached)  # the stale render is gone


def test_a_failed_render_gives_a_clear_message_not_an_error_page(edition, reader_client, settings):
    settings.PDF_RENDER_TIMEOUT = 0.01
    reader_client.get(reverse("roadmap:pdf", args=[YEAR]))
    run_worker()
    response = reader_client.get(reverse("roadmap:pdf_progress", args=[YEAR]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "La production du PDF a échoué" in page and "Réessayer" in page
    with pytest.raises(RenderError, match="a dépassé"):
        render_pdf(edition)


def test_downloading_needs_a_role(outsider_client):
    assert outsider_client.get(reverse("roadmap:pdf", args=[YEAR])).status_code == 403


def test_management_command_writes_the_same_document(edition, tmp_path):
    output = tmp_path / "plan.pdf"
    call_command("render_plan_pdf", edition=YEAR, output=str(output), verbosity=0)
    text = pages_text(output.read_bytes())
    assert "Table des matières" in text[1]


# --- Safe by construction ---------------------------------------------------------------------


class Canary(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        Canary.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"canary")

    def log_message(self, *args):
        pass


@pytest.fixture
def canary():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Canary)
    Canary.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_hostile_text_fetches_nothing_and_leaks_nothing(edition, canary):
    initiative = Initiative.objects.get(edition=edition, code="1.1.1")
    initiative.description = (
        f'<img src="{canary}/canary-img">\n'
        '<img src="file:///etc/passwd">\n'
        '<link rel="attachment" href="file:///etc/passwd">\n'
        f'<style>@import url("{canary}/canary-import"); p {{ background: url("{canary}/canary-css") }}</style>\n'
        f'<p style="background-image: url({canary}/canary-inline)">texte</p>\n'
        f'<svg><image href="{canary}/canary-svg"/><image href="file:///etc/passwd"/></svg>\n'
        f"![image]({canary}/canary-markdown)\n\n[lien]({canary}/canary-link)"
    )
    initiative.save()
    section = edition.sections.get(key="note-au-lecteur")
    section.body += f'\n\n<object data="{canary}/canary-object"></object><iframe src="file:///etc/passwd"></iframe>'
    section.save()
    pdf = render_pdf(edition)
    assert Canary.hits == []
    reader = PdfReader(BytesIO(pdf))
    assert not reader.attachments
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    text = " ".join(pages_text(pdf))
    assert "root:x:0:0" not in text


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.css",
        "https://example.org/font.woff2",
        "file:///etc/passwd",
        "data:text/css,body{color:red}",
        f"file://{STATIC_DIR}/../ptn/settings.py",
        f"file://{STATIC_DIR}/vendor/../../ptn/settings.py",
        "ftp://example.org/x",
    ],
)
def test_the_fetcher_refuses_everything_but_our_static_files(url):
    fetcher = pdf_worker.StaticOnlyFetcher(STATIC_DIR)
    with pytest.raises(Exception):  # noqa: B017 - WeasyPrint treats any exception as a refusal
        fetcher.fetch(url)


def test_the_fetcher_serves_our_own_static_files():
    fetcher = pdf_worker.StaticOnlyFetcher(STATIC_DIR)
    response = fetcher.fetch((STATIC_DIR / "report" / "plan.css").as_uri())
    assert response.read().startswith(b"/*")


def test_a_renderer_prepared_in_the_forkserver_serves_only_its_own_stylesheet(tmp_path):
    """The forkserver parses plan.css once; a child never renders with an outdated copy."""
    static, stylesheet = STATIC_DIR.resolve(), (STATIC_DIR / "report" / "plan.css").resolve()
    prepared = pdf_worker.Renderer.load(static, stylesheet)
    assert prepared.serves(static, stylesheet)
    edited = tmp_path / "plan.css"
    edited.write_bytes(prepared.source + b"\nbody { color: red; }\n")
    assert not prepared.serves(static, edited)
    assert not prepared.serves(tmp_path, stylesheet)
