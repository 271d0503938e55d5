"""The plan as a PDF, read back with pypdf: content, table of contents, watermark, archive,
cache, metadata, its tag structure (PDF/UA), and safety against hostile text."""

import datetime
import hashlib
import http.server
import itertools
import re
import threading
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from accounts.models import User
from initiatives.models import Initiative
from roadmap.formatting import long_date
from roadmap.models import Edition, PlanRisk
from roadmap.pdf import worker as pdf_worker
from roadmap.pdf.report import (
    STATIC_DIR,
    RenderError,
    content_fingerprint,
    pdf_for_edition,
    plan_html,
    render_pdf,
)
from roadmap.workflow.steps import edition_transition
from tests.test_workflow import make_ready

YEAR = "2023-2024"
BODY = "meie"


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, whitespace folded, no-break spaces made plain."""
    reader = PdfReader(BytesIO(pdf))
    return [" ".join(p.extract_text().replace("\u00a0", " ").split()) for p in reader.pages]


def fold(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("’", "'").split())


ARTIFACT = "Artifact"


def marked_pieces(page) -> list[tuple[object, str]]:
    """The page's text in content order, each piece with what marks it: its marked-content id
    (tagged content, which a screen reader reads through the structure tree) or ARTIFACT (page
    furniture, which it skips)."""
    marks: list[object] = []
    pieces: list[tuple[object, str]] = []

    def operator(op, args, *_):
        if op == b"BDC":
            marks.append(args[1].get("/MCID") if isinstance(args[1], DictionaryObject) else None)
        elif op == b"BMC":
            marks.append(str(args[0]).lstrip("/"))
        elif op == b"EMC":
            marks.pop()

    def text(piece, *_):
        if piece.strip():
            pieces.append((ARTIFACT if ARTIFACT in marks else marks[-1] if marks else None, piece))

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return pieces


def tagged_text(pdf: bytes) -> list[str]:
    """Each page's text that is tagged content (artifacts left out), whitespace folded."""
    reader = PdfReader(BytesIO(pdf))
    return [
        fold(" ".join(t for mark, t in marked_pieces(p) if mark != ARTIFACT)) for p in reader.pages
    ]


def artifact_text(pdf: bytes) -> list[str]:
    reader = PdfReader(BytesIO(pdf))
    return [
        fold(" ".join(t for mark, t in marked_pieces(p) if mark == ARTIFACT)) for p in reader.pages
    ]


def kids(node) -> list:
    found = node.get("/K", [])
    return list(found) if isinstance(found, ArrayObject) else [found]


def structure(reader: PdfReader) -> list[tuple[int, DictionaryObject]]:
    """The tag tree's structure elements in reading order (depth first), with their object
    numbers."""
    elements: list[tuple[int, DictionaryObject]] = []

    def walk(kid) -> None:
        if not isinstance(kid, IndirectObject):
            return  # a marked-content id
        node = kid.get_object()
        if "/S" not in node:
            return  # an annotation reference (OBJR)
        elements.append((kid.idnum, node))
        for child in kids(node):
            walk(child)

    for kid in kids(reader.trailer["/Root"]["/StructTreeRoot"]):
        walk(kid)
    return elements


def reading_order(pdf: bytes) -> list[str]:
    """Each page's tagged text in the order of the tag tree: what a screen reader reads."""
    reader = PdfReader(BytesIO(pdf))
    page_of = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    texts: dict[tuple[int, int], list[str]] = {}
    for n, page in enumerate(reader.pages):
        for mark, text in marked_pieces(page):
            if isinstance(mark, int):
                texts.setdefault((n, mark), []).append(text)
    pages: list[list[str]] = [[] for _ in reader.pages]
    for _, element in structure(reader):
        if "/Pg" in element:
            n = page_of[element.raw_get("/Pg").idnum]
            for kid in kids(element):
                if isinstance(kid, int):  # a marked-content id on the element's page
                    pages[n] += texts.get((n, kid), [])
    return [fold(" ".join(page)) for page in pages]


def parent_tree(reader: PdfReader) -> dict[int, object]:
    numbers = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    return {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}


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
    pages = tagged_text(demo_pdf)
    toc = pages[1]
    assert toc.startswith("Table des matières")
    for section in edition.sections.all():
        title = fold(section.title)
        match = re.search(re.escape(title) + r"[ .]*?(\d+)(?!\d)", toc)
        assert match, f"{title} is not in the table of contents"
        page = int(match[1])
        assert title in pages[page - 1], f"{title} is not on page {page}"
        assert page > 2


def test_a_draft_has_the_watermark_on_every_page_as_page_furniture(demo_pdf):
    """Drawn on every page, but an artifact: a screen reader does not read it on every page
    (the cover says « Projet — non approuvé » in words)."""
    furniture, tagged = artifact_text(demo_pdf), tagged_text(demo_pdf)
    for number, text in enumerate(furniture, start=1):
        assert "Projet — non approuvé" in text, number
    assert "Projet — non approuvé" in tagged[0]
    assert all("Projet — non approuvé" not in text for text in tagged[1:])


