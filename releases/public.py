"""The public pages of a published edition (/public/<body>/<fiscal year>/…), for anyone.

They read the published edition through the redacted copy of its data (the withholdings of
the release chosen at publication, or none): the same proxies as the release PDF, so what a
release withholds never reaches a public byte. They show the plan and nothing about its making:
no editor, draft, comment, review note or history, and no initiative lead (a person).

An edition that is not published, or whose publication was withdrawn, is a 404. The answers
carry an ETag (the publication's stamp) and may be cached for a few minutes by anyone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseNotModified,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe

from releases import opendata
from releases.models import Publication
from releases.pdf import public_filename, redacted_context
from releases.redaction import Redaction, finish_html
from roadmap.markdown import shift_headings

CACHE_SECONDS = 300


def _publication(body: str, fiscal_year: str) -> Publication:
    publication = (
        Publication.objects.select_related("edition__body", "release")
        .filter(
            edition__body__slug=body,
            edition__fiscal_year=fiscal_year,
            published_at__isnull=False,
            withdrawn_at__isnull=True,
            edition__status="transmitted",
        )
        .first()
    )
    if publication is None:
        raise Http404
    return publication


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Open to anyone, GET and HEAD only, 404 unless published; ETag and Cache-Control."""

    @login_not_required
    @wraps(view)
    def wrapper(request: HttpRequest, body: str, fiscal_year: str, **kwargs) -> HttpResponse:
        # Whether the edition is published comes first: nothing is told about one that is not.
        publication = _publication(body, fiscal_year)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        etag = f'"{publication.etag}-{request.LANGUAGE_CODE}"'
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
        else:
            response = view(request, publication, **kwargs)
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return wrapper


def _context(publication: Publication, **extra) -> dict:
    return {"publication": publication, "edition": publication.edition, "public": True, **extra}


def _redaction(publication: Publication) -> Redaction:
    return Redaction.of_release(publication.release, public=True)


@public_page
def home(request: HttpRequest, publication: Publication) -> HttpResponse:
    context = redacted_context(publication.edition, _redaction(publication))
    return render(
        request,
        "public/home.html",
        _context(
            publication,
            plan=context["edition"],
            sections=context["sections"],
            initiative_count=len(context["initiatives"]),
        ),
    )


@public_page
def sections(request: HttpRequest, publication: Publication) -> HttpResponse:
    context = redacted_context(publication.edition, _redaction(publication))
    return render(
        request, "public/sections.html", _context(publication, sections=context["sections"])
    )


@public_page
def section(request: HttpRequest, publication: Publication, key: str) -> HttpResponse:
    """One section as the plan's own template renders it (its « section » partial, from the
    redacted data), its title this page's h1."""
    redaction = _redaction(publication)
    context = redacted_context(publication.edition, redaction)
    found = next((s for s in context["sections"] if s.key == key), None)
    if found is None:
        raise Http404
    with translation.override("fr-ca"):
        html = render_to_string("report/plan.html#section", {**context, "section": found})
    # Every heading one or two levels up, the section's text included (its Markdown headings
    # are written under the report's section title, an h2 or h3): the title becomes the h1.
    html = shift_headings(html, -found.level, top=1)
    return render(
        request,
        "public/section.html",
        _context(
            publication,
            section=found,
            # The report's own partial (every value escaped, Markdown sanitised there) with the
            # withheld boxes put in: test_a_public_section_page_never_passes_user_markup_through.
            section_html=mark_safe(finish_html(html, redaction.grounds)),  # noqa: S308
        ),
    )


@public_page
def roadmap(request: HttpRequest, publication: Publication) -> HttpResponse:
    context = redacted_context(publication.edition, _redaction(publication))
    return render(request, "public/roadmap.html", _context(publication, roadmap=context["roadmap"]))


@public_page
def initiative(request: HttpRequest, publication: Publication, code: str) -> HttpResponse:
    context = redacted_context(publication.edition, _redaction(publication))
    found = next((i for i in context["initiatives"] if i.code == code), None)
    if found is None:
        raise Http404
    return render(request, "public/initiative.html", _context(publication, initiative=found))


@public_page
def pdf(request: HttpRequest, publication: Publication) -> HttpResponse:
    if not publication.pdf:
        raise Http404  # rendered at publication; a failed render is published again
    with publication.pdf.open("rb") as stored:
        content = stored.read()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{public_filename(publication.edition)}"'
    return response


@public_page
def datapackage(request: HttpRequest, publication: Publication) -> HttpResponse:
    base = request.build_absolute_uri(
        reverse(
            "public:data_index",
            args=[publication.edition.body.slug, publication.edition.fiscal_year],
        )
    )
    return HttpResponse(
        opendata.datapackage_json(publication, base), content_type="application/json"
    )


@public_page
def data_file(request: HttpRequest, publication: Publication, name: str) -> HttpResponse:
    if name not in opendata.TABLE_NAMES:
        raise Http404
    response = HttpResponse(
        opendata.table_csv(publication, name), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{name}.csv"'
    return response


@public_page
def plan_json(request: HttpRequest, publication: Publication) -> HttpResponse:
    response = HttpResponse(opendata.plan_json(publication), content_type="application/json")
    response["Content-Disposition"] = f'inline; filename="{opendata.PLAN_FILE}"'
    return response


@public_page
def plan_schema(request: HttpRequest, publication: Publication) -> HttpResponse:
    """The JSON Schema the plan's document follows, beside it (the datapackage names it)."""
    return HttpResponse(opendata.plan_schema_json(), content_type="application/schema+json")


@public_page
def data_index(request: HttpRequest, publication: Publication) -> HttpResponse:
    return render(
        request,
        "public/data.html",
        _context(publication, tables=opendata.TABLES, licence=opendata.LICENCE),
    )
