"""WeasyPrint rendering, run in a child process so that a render is bounded in time.

This module imports nothing from Django: the child is forked from a clean forkserver process
(multiprocessing), never from the threaded web server.

Tagged for PDF/UA-1 by WeasyPrint itself (`pdf_variant`), with what the stylesheet can decide
(one link box per table-of-contents entry, the watermark as a background, which WeasyPrint
draws as an artifact). Two things WeasyPrint 70 leaves undone are finished by `finish`, through
its documented ``finisher`` hook, on its own objects before they are written (no second parse):
the running header and footer become artifacts, and each link annotation says where it leads
in words.

Safe by construction: the only resources WeasyPrint may load are files below the project's
static directory, read from disk. No http, no https, no data: URL, no file elsewhere, no
redirect. User text reaches the HTML already escaped or sanitised; this is the second wall.

What does not depend on the plan (the fetcher, the stylesheet parsed with its @font-face fonts
loaded) is prepared once in the forkserver by `prepare()` (see `roadmap.pdf.forkserver`), and
every child forked from it reuses its copy. A child whose forkserver did not prepare it, or was
prepared with another version of the stylesheet, prepares its own as before.
"""

from __future__ import annotations

import io
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pydyf
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError


class StaticOnlyFetcher(URLFetcher):
    def __init__(self, static_dir: Path) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False, timeout=1)
        self.static_dir = static_dir.resolve()

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise URLFetchingError(f"Refused (not a static file): {url[:200]}")
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.static_dir) or not path.is_file():
            raise URLFetchingError(f"Refused (outside the static files): {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
        )


@dataclass(frozen=True, eq=False)
class Renderer:
    """One stylesheet, parsed, with its fonts loaded: renders any number of documents."""

    static_dir: Path
    stylesheet: Path
    source: bytes  # the stylesheet as parsed, to notice that the file has changed since
    fetcher: StaticOnlyFetcher
    fonts: FontConfiguration
    css: weasyprint.CSS

    @classmethod
    def load(cls, static_dir: Path, stylesheet: Path) -> Renderer:
        fetcher = StaticOnlyFetcher(static_dir)
        fonts = FontConfiguration()  # the @font-face rules of our stylesheet, not the machine's
        source = stylesheet.read_bytes()
        css = weasyprint.CSS(
            file_obj=io.BytesIO(source),
            base_url=stylesheet.as_uri(),
            url_fetcher=fetcher,
            font_config=fonts,
        )
        return cls(static_dir, stylesheet, source, fetcher, fonts, css)

    def serves(self, static_dir: Path, stylesheet: Path) -> bool:
        return (
            static_dir == self.static_dir
            and stylesheet == self.stylesheet
            and stylesheet.read_bytes() == self.source
        )

    def write_pdf(self, html: str) -> bytes:
        document = weasyprint.HTML(
            string=html, base_url=self.static_dir.as_uri() + "/", url_fetcher=self.fetcher
        )
        return document.write_pdf(
            stylesheets=[self.css],
            font_config=self.fonts,
            pdf_variant="pdf/ua-1",  # tagged, so screen readers can read it
            pdf_tags=True,
            presentational_hints=False,
            attachments=[],
            finisher=finish,
        )


def finish(document: weasyprint.Document, pdf: pydyf.PDF) -> None:
    """Complete WeasyPrint's tagging for PDF/UA (its ``finisher`` hook: the PDF objects are
    still Python objects, about to be written)."""
    _page_margins_as_artifacts(pdf)
    _links_described_by_their_text(document)


def _number(reference: bytes) -> int:
    return int(reference.split()[0])  # b"12 0 R"


