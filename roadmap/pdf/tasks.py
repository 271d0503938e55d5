"""The PDF's background work, run by `manage.py db_worker` (Django's tasks framework, database
queue): the download of a draft whose content changed, and the archive render that the workflow
queues at approval."""

from django.tasks import task

from roadmap.models import Edition
from roadmap.pdf.report import pdf_for_edition


@task
def render_plan(edition_id: int) -> str:
    """Render (and cache, or archive if approved) an edition's PDF; returns its SHA-256."""
    return pdf_for_edition(Edition.objects.select_related("body").get(pk=edition_id)).sha256
