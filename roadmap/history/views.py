"""The edition's « Historique » page: every change to the edition, filtered and cut into pages."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from roadmap.access import get_edition, plan_reader_required
from roadmap.history.changes import change_index, describe
from roadmap.history.forms import HistoryFilterForm

HISTORY_PAGE_SIZE = 50


@plan_reader_required
def history(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    """The edition's history, filtered and cut into pages in SQL: a page reads its own rows."""
    edition = get_edition(request, body, fiscal_year)
    form = HistoryFilterForm(request.GET or None, edition=edition)
    form.is_valid()
    sources = form.sources(edition)
    page = Paginator(change_index(sources), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "roadmap/history.html",
        {
            "edition": edition,
            "form": form,
            "page": page,
            "history": describe(sources, list(page.object_list)),
        },
    )
