"""In-place editing of every editable record (see roadmap/editing/registry.py for the kinds).

GET renders the form (a fragment for htmx, a page otherwise); a valid POST saves and returns the
record's display fragment (htmx) or redirects back to the page it lives on (no JavaScript);
an invalid POST re-renders the form with its errors (422); a stale one, with what changed (409).
"""

import json
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import (
    HttpResponseClientRedirect,
    HttpResponseClientRefresh,
    trigger_client_event,
)

from roadmap import figures
from roadmap.access import get_edition, plan_reader_required
from roadmap.editing.forms import VersionedForm
from roadmap.editing.registry import KINDS, Kind, limit_choices
from roadmap.editing.services import (
    ConflictError,
    MoveRefusedError,
    changes_since,
    delete_record,
    deletion_summary,
    move_record,
    new_record,
    save_record,
)
from roadmap.links import plan_url
from roadmap.markdown import render_markdown
from roadmap.models import Edition

PREVIEW_MAX_CHARS = 100_000


def _kind(slug: str) -> Kind:
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404
    return kind


def _record_for_edit(
    request: HttpRequest,
    body: str,
    fiscal_year: str,
    slug: str,
    pk: int,
    *,
    whole_record: bool = False,
):
    kind = _kind(slug)
    edition = get_edition(request, body, fiscal_year)
    obj = get_object_or_404(kind.queryset(edition), pk=pk)
    if not kind.can_edit(request.user, obj, edition, whole_record=whole_record):
        raise PermissionDenied
    return kind, edition, obj


def _refuse_if_structure_frozen(kind: Kind, edition: Edition) -> None:
    if kind.structure_frozen(edition):
        raise PermissionDenied(
            _(
                "La structure du plan (ses sections) ne change que dans un brouillon : "
                "retournez d'abord l'édition en brouillon."
            )
        )


def _announce(response: HttpResponse, message: str, focus: str = "") -> HttpResponse:
    return trigger_client_event(response, "ptn:announce", {"message": message, "focus": focus})


def _display(
    request: HttpRequest, kind: Kind, obj: models.Model, edition: Edition, saved: str = ""
) -> HttpResponse:
    """The record's display fragment; ``saved`` is shown next to its « Modifier » for a few
    seconds (editing/actions.html), a visible echo of what the live region announces."""
    obj = kind.queryset(edition).get(pk=obj.pk)  # fresh, with what the fragment shows
    return render(
        request,
        kind.template,
        {
            "obj": obj,
            "edition": edition,
            # Once approved, only its follow-up was changed (and changes again).
            "can_edit": edition.is_content_editable,
            "can_follow_up": True,
            "focus": True,
            "saved": saved,
        },
    )


def _form_response(
    request: HttpRequest,
    kind: Kind,
    form: VersionedForm,
    edition: Edition,
    *,
    action: str,
    element_id: str,
    cancel_url: str,
    page_url: str,
    adding: bool,
    heading: str,
    status: int = 200,
    conflict: dict | None = None,
) -> HttpResponse:
    figure_fields = [name for name in kind.figure_fields if name in form.fields]
    for name in figure_fields:
        form.fields[name].help_text = figures.HELP_TEXT  # before the bound fields are made
    for name in kind.markdown_fields:
        if name in form.fields:
            bound = form[name]
            values = {"_field": bound.html_name}
            if name in figure_fields:  # the preview shows the figures the text quotes
                values["_body"] = edition.body.slug
                values["_edition"] = edition.fiscal_year
            # Live preview while typing (htmx); without JavaScript, « Prévisualiser » does it.
            form.fields[name].widget.attrs.update(
                {
                    "data-hx-post": reverse("markdown_preview"),
                    "data-hx-trigger": "load, input changed delay:400ms",
                    "data-hx-target": f"#{bound.auto_id}-preview",
                    "data-hx-swap": "innerHTML",
                    "data-hx-sync": "this:replace",
                    "data-hx-vals": json.dumps(values),
                }
            )
    previews = {}
    if "_preview" in request.POST:
        edition_figures = figures.EditionFigures(edition)
        previews = {
            name: render_markdown(
                form.data.get(form.add_prefix(name), "")[:PREVIEW_MAX_CHARS],
                figures=edition_figures if name in figure_fields else None,
            )
            for name in kind.markdown_fields
        }
    context = {
        "form": form,
        "kind": kind,
        "edition": edition,
        "action": action,
        "element_id": element_id,
        "cancel_url": cancel_url,
        "page_url": page_url,
        "adding": adding,
        "heading": heading,
        "conflict": conflict,
        "previews": previews,
        "markdown_fields": kind.markdown_fields,
        "figures_after": figure_fields[0] if figure_fields else None,
        "figures": figures.EditionFigures(edition).listing() if figure_fields else [],
    }
    template = "editing/form.html" if request.htmx else "editing/form_page.html"
    return render(request, template, context, status=status)


