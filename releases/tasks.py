"""The release's and the publication's PDFs, rendered by the task worker as the plan's are
(roadmap.pdf.tasks): the render of a large plan takes longer than a web request may (gunicorn
stops a request after GUNICORN_TIMEOUT, a render after PDF_RENDER_TIMEOUT)."""

from django.tasks import task

from releases.models import Publication, Release
from releases.pdf import publication_produce, release_produce


@task
def render_release(release_id: int) -> str:
    """Render and archive a release's PDF; returns its SHA-256. A release sent meanwhile keeps
    the PDF it was sent with."""
    release = Release.objects.select_related("edition__body").get(pk=release_id)
    if not release.is_sent:
        release_produce(release)
    return release.pdf_sha256


@task
def render_publication(publication_id: int) -> str:
    """Render and keep the published PDF (the plan with the chosen release's withholdings)."""
    publication = Publication.objects.select_related("edition__body", "release").get(
        pk=publication_id
    )
    publication_produce(publication)
    return publication.pdf_sha256
