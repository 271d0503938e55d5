"""WeasyPrint rendering, run in a child process so that a render is bounded in time.

This module imports nothing from Django: the child is forked from a clean forkserver process
(multiprocessing), never from the threaded web server.

Safe by construction: the only resources WeasyPrint may load are files below the project's
static directory, read from disk. No http, no https, no data: URL, no file elsewhere, no
redirect. User text reaches the HTML already escaped or sanitised; this is the second wall.
"""

from __future__ import annotations

import mimetypes
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


def write_pdf(html: str, static_dir: str, stylesheet: str) -> bytes:
    static = Path(static_dir)
    fetcher = StaticOnlyFetcher(static)
    fonts = FontConfiguration()  # the @font-face rules of our stylesheet, not the machine's
    document = weasyprint.HTML(
        string=html, base_url=static.resolve().as_uri() + "/", url_fetcher=fetcher
    )
    css = weasyprint.CSS(filename=stylesheet, url_fetcher=fetcher, font_config=fonts)
    return document.write_pdf(
        stylesheets=[css],
        font_config=fonts,
        pdf_variant="pdf/ua-1",  # tagged, so screen readers can read it
        pdf_tags=True,
        presentational_hints=False,
        attachments=[],
    )


def child(html: str, static_dir: str, stylesheet: str, connection) -> None:
    """Entry point of the child process: send back ("ok", bytes) or ("error", message)."""
    try:
        connection.send(("ok", write_pdf(html, static_dir, stylesheet)))
    except Exception as error:  # noqa: BLE001 - reported to the parent, which explains it
        connection.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        connection.close()
