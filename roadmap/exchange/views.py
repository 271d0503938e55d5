"""« Exporter » on the roadmap; the coordinator's import: upload → preview → confirm."""

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from roadmap.access import can_edit_edition, get_edition, plan_reader_required
from roadmap.exchange import vocabulary
from roadmap.exchange.document import (
    JSON_CONTENT_TYPE,
    REFUSED_AFTER_APPROVAL,
    export_json,
    import_document,
    read_document,
)
from roadmap.exchange.files import MAX_UPLOAD_BYTES, ImportFileError, read_upload
from roadmap.exchange.resources import RESOURCES
from roadmap.exchange.service import EXTRA_SHEETS, export_csv
from roadmap.exchange.slots import export_slot
from roadmap.exchange.workbook import COLUMNS as STRUCTURE_SHEETS
from roadmap.exchange.workbook import PLAN, export_workbook, import_workbook
from roadmap.forms import RoadmapFilterForm
from roadmap.links import plan_url
from roadmap.models import Edition

SESSION_KEY = "ptn_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier .xlsx, .csv ou .json"),
        help_text=gettext_lazy(
            "Le même format que l'export : un classeur, le CSV d'une feuille (« ; » ou « , », "
            "UTF-8 ou Windows-1252), ou l'édition entière en JSON (format ptn-plan/1). "
            "10 Mo au plus."
        ),
    )


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@plan_reader_required
def export(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    """The roadmap's current filters apply to the export."""
    edition = get_edition(request, body, fiscal_year)
    form = RoadmapFilterForm(request.GET or None, edition=edition)
    form.is_valid()
    initiatives = form.filter(edition.initiatives.all()) if form.is_filtering else None
    stem = f"PTN-{edition.body.acronym}-{edition.fiscal_year}"
    lang = vocabulary.language()  # the interface's: headers and values in French or English
    kind = request.GET.get("format")
    if kind == "csv":
        sheet = vocabulary.french_sheet(request.GET.get("feuille", ""))
        if sheet not in {r.sheet for r in RESOURCES}:
            raise Http404
    with export_slot():
        if kind == "json":  # the whole edition: filters do not apply
            return _download(export_json(edition), f"{stem}.json", JSON_CONTENT_TYPE)
        if kind == "csv":
            return _download(
                export_csv(edition, sheet, initiatives, lang),
                f"{stem}-{vocabulary.sheet_name(sheet, lang)}.csv",
                "text/csv; charset=utf-8",
            )
        # The query string also asks for the sheets other apps add on request (ExtraSheet.option).
        workbook = export_workbook(edition, initiatives, lang, options=request.GET)
    return _download(workbook, f"{stem}.xlsx", XLSX)


def _is_document(filename: str) -> bool:
    return filename.lower().endswith(".json")


def _preview(edition: Edition, filename: str, data: bytes, **options):
    """The import's report for a workbook, a CSV or a JSON document (ptn-plan/1)."""
    if _is_document(filename):
        return import_document(edition, read_document(data), **options)
    return import_workbook(edition, read_upload(filename, data), **options)


def _editable(request: HttpRequest, edition: Edition) -> None:
    """The coordinator imports; into an approved (or transmitted) plan, its follow-up only, as
    the forms allow (the import refuses any other change at its cell)."""
    if not can_edit_edition(request.user, edition, follow_up=True):
        raise PermissionDenied


@plan_reader_required
def import_upload(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    _editable(request, edition)
    form = UploadForm(request.POST or None, request.FILES or None)
    sheets = [
        PLAN,
        *(r.sheet for r in RESOURCES),
        *STRUCTURE_SHEETS,
        *(e.sheet for e in EXTRA_SHEETS if not e.information_only),
    ]
    information = [e.sheet for e in EXTRA_SHEETS if e.information_only]
    context = {"edition": edition, "form": form, "sheets": sheets, "information": information}
    if request.method != "POST" or not form.is_valid():
        return render(
            request, "roadmap/import.html", context, status=422 if request.method == "POST" else 200
        )
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD_BYTES:
        form.add_error("file", _("Le fichier dépasse 10 Mo : il est refusé."))
        return render(request, "roadmap/import.html", context, status=422)
    if _is_document(upload.name) and edition.is_followed_up:  # the whole edition: refused
        form.add_error("file", str(REFUSED_AFTER_APPROVAL))
        return render(request, "roadmap/import.html", context, status=422)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    try:
        report = _preview(edition, upload.name, data, apply=False)
    except ImportFileError as error:
        form.add_error("file", str(error))
        return render(request, "roadmap/import.html", context, status=422)
    token = ""
    if not report.has_errors:
        token = uuid.uuid4().hex
        stored = default_storage.save(
            f"imports/{token}.{upload.name.rsplit('.', 1)[-1].lower()}", ContentFile(data)
        )
        request.session[SESSION_KEY] = {
            "token": token,
            "edition": edition.pk,
            "path": stored,
            "name": upload.name,
            "digest": report.digest,
        }
    return render(
        request,
        "roadmap/import_preview.html",
        {"edition": edition, "report": report, "token": token, "filename": upload.name},
        status=422 if report.has_errors else 200,
    )


@require_POST
@plan_reader_required
def import_confirm(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    _editable(request, edition)
    pending = request.session.get(SESSION_KEY) or {}
    data = None
    if (
        pending
        and pending.get("token") == request.POST.get("token")
        and pending.get("edition") == edition.pk
    ):
        try:
            with default_storage.open(pending["path"], "rb") as stored:
                data = stored.read()
        except FileNotFoundError:  # housekeeping deletes a preview's file after a day
            data = None
    if data is None:
        messages.error(
            request, _("Cet aperçu n'est plus valide : téléversez le fichier de nouveau.")
        )
        return redirect(plan_url("roadmap:import", edition))
    report = _preview(
        edition, pending["name"], data, apply=True, previewed=pending.get("digest", "")
    )
    if report.outdated and not report.has_errors:
        # Someone changed the plan since the preview: show what the file would change now,
        # to be confirmed again (the stored file is kept).
        token = uuid.uuid4().hex
        request.session[SESSION_KEY] = {**pending, "token": token, "digest": report.digest}
        context = {"edition": edition, "report": report, "token": token}
        return render(
            request,
            "roadmap/import_preview.html",
            {**context, "filename": pending["name"]},
            status=409,
        )
    if report.has_errors:  # the plan changed since the preview
        return render(
            request,
            "roadmap/import_preview.html",
            {"edition": edition, "report": report, "token": "", "filename": pending["name"]},
            status=422,
        )
    default_storage.delete(pending["path"])
    del request.session[SESSION_KEY]
    messages.success(
        request,
        ngettext(
            "Import appliqué : %(count)s modification enregistrée et inscrite à l'historique.",
            "Import appliqué : %(count)s modifications enregistrées et inscrites à l'historique.",
            report.change_count,
        )
        % {"count": report.change_count},
    )
    return redirect(plan_url("roadmap:roadmap", edition))