def test_footer_and_running_header_are_page_furniture(demo_pdf):
    furniture, tagged = artifact_text(demo_pdf), tagged_text(demo_pdf)
    total = len(furniture)
    for number, (artifacts, text) in enumerate(
        zip(furniture[1:], tagged[1:], strict=True), start=2
    ):
        assert f"Page {number} de {total}" in artifacts and f"Page {number} de" not in text
        assert "Diffusion limitée" in artifacts and "Diffusion limitée" not in text
        running_title = "Plan de transformation numérique — MEIE — 2023-2024"
        assert running_title in artifacts and running_title not in text
    assert "MEIE — 2023-2024" not in tagged[0]  # the cover sets it, without reading it out


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


# --- Tagged for assistive technology (PDF/UA) -------------------------------------------------


def test_each_table_of_contents_entry_is_one_tagged_link_named_by_its_title(demo_pdf, edition):
    reader = PdfReader(BytesIO(demo_pdf))
    toc = reader.pages[1]
    width, height = float(toc.mediabox.width), float(toc.mediabox.height)
    titles = [section.title for section in edition.sections.all()]
    elements = dict(structure(reader))
    owners = parent_tree(reader)
    text_owners = owners[toc["/StructParents"]]
    link_text: dict[int, list[str]] = {}
    for mark, text in marked_pieces(toc):
        if isinstance(mark, int):
            link_text.setdefault(text_owners[mark].idnum, []).append(text)

    annotations = [annotation.get_object() for annotation in toc["/Annots"]]
    assert [str(a["/Contents"]) for a in annotations] == titles  # words, not « s-radar »
    links = []
    for annotation in annotations:
        x1, y1, x2, y2 = (float(v) for v in annotation["/Rect"])
        assert 0 <= min(x1, x2) <= max(x1, x2) <= width  # inside the page
        assert 0 <= min(y1, y2) <= max(y1, y2) <= height
        owner = owners[annotation["/StructParent"]]
        link = elements[owner.idnum]  # in the tag tree
        assert link["/S"] == "/Link"
        assert [k.get_object()["/Type"] for k in kids(link) if isinstance(k, IndirectObject)] == [
            "/OBJR"
        ]  # its one annotation, no other
        links.append(owner.idnum)
    assert len(set(links)) == len(titles)  # one Link per entry
    # Each link reads as its title (the page number beside it is not part of the link).
    assert [fold(" ".join(link_text[number])) for number in links] == [fold(t) for t in titles]


def test_every_link_annotation_is_under_a_link_tag(demo_pdf):
    reader = PdfReader(BytesIO(demo_pdf))
    elements = dict(structure(reader))
    owners = parent_tree(reader)
    annotations = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    assert annotations
    for annotation in annotations:
        assert elements[owners[annotation["/StructParent"]].idnum]["/S"] == "/Link"


def test_all_text_is_in_the_tag_tree_or_an_artifact(demo_pdf):
    """Text marked as content but left out of the tag tree is neither read nor skipped
    properly (WeasyPrint leaves the page-margin boxes so)."""
    reader = PdfReader(BytesIO(demo_pdf))
    in_tree = {number for number, _ in structure(reader)}
    owners = parent_tree(reader)
    for number, page in enumerate(reader.pages, start=1):
        page_owners = owners[page["/StructParents"]]
        for mark, text in marked_pieces(page):
            if mark != ARTIFACT:
                assert isinstance(mark, int), (number, text)
                assert page_owners[mark].idnum in in_tree, (number, text)


def test_each_chapter_page_is_read_from_its_title(demo_pdf, edition):
    """Nothing (a watermark, a running header) comes before the content in reading order."""
    pages = reading_order(demo_pdf)
    toc = pages[1]
    assert toc.startswith("Table des matières")
    for section in edition.sections.filter(level=1):
        title = fold(section.title)
        page = int(re.search(re.escape(title) + r"[ .]*?(\d+)(?!\d)", toc)[1])
        assert pages[page - 1].startswith(title), pages[page - 1][:80]


def test_headings_never_skip_a_level(demo_pdf):
    reader = PdfReader(BytesIO(demo_pdf))
    levels = [int(e["/S"][2:]) for _, e in structure(reader) if re.fullmatch(r"/H[1-6]", e["/S"])]
    assert levels[0] == 1 and levels.count(1) == 1
    skips = [(before, after) for before, after in itertools.pairwise(levels) if after > before + 1]
    assert skips == []
    assert 4 in levels  # sub-sections' own headings are there, one level down


def test_the_charts_give_their_values_in_their_alternative_text(demo_pdf):
    reader = PdfReader(BytesIO(demo_pdf))
    alternatives = [fold(e["/Alt"]) for _, e in structure(reader) if e["/S"] == "/Figure"]
    radar = next(alt for alt in alternatives if alt.startswith("Radar numériQc"))
    assert radar.startswith("Radar numériQc : résultat global 1,75 sur une échelle de 0 à 4")
    for category_and_score in [
        "Expérience utilisateur/client 1,25",
        "Qualité des services numériques 1,67",
        "Responsabilité sociale 3,00",
        "Expérience employé 1,14",
        "Gouvernance numérique 1,50",
    ]:
        assert category_and_score in radar
    maturity = next(alt for alt in alternatives if alt.startswith("Maturité numérique"))
    assert "2,3 sur une échelle de 1 à 4" in maturity
    assert "étape 2 « Fait du numérique »" in maturity
    assert "étape 3 « Devient numérique » d'ici le 31 mars 2027" in maturity


