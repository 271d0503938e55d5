"""WeasyPrint rendering, run in a child process so that a render is bounded in time.

This module imports nothing from Django: the child is forked from a clean forkserver process
(multiprocessing), never from the threaded web server.

Safe by construction: the only resources WeasyPrint may load are files below the project's
static directory, read from disk. No http, no https, no data: URL, no file elsewhere, no
redirect. User text reaches the HTML already escaped or sanitised; this is the second wall.

What does not depend on the plan (the fetcher, the stylesheet parsed with its @font-face fonts
loaded) is prepared once in the forkserver by `prepare()` (see `roadmap.pdf_forkserver`), and
every child forked from it reuses its copy. A child whose forkserver did not prepare it, or was
prepared with another version of the stylesheet, prepares its own as before.
"""

from __future__ import annotations

import io
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

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
        )


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