def _page_margins_as_artifacts(pdf: pydyf.PDF) -> None:
    """WeasyPrint tags the text of the page-margin boxes (running header, page number, footer)
    as marked content with structure elements that it leaves out of the structure tree (an
    artifact in the tree needs PDF 2.0; WeasyPrint issue 1836, open). Content neither in the
    tree nor an artifact breaks PDF/UA-1 (ISO 14289-1, 7.1): make that content an artifact
    (``/Artifact BMC``), as page furniture is."""
    if "StructTreeRoot" not in pdf.catalog:
        return  # not tagged
    objects = pdf.objects
    root = objects[_number(pdf.catalog["StructTreeRoot"])]
    in_tree: set[int] = set()
    pending = list(root["K"])
    while pending:
        kid = pending.pop()
        if isinstance(kid, bytes):  # a reference (an integer is a marked-content id)
            element = objects[_number(kid)]
            if element.get("Type") == "/StructElem" and element.number not in in_tree:
                in_tree.add(element.number)
                pending.extend(element["K"])
    # WeasyPrint's parent tree: page number, then the structure element of each of the page's
    # marked-content ids, for every page in order (the annotations come after). Should another
    # version lay it out otherwise, the tests of the tag tree say so; the PDF is left as it is.
    parent_tree = objects[_number(root["ParentTree"])]["Nums"]
    for index, page_reference in enumerate(pdf.page_references):
        if parent_tree[2 * index] != index:
            return
        owners = parent_tree[2 * index + 1]
        furniture = set()
        for mcid, owner in enumerate(owners):
            if isinstance(owner, bytes) and owner != b"null" and _number(owner) not in in_tree:
                furniture.add(mcid)
                owners[mcid] = b"null"
        if furniture:
            page = objects[_number(page_reference)]
            stream = objects[_number(page["Contents"])]
            stream.stream = _as_artifacts(stream.stream, furniture)


def _as_artifacts(operations: list, mcids: set[int]) -> list:
    """``/Span <</MCID n>> BDC`` becomes ``/Artifact BMC`` for each n in ``mcids``."""
    result: list = []
    for operation in operations:
        if (
            operation == b"BDC"
            and isinstance(result[-1], pydyf.Dictionary)
            and result[-1].get("MCID") in mcids
        ):
            result[-2:] = ["/Artifact", b"BMC"]
        else:
            result.append(operation)
    return result


_SPACES = re.compile(r"\s+")


def _links_described_by_their_text(document: weasyprint.Document) -> None:
    """A link annotation's /Contents is its alternative description (PDF/UA); WeasyPrint
    writes the raw target there (« s-radar »). Use the link's own words instead."""
    for page in document.pages:
        for _type, target, _rectangle, box in page.links:
            annotation = box.link_annotation
            if annotation is None or box.element is None:
                continue
            text = box.element.get("title") or " ".join(box.element.itertext())
            annotation["Contents"] = pydyf.String(_SPACES.sub(" ", text).strip() or target)


_prepared: Renderer | None = None


def prepare(static_dir: str, stylesheet: str, warm_up_html: str | None = None) -> None:
    """Load the stylesheet once (in the forkserver) for every child forked afterwards, and
    render ``warm_up_html`` so that the children also inherit warm caches."""
    global _prepared
    renderer = Renderer.load(Path(static_dir).resolve(), Path(stylesheet).resolve())
    if warm_up_html is not None:
        renderer.write_pdf(warm_up_html)
    _prepared = renderer


def write_pdf(html: str, static_dir: str, stylesheet: str) -> bytes:
    static, sheet = Path(static_dir).resolve(), Path(stylesheet).resolve()
    renderer = _prepared
    if renderer is None or not renderer.serves(static, sheet):
        renderer = Renderer.load(static, sheet)
    return renderer.write_pdf(html)


def child(html: str, static_dir: str, stylesheet: str, connection) -> None:
    """Entry point of the child process: send back ("ok", bytes) or ("error", message)."""
    try:
        connection.send(("ok", write_pdf(html, static_dir, stylesheet)))
    except Exception as error:  # noqa: BLE001 - reported to the parent, which explains it
        connection.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        connection.close()
