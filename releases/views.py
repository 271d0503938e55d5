"""The release pages of the access officer: the releases of an edition, one release with its
decisions, its PDF. Every view checks the role in the edition's body (403 otherwise); an edition
the person may not read is a 404, as everywhere (roadmap/access.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.tasks import TaskResultStatus
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from releases import services
from releases.forms import GroundForm, PublishForm, ReleaseForm, SentForm, WithholdingForm
from releases.models import Ground, Publication, Release
from releases.pdf import filename_for
from releases.redaction import REDACTABLE, edition_records
from releases.tasks import render_publication, render_release
from roadmap.access import get_edition, is_coordinator, plan_reader_required
from roadmap.links import plan_url
from roadmap.models import Edition
from roadmap.pdf.views import progress_page, render_state, session_task_result


def is_access_officer(user, edition: Edition) -> bool:
    return roles.has_role(user, roles.ACCESS_OFFICER, edition.body_id)


def _edition_for_officer(request: HttpRequest, body: str, fiscal_year: str) -> Edition:
    edition = get_edition(request, body, fiscal_year)
    if not is_access_officer(request.user, edition):
        raise PermissionDenied
    return edition


def _release_for_officer(request: HttpRequest, body: str, fiscal_year: str, number: int):
    edition = _edition_for_officer(request, body, fiscal_year)
    release = get_object_or_404(
        Release.objects.select_related("edition__body", "from_release"),
        edition=edition,
        number=number,
    )
    return edition, release


def _release_url(release: Release) -> str:
    return plan_url("releases:detail", release.edition, release.number)


@plan_reader_required
def release_list(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    """The edition's releases and their requests; the form that opens a new one."""
    edition = _edition_for_officer(request, body, fiscal_year)
    form = ReleaseForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            release = services.release_open(
                edition=edition,
                user=request.user,
                request_number=form.cleaned_data["request_number"],
                received_on=form.cleaned_data["received_on"],
                due_on=form.cleaned_data["due_on"],
                applicant=form.cleaned_data["applicant"],
                from_release=form.cleaned_data["from_release"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Diffusion %(number)s ouverte.") % {"number": release.number}
            )
            return redirect(_release_url(release))
    releases = Release.objects.filter(edition=edition).select_related("edition__body")
    return render(
        request,
        "releases/list.html",
        {
            "edition": edition,
            "releases": releases,
            "form": form,
            "releasable": edition.status in services.RELEASABLE,
        },
        status=422 if request.method == "POST" else 200,
    )


def _field_choices(model) -> list[tuple[str, str]]:
    spec = REDACTABLE[model]
    choices = [("", _("L'élément entier"))]
    for name in spec.fields:
        label = str(model._meta.get_field(name).verbose_name)
        choices.append((name, label[:1].upper() + label[1:]))
    return choices


@plan_reader_required
def release_detail(request: HttpRequest, body: str, fiscal_year: str, number: int) -> HttpResponse:
    """One release: its decisions (who, when, ground), the record being examined with its
    fields and the form to withhold it, a field or a passage."""
    edition, release = _release_for_officer(request, body, fiscal_year, number)
    records = edition_records(edition)
    by_key = {record.key: record for record in records}
    withholdings = list(release.withholdings.select_related("ground", "decided_by", "content_type"))
    objects = {(r.model, r.obj.pk): r for r in records}
    decisions = [
        (w, objects.get((w.content_type.model_class(), w.object_id))) for w in withholdings
    ]
    current = by_key.get(request.GET.get("element", ""))
    form = None
    fields = []
    if current is not None:
        form = WithholdingForm(choices=_field_choices(current.model))
        fields = [
            (label, getattr(current.obj, name, ""))
            for name, label in _field_choices(current.model)[1:]
        ]
    return render(
        request,
        "releases/detail.html",
        {
            "edition": edition,
            "release": release,
            "records": records,
            "decisions": decisions,
            "current": current,
            "fields": fields,
            "form": form,
            "ground_form": GroundForm(),
            "sent_form": SentForm(),
            "grounds": Ground.objects.all(),
        },
    )


@require_POST
@plan_reader_required
def withhold(request: HttpRequest, body: str, fiscal_year: str, number: int) -> HttpResponse:
    edition, release = _release_for_officer(request, body, fiscal_year, number)
    record = {r.key: r for r in edition_records(edition)}.get(request.POST.get("element", ""))
    if record is None:
        raise Http404
    form = WithholdingForm(request.POST, choices=_field_choices(record.model))
    back = f"{_release_url(release)}?element={record.key}#decision"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        services.withholding_add(
            release=release,
            user=request.user,
            model=record.model,
            object_id=record.obj.pk,
            field=form.cleaned_data["field"],
            passage=form.cleaned_data["passage"],
            ground=form.cleaned_data["ground"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(request, _("Retrait enregistré."))
    return redirect(back)


@require_POST
@plan_reader_required
def unwithhold(
    request: HttpRequest, body: str, fiscal_year: str, number: int, pk: int
) -> HttpResponse:
    _edition, release = _release_for_officer(request, body, fiscal_year, number)
    try:
        services.withholding_remove(release=release, withholding_id=pk)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Retrait annulé."))
    return redirect(_release_url(release))


@require_POST
@plan_reader_required
def ground_add(request: HttpRequest, body: str, fiscal_year: str, number: int) -> HttpResponse:
    _edition, release = _release_for_officer(request, body, fiscal_year, number)
    form = GroundForm(request.POST)
    if form.is_valid():
        try:
            ground = services.ground_add(**form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Motif ajouté : %(ground)s.") % {"ground": ground})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(_release_url(release))


def _release_task_key(release: Release) -> str:
    """Where the session keeps the id of the release render this person started."""
    return f"ptn-release-pdf-{release.pk}"


@require_POST
@plan_reader_required
def produce(request: HttpRequest, body: str, fiscal_year: str, number: int) -> HttpResponse:
    """Start the render of the release's PDF (the task worker archives it with its SHA-256)
    and follow it on a page that comes back here once it is done."""
    _edition, release = _release_for_officer(request, body, fiscal_year, number)
    if release.is_sent:
        messages.error(request, _("Cette diffusion a été envoyée : son PDF ne change plus."))
        return redirect(_release_url(release))
    request.session[_release_task_key(release)] = render_release.enqueue(release.pk).id
    return redirect(plan_url("releases:pdf_progress", release.edition, release.number))


@plan_reader_required
def produce_progress(
    request: HttpRequest, body: str, fiscal_year: str, number: int
) -> HttpResponse:
    """Follows the release's render; back to the release once it is done."""
    edition, release = _release_for_officer(request, body, fiscal_year, number)
    return _follow_render(
        request,
        edition,
        session_task_result(request, render_release, _release_task_key(release)),
        _release_task_key(release),
        done=_("Le PDF de la diffusion est produit."),
        heading=_("PDF de la diffusion %(number)s") % {"number": release.number},
        back=(_release_url(release), _("Retour à la diffusion")),
    )


def _follow_render(
    request: HttpRequest,
    edition: Edition,
    result,
    key: str,
    *,
    done: str,
    heading: str,
    back: tuple[str, str],
) -> HttpResponse:
    """The progress page of a render this person started (``key`` in the session), until it is
    done: then back to ``back`` with ``done`` said. Nothing under way: back at once."""
    state = render_state(
        result, ready=bool(result) and result.status == TaskResultStatus.SUCCESSFUL
    )
    if state in {"ready", "none"}:
        if request.session.pop(key, None) is not None and state == "ready":
            messages.success(request, done)
        return redirect(back[0])
    return progress_page(
        request,
        edition,
        result,
        state,
        download=False,
        pdf_url=back[0],
        heading=heading,
        back=back,
        ready_note=_(
            "Cette page se met à jour toute seule et vous ramène à la page précédente dès que le "
            "PDF est prêt."
        ),
    )


@plan_reader_required
def download(request: HttpRequest, body: str, fiscal_year: str, number: int) -> HttpResponse:
    _edition, release = _release_for_officer(request, body, fiscal_year, number)
    if not release.pdf:
        raise Http404
    with release.pdf.open("rb") as stored:
        content = stored.read()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename_for(release)}"'
    response["ETag"] = f'"{release.pdf_sha256}"'
    return response


@require_POST
@plan_reader_required
def mark_sent(request: HttpRequest, body: str, fiscal_year: str, number: int) -> HttpResponse:
    _edition, release = _release_for_officer(request, body, fiscal_year, number)
    form = SentForm(request.POST)
    if form.is_valid():
        try:
            services.release_mark_sent(release=release, sent_on=form.cleaned_data["sent_on"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("La diffusion est inscrite comme envoyée."))
    else:
        messages.error(request, _("Indiquez une date d'envoi valide."))
    return redirect(_release_url(release))


# --- Publication (the coordinator) ---------------------------------------------------------


def _edition_for_coordinator(request: HttpRequest, body: str, fiscal_year: str) -> Edition:
    edition = get_edition(request, body, fiscal_year)
    if not is_coordinator(request.user, edition):
        raise PermissionDenied
    return edition


def _publication_url(edition: Edition) -> str:
    return plan_url("releases:publication", edition)


@plan_reader_required
def publication(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    """Whether the edition is published, with which release applied; publish it (again)."""
    edition = _edition_for_coordinator(request, body, fiscal_year)
    current = Publication.objects.filter(edition=edition).select_related("release").first()
    form = PublishForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            published = services.edition_publish(
                edition=edition, user=request.user, release=form.cleaned_data["release"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(_publication_url(edition))
        key = _publication_task_key(edition)
        request.session[key] = render_publication.enqueue(published.pk).id
        return redirect(plan_url("releases:publication_progress", edition))
    return render(
        request,
        "releases/publication.html",
        {
            "edition": edition,
            "publication": current,
            "form": form,
            "publishable": edition.status == Edition.Status.TRANSMITTED,
        },
    )


def _publication_task_key(edition: Edition) -> str:
    return f"ptn-publication-pdf-{edition.pk}"


@plan_reader_required
def publication_progress(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    """Follows the render of the published PDF; back to the publication once it is done."""
    edition = _edition_for_coordinator(request, body, fiscal_year)
    key = _publication_task_key(edition)
    return _follow_render(
        request,
        edition,
        session_task_result(request, render_publication, key),
        key,
        done=_("L'édition est publiée, avec son PDF."),
        heading=_("PDF public de l'édition %(edition)s") % {"edition": edition},
        back=(_publication_url(edition), _("Retour à la publication")),
    )


@require_POST
@plan_reader_required
def unpublish(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    edition = _edition_for_coordinator(request, body, fiscal_year)
    if services.edition_unpublish(edition=edition) is not None:
        messages.success(request, _("La publication est retirée : ses pages n'existent plus."))
    return redirect(_publication_url(edition))