def test_french_typography_in_the_report(edition):
    html = plan_html(edition)
    assert "«\u00a0Devient numérique\u00a0»" in html
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
    from roadmap.pdf.report import archive

    archive(edition)  # what approval does once the transaction commits
    edition.refresh_from_db()
    return edition


def test_approval_archives_the_pdf_and_it_is_served_byte_for_byte(approved, reader_client):
    stored = approved.archived_pdf.read()
    approved.archived_pdf.close()
    assert hashlib.sha256(stored).hexdigest() == approved.archived_pdf_sha256
    response = reader_client.get(reverse("roadmap:pdf", args=[BODY, YEAR]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == stored
    assert response["ETag"] == f'"{approved.archived_pdf_sha256}"'
    page = reader_client.get(reverse("roadmap:edition", args=[BODY, YEAR])).content.decode()
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
    url = reverse("roadmap:pdf", args=[BODY, YEAR])
    first = reader_client.get(url)
    assert first.status_code == 302 and first["Location"] == reverse(
        "roadmap:pdf_progress", args=[BODY, YEAR]
    )
    waiting = reader_client.get(first["Location"])
    assert "Production du PDF en attente de démarrage" in waiting.content.decode()
    assert 'http-equiv="refresh"' in waiting.content.decode()
    run_worker()
    done = reader_client.get(first["Location"]).content.decode()
    # The reload that finds the PDF ready sends the browser to it (the download starts), and
    # offers the button; a later reload of the page does not download it again.
    assert "Le PDF est prêt." in done and f'content="0; url={url}"' in done
    assert f'href="{url}"' in done and " download" not in done
    again = reader_client.get(first["Location"]).content.decode()
    assert "Le PDF est prêt." in again and 'http-equiv="refresh"' not in again
    downloaded = reader_client.get(url)
    assert downloaded.status_code == 200 and downloaded.content.startswith(b"%PDF-1.")

    cached = f"pdf-cache/{BODY}/{YEAR}/{content_fingerprint(edition)}.pdf"
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
    reader_client.get(reverse("roadmap:pdf", args=[BODY, YEAR]))
    run_worker()
    response = reader_client.get(reverse("roadmap:pdf_progress", args=[BODY, YEAR]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "La production du PDF a échoué" in page and "Réessayer" in page
    with pytest.raises(RenderError, match="a dépassé"):
        render_pdf(edition)


def test_a_render_no_worker_starts_says_so_and_keeps_checking(edition, reader_client):
    progress = reverse("roadmap:pdf_progress", args=[BODY, YEAR])
    reader_client.get(reverse("roadmap:pdf", args=[BODY, YEAR]))
    queued = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=queued.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    page = reader_client.get(progress).content.decode()
    assert "La production n'a toujours pas commencé" in page
    assert "en attente de démarrage" in page and 'http-equiv="refresh" content="5"' in page
    reader_client.get(reverse("roadmap:pdf", args=[BODY, YEAR]))
    assert DBTaskResult.objects.count() == 1  # still queued: asking again adds no second one


def test_a_render_whose_worker_died_is_not_shown_running_forever(edition, reader_client, settings):
    progress = reverse("roadmap:pdf_progress", args=[BODY, YEAR])
    reader_client.get(reverse("roadmap:pdf", args=[BODY, YEAR]))
    lost = DBTaskResult.objects.get()
    started = timezone.now() - datetime.timedelta(seconds=settings.PDF_RENDER_TIMEOUT + 60)
    DBTaskResult.objects.filter(pk=lost.pk).update(status="RUNNING", started_at=started)
    page = reader_client.get(progress).content.decode()
    assert "La production du PDF s'est interrompue" in page and "Réessayer" in page
    assert "en cours" not in page and 'http-equiv="refresh"' not in page

    retry = reader_client.get(reverse("roadmap:pdf", args=[BODY, YEAR]))  # « Réessayer »
    assert retry["Location"] == progress
    assert DBTaskResult.objects.exclude(pk=lost.pk).get().status == "READY"  # a new render
    assert "en attente de démarrage" in reader_client.get(progress).content.decode()


def test_the_download_links_never_ask_the_browser_to_save_what_comes_back(
    edition, coordinator_client
):
    """« download » saved the progress page as an HTML file when the PDF was not ready."""
    pdf = reverse("roadmap:pdf", args=[BODY, YEAR])
    for page in ["roadmap:home", "roadmap:edition"]:
        html = coordinator_client.get(reverse(page, args=[BODY, YEAR])).content.decode()
        links = re.findall(rf'<a [^>]*href="{re.escape(pdf)}"[^>]*>', html)
        assert links and all(" download" not in link for link in links), links


def test_downloading_needs_a_role(outsider_client):
    assert outsider_client.get(reverse("roadmap:pdf", args=[BODY, YEAR])).status_code == 403


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