def _saved(
    request: HttpRequest,
    kind: Kind,
    obj: models.Model,
    edition: Edition,
    message: str,
    *,
    inline: bool = True,
) -> HttpResponse:
    if request.htmx and inline and kind.inline:
        return _announce(_display(request, kind, obj, edition, saved=message), message)
    messages.success(request, message)
    url = kind.page_url(obj, edition)
    if request.htmx:
        # Back to the page the record lives on; when the form was opened on that very page,
        # a redirect that only changes the URL's fragment would not reload it: refresh it.
        if urlsplit(request.htmx.current_url or "").path == url.split("#")[0]:
            return HttpResponseClientRefresh()
        return HttpResponseClientRedirect(url)
    return redirect(url)


@plan_reader_required
def edit(request: HttpRequest, body: str, fiscal_year: str, kind: str, pk: int) -> HttpResponse:
    kind_, edition, obj = _record_for_edit(request, body, fiscal_year, kind, pk)
    if request.method == "GET" and "afficher" in request.GET:
        return _display(request, kind_, obj, edition)  # « Annuler » in htmx
    heading = kind_.title(kind_.edit_title, obj)  # before the form writes into obj
    form_class = kind_.form_class(request.user, obj, edition=edition)
    form = form_class(request.POST or None, instance=obj)
    limit_choices(form, edition)
    url = plan_url("roadmap:edit", edition, kind, pk)
    options = {
        "action": url,
        "element_id": f"{kind}-{pk}",
        "cancel_url": f"{url}?afficher=1",
        "page_url": kind_.page_url(obj, edition),
        "adding": False,
        "heading": heading,
    }
    if request.method != "POST":
        return _form_response(request, kind_, form, edition, **options)
    if "_preview" in request.POST or not form.is_valid():
        status = 200 if "_preview" in request.POST else 422
        return _form_response(request, kind_, form, edition, status=status, **options)
    expected = form.cleaned_data.get("expected_version")
    try:
        save_record(form, expected_version=expected)
    except ConflictError as error:
        return _conflict(request, kind_, form, edition, error, expected, options)
    return _saved(request, kind_, obj, edition, _("Modification enregistrée."))


def _conflict(request, kind, form, edition, error, expected, options) -> HttpResponse:
    """Keep what the person typed; show what someone else changed meanwhile."""
    current = error.current
    if current is None:
        conflict = {"deleted": True}
    else:
        conflict = changes_since(current, expected, tuple(form._meta.fields))
        # Saving again now is a deliberate choice to replace the other person's values.
        data = form.data.copy()
        data[form.add_prefix("expected_version")] = current.version
        form.data = data
    return _form_response(request, kind, form, edition, status=409, conflict=conflict, **options)


@plan_reader_required
def add(
    request: HttpRequest, body: str, fiscal_year: str, kind: str, parent_pk: int | None = None
) -> HttpResponse:
    kind_ = _kind(kind)
    if not kind_.can_add:
        raise Http404
    edition = get_edition(request, body, fiscal_year)
    if kind_.single and kind_.queryset(edition).exists():
        raise Http404  # the edition has its radar (or maturity) already: edit it
    if kind_.parent_kind:
        if parent_pk is None:
            raise Http404
        parent = get_object_or_404(KINDS[kind_.parent_kind].queryset(edition), pk=parent_pk)
    elif parent_pk is None:
        parent = edition
    else:
        raise Http404
    obj = new_record(kind_, parent, edition)
    if not kind_.can_edit(request.user, obj, edition, whole_record=True):
        raise PermissionDenied
    _refuse_if_structure_frozen(kind_, edition)
    url = request.path
    if request.method == "GET" and "annuler" in request.GET:
        return HttpResponse("")  # « Annuler » in htmx: the empty form goes away
    heading = kind_.title(kind_.add_title, obj, parent)
    form = kind_.form_class(request.user, obj, edition=edition)(request.POST or None, instance=obj)
    limit_choices(form, edition)
    if kind_.parent_kind:
        page_url = KINDS[kind_.parent_kind].page_url(parent, edition)
    else:
        page_url = kind_.page_url(obj, edition)
    options = {
        "action": url,
        "element_id": f"{kind}-new-{parent_pk or 0}",
        "cancel_url": f"{url}?annuler=1",
        "page_url": page_url,
        "adding": True,
        "heading": heading,
    }
    if request.method != "POST":
        return _form_response(request, kind_, form, edition, **options)
    if "_preview" in request.POST or not form.is_valid():
        status = 200 if "_preview" in request.POST else 422
        return _form_response(request, kind_, form, edition, status=status, **options)
    if kind_.on_add is not None:
        kind_.on_add(form.instance, edition)
    obj = save_record(form, expected_version=None)
    return _saved(request, kind_, obj, edition, _("Ajout enregistré."), inline=kind_.inline_add)


@plan_reader_required
def delete(request: HttpRequest, body: str, fiscal_year: str, kind: str, pk: int) -> HttpResponse:
    kind_, edition, obj = _record_for_edit(request, body, fiscal_year, kind, pk, whole_record=True)
    if not kind_.can_delete:
        raise Http404
    _refuse_if_structure_frozen(kind_, edition)
    if kind_.after_delete is not None:
        page_url = kind_.after_delete(edition)
    else:
        page_url = kind_.page_url(obj, edition).split("#")[0]
    refusal = kind_.delete_refusal(obj) if kind_.delete_refusal else ""
    if refusal and request.method == "POST":
        if request.htmx:
            return _announce(_display(request, kind_, obj, edition), refusal)
        messages.error(request, refusal)
        return redirect(kind_.page_url(obj, edition))
    if request.method != "POST":
        # A confirmation that says what goes with the record: in place (htmx), or a page.
        template = "editing/delete_page.html"
        return render(
            request,
            f"{template}#confirmation" if request.htmx else template,
            {
                "obj": obj,
                "kind": kind_,
                "edition": edition,
                "page_url": page_url,
                "heading": kind_.title(kind_.delete_title, obj),
                "consequence": "" if refusal else deletion_summary(obj),
                "refusal": refusal,
                "element_id": f"{kind}-{pk}",
                "cancel_url": plan_url("roadmap:edit", edition, kind, pk) + "?afficher=1",
            },
        )
    try:
        expected = int(request.POST.get("expected_version", ""))
    except ValueError:
        expected = None
    try:
        delete_record(obj, expected_version=expected)
    except ConflictError as error:
        message = _(
            "Cet élément a été modifié par quelqu'un d'autre depuis que vous l'avez affiché : "
            "il n'a pas été supprimé. Vérifiez-le puis recommencez."
        )
        if request.htmx:
            gone = error.current is None
            response = HttpResponse("") if gone else _display(request, kind_, obj, edition)
            return _announce(response, message)
        messages.error(request, message)
        return redirect(page_url)
    message = _("Suppression enregistrée.")
    if request.htmx:
        return _announce(HttpResponse(""), message)  # ptn.js focuses the list it was in
    messages.success(request, message)
    return redirect(page_url)


@require_POST
@plan_reader_required
def move(request: HttpRequest, body: str, fiscal_year: str, kind: str, pk: int) -> HttpResponse:
    """« Monter » / « Descendre »: swap the record with its neighbour, then back to the page it
    was moved from (a plain form post: buttons, usable from the keyboard, with or without
    JavaScript)."""
    kind_, edition, obj = _record_for_edit(request, body, fiscal_year, kind, pk, whole_record=True)
    direction = request.POST.get("direction")
    if not kind_.movable or direction not in {"up", "down"}:
        raise Http404
    _refuse_if_structure_frozen(kind_, edition)
    try:
        expected = int(request.POST.get("expected_version", ""))
    except ValueError:
        expected = None
    name = kind_.name_of(obj)
    try:
        moved = move_record(kind_, obj, up=direction == "up", expected_version=expected)
    except MoveRefusedError as error:
        messages.error(request, str(error))
    except ConflictError:
        messages.error(
            request,
            _(
                "« %(name)s » a été modifié par quelqu'un d'autre depuis que vous l'avez affiché : "
                "il n'a pas été déplacé. Vérifiez puis recommencez."
            )
            % {"name": name},
        )
    else:
        if moved:
            messages.success(request, _("« %(name)s » a été déplacé.") % {"name": name})
        elif direction == "up":
            messages.info(request, _("« %(name)s » est déjà le premier.") % {"name": name})
        else:
            messages.info(request, _("« %(name)s » est déjà le dernier.") % {"name": name})
    back = request.POST.get("retour") or kind_.page_url(obj, edition)
    if not back.startswith(plan_url("roadmap:home", edition)):  # only a page of this edition
        back = kind_.page_url(obj, edition)
    url = f"{back.split('#')[0]}#{kind}-{pk}"  # back to the moved record
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_POST
@plan_reader_required
def preview(request: HttpRequest) -> HttpResponse:
    """Live preview of Markdown being typed: the same sanitised rendering as the pages."""
    name = request.POST.get("_field", "")
    text = request.POST.get(name, "")[:PREVIEW_MAX_CHARS] if name else ""
    body, fiscal_year = request.POST.get("_body", ""), request.POST.get("_edition", "")
    edition_figures = None
    if body and fiscal_year:
        edition_figures = figures.EditionFigures(get_edition(request, body, fiscal_year))
    return HttpResponse(render_markdown(text, id_prefix="apercu", figures=edition_figures))
