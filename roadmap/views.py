"""The plan's reading pages: where each person lands, the plan's home, the roadmap (with the
coordinator's bulk assignment), the risks, and the narrative sections."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.models import PublicBody
from initiatives.models import Contribution, Initiative, InitiativeRisk, InitiativeRiskMitigation
from initiatives.services import StaleSelectionError, initiatives_assign
from roadmap.access import (
    can_edit_edition,
    default_edition,
    get_edition,
    is_coordinator,
    plan_reader_required,
)
from roadmap.exchange import vocabulary
from roadmap.exchange.resources import RESOURCES
from roadmap.figures import EditionFigures
from roadmap.forms import BulkAssignForm, RoadmapFilterForm
from roadmap.links import plan_url
from roadmap.models import Edition, PlanRisk, Radar, Section, Topic
from roadmap.section_kinds import kind_of, measured_maturity, radar_with_chart
from roadmap.signatures import signatures
from roadmap.workflow.notifications import awaiting


@plan_reader_required
def index(request: HttpRequest) -> HttpResponse:
    """Where a person lands: their body's default edition; the list of their bodies' editions
    when they read several bodies' plans (the chief's office, administrators…)."""
    editions = list(Edition.objects.visible_to(request.user).select_related("body"))
    bodies = {edition.body_id: edition.body for edition in editions}
    missing = roles.bodies_of(request.user) - set(bodies)
    if missing:  # a body without any edition yet (its coordinator starts the first one)
        bodies.update({body.pk: body for body in PublicBody.objects.filter(pk__in=missing)})
    if not bodies:
        return render(request, "roadmap/no_edition.html")
    if len(bodies) == 1:
        body = next(iter(bodies.values()))
        edition = default_edition(request.user, editions)
        if edition is None:
            return redirect("body", body=body.slug)
        return redirect(plan_url("roadmap:home", edition))
    listing = [
        (body, [e for e in editions if e.body_id == body.pk])
        for body in sorted(bodies.values(), key=lambda b: b.name)
    ]
    return render(request, "roadmap/bodies.html", {"bodies": listing})


@plan_reader_required
def body(request: HttpRequest, body: str) -> HttpResponse:
    """A public body's page: its editions the person may read and, for its coordinator, how to
    start one."""
    public_body = get_object_or_404(PublicBody, slug=body)
    editions = list(Edition.objects.visible_to(request.user).filter(body=public_body))
    if not editions and public_body.pk not in roles.bodies_of(request.user):
        raise Http404
    for edition in editions:
        edition.body = public_body
    return render(
        request,
        "roadmap/body.html",
        {
            "body": public_body,
            "editions": editions,
            "can_start": is_coordinator(request.user, public_body),
        },
    )


@plan_reader_required
def without_body(request: HttpRequest, fiscal_year: str, rest: str) -> HttpResponse:
    """An address from before bodies were in the URL (/plan/2023-2024/…, in bookmarks and
    e-mails): the same page of the one edition of that year the person may read."""
    found = list(
        Edition.objects.visible_to(request.user)
        .filter(fiscal_year=fiscal_year)
        .select_related("body")[:2]
    )
    if len(found) != 1:
        raise Http404
    url = plan_url("roadmap:home", found[0]) + rest
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{url}?{query}" if query else url)


def _orientations(edition: Edition):
    return edition.orientations.prefetch_related("ambitions")


@plan_reader_required
def home(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    radar, chart = radar_with_chart(edition)
    can_edit = can_edit_edition(request.user, edition)
    if radar is None and can_edit:
        # A radar being entered (its scale, not every axis scored yet) is not shown to readers
        # nor in the PDF, but its editor sees it here to add its axes and scores.
        radar = Radar.objects.filter(edition=edition).prefetch_related("scores").first()
    counts = dict(edition.initiatives.values_list("status").annotate(n=Count("id")).order_by())
    status_counts = [
        (value, label, counts.get(value, 0)) for value, label in Initiative.Status.choices
    ]
    return render(
        request,
        "roadmap/home.html",
        {
            "edition": edition,
            "maturity": measured_maturity(edition),
            "strategic_orientations": edition.strategic_orientations.all(),
            "radar": radar,
            "chart": chart,
            # With the strategic-plan orientations each serves (the schema's mapping).
            "orientations": _orientations(edition).prefetch_related("strategic_orientations"),
            "status_counts": status_counts,
            "initiative_count": sum(counts.values()),
            "can_edit": can_edit,
            "can_follow_up": can_edit_edition(request.user, edition, follow_up=True),
            "notices": awaiting(request.user),
        },
    )


@plan_reader_required
def roadmap(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    return _roadmap_page(request, edition, request.GET)


def _roadmap_page(
    request: HttpRequest,
    edition: Edition,
    filters: QueryDict,
    assign_form: BulkAssignForm | None = None,
    selected: frozenset[str] = frozenset(),
    status: int = 200,
) -> HttpResponse:
    form = RoadmapFilterForm(filters or None, edition=edition)
    form.is_valid()
    initiatives = list(form.filter(edition.initiatives.with_roadmap_relations()))
    initiatives.sort(key=lambda i: i.sort_key)
    by_ambition: dict[int, list[Initiative]] = defaultdict(list)
    for initiative in initiatives:
        by_ambition[initiative.ambition_id].append(initiative)
    groups = []
    for orientation in _orientations(edition):
        ambitions = [
            (ambition, by_ambition.get(ambition.pk, []))
            for ambition in orientation.ambitions.all()
            if by_ambition.get(ambition.pk) or not form.is_filtering
        ]
        if ambitions:
            groups.append((orientation, ambitions))
    can_edit = can_edit_edition(request.user, edition)
    if can_edit and assign_form is None and initiatives:
        assign_form = BulkAssignForm(edition=edition)
    _set_row_keys(
        initiatives, edition, selectable=can_edit and assign_form is not None, selected=selected
    )
    return render(
        request,
        "roadmap/roadmap.html",
        {
            "edition": edition,
            "form": form,
            "filters": filters.urlencode(),
            "groups": groups,
            "result_count": len(initiatives),
            "can_edit": can_edit,
            # Into an approved plan, the workbook brings its follow-up (roadmap/exchange).
            "can_import": can_edit_edition(request.user, edition, follow_up=True),
            "assign_form": assign_form if can_edit else None,
            "selected": selected,
            "export_sheets": [
                (r.sheet, vocabulary.sheet_name(r.sheet, vocabulary.language())) for r in RESOURCES
            ],
        },
        status=status,
    )


def _set_row_keys(
    initiatives: list[Initiative], edition: Edition, *, selectable: bool, selected: frozenset[str]
) -> None:
    """Give each initiative the key of its roadmap row: every value the row shows, not only
    the version, which some writes leave as it is. The template memoises each row's HTML under
    it (the "fragments" cache): a plan of a few hundred rows renders in a fraction of the time,
    and a row whose initiative, lead or unit changed has a new key, so it is never shown
    stale."""
    for initiative in initiatives:
        unit = initiative.unit
        initiative.row_key = _memo_key(
            edition,
            selectable,
            initiative.pk,
            initiative.code,
            initiative.title,
            initiative.acronym,
            initiative.status,
            initiative.funded,
            initiative.horizon_start,
            initiative.horizon_end,
            initiative.version,  # the assignment's hidden field
            selectable and str(initiative.pk) in selected,
            initiative.lead_id and str(initiative.lead),
            unit and (unit.pk, unit.acronym, unit.name),
        )


def _memo_key(edition: Edition, *shown) -> str:
    """The key under which a piece of a page is memoised ("fragments" cache): the language it
    is shown in, its edition, and every value it shows."""
    return repr((translation.get_language(), edition.body.slug, edition.fiscal_year, *shown))


@require_POST
@plan_reader_required
def assign(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    """Give the checked initiatives of the roadmap a lead and/or a unit (the coordinator)."""
    edition = get_edition(request, body, fiscal_year)
    if not can_edit_edition(request.user, edition):
        raise PermissionDenied
    filters = QueryDict(request.POST.get("filtres", ""))
    form = BulkAssignForm(request.POST, edition=edition)
    if not form.is_valid():
        return _roadmap_page(request, edition, filters, form, form.selected, status=422)
    data = form.cleaned_data
    try:
        changed = initiatives_assign(
            edition=edition,
            versions=data["versions"],
            lead=data["lead"],
            unit=data["unit"],
            user=request.user,
        )
    except StaleSelectionError as error:
        messages.error(request, _stale_message(error.codes))
        # Shown again with the current values and versions, the same boxes checked.
        fresh = BulkAssignForm(
            initial={"lead": data["lead"], "unit": data["unit"]}, edition=edition
        )
        return _roadmap_page(request, edition, filters, fresh, form.selected, status=409)
    if changed:
        messages.success(
            request,
            ngettext(
                "%(count)d initiative modifiée (%(codes)s); le changement est inscrit à "
                "l'historique.",
                "%(count)d initiatives modifiées (%(codes)s); les changements sont inscrits à "
                "l'historique.",
                len(changed),
            )
            % {"count": len(changed), "codes": ", ".join(i.code for i in changed)},
        )
    else:
        messages.info(
            request,
            _("Aucune initiative n'a changé : celles cochées avaient déjà ces valeurs."),
        )
    url = plan_url("roadmap:roadmap", edition)
    return redirect(f"{url}?{filters.urlencode()}" if filters else url)


def _stale_message(codes: list[str]) -> str:
    if not codes:
        return _(
            "Rien n'a été modifié : une des initiatives cochées a changé pendant "
            "l'enregistrement. Vérifiez-les puis recommencez."
        )
    return ngettext(
        "Rien n'a été modifié : l'initiative %(codes)s a changé depuis l'affichage de la page. "
        "Vérifiez-la puis recommencez.",
        "Rien n'a été modifié : les initiatives %(codes)s ont changé depuis l'affichage de la "
        "page. Vérifiez-les puis recommencez.",
        len(codes),
    ) % {"codes": ", ".join(codes)}


@plan_reader_required
def risks(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    plan_risks = PlanRisk.objects.filter(edition=edition).prefetch_related("mitigations")
    # Read-only cards, hundreds in a large plan: only the fields they show, and the
    # mitigations' texts without a model instance each.
    initiative_risks = (
        InitiativeRisk.objects.filter(initiative__edition=edition)
        .select_related("initiative")
        .only("title", "description", "initiative__code", "initiative__title")
        .order_by("initiative__code", "order")
    )
    mitigation_texts = defaultdict(list)
    for risk_id, text in InitiativeRiskMitigation.objects.filter(
        risk__initiative__edition=edition
    ).values_list("risk_id", "text"):
        mitigation_texts[risk_id].append(text)
    initiative_risks = list(initiative_risks)
    for risk in initiative_risks:
        risk.mitigation_texts = mitigation_texts[risk.pk]
        # The card's memo key (as the roadmap's rows): all it shows.
        risk.card_key = _memo_key(
            edition,
            risk.pk,
            risk.initiative.code,
            risk.initiative.title,
            risk.title,
            risk.description,
            tuple(risk.mitigation_texts),
        )
    return render(
        request,
        "roadmap/risks.html",
        {
            "edition": edition,
            "plan_risks": plan_risks,
            "initiative_risks": initiative_risks,
            "can_edit": can_edit_edition(request.user, edition),
            "can_follow_up": can_edit_edition(request.user, edition, follow_up=True),
        },
    )


@plan_reader_required
def sections(request: HttpRequest, body: str, fiscal_year: str) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    # The coordinator adds, renames, moves and removes sections while the edition is a draft.
    can_edit_structure = edition.status == Edition.Status.DRAFT and can_edit_edition(
        request.user, edition
    )
    sections = list(edition.sections.only("key", "title", "level", "order", "kind", "version"))
    return render(
        request,
        "roadmap/sections.html",
        {
            "edition": edition,
            "sections": sections,
            "can_edit_structure": can_edit_structure,
        },
    )


@plan_reader_required
def section(request: HttpRequest, body: str, fiscal_year: str, key: str) -> HttpResponse:
    edition = get_edition(request, body, fiscal_year)
    section = get_object_or_404(
        Section.objects.prefetch_related(
            "items",
            Prefetch(
                "topics",
                queryset=Topic.objects.prefetch_related(
                    Prefetch(
                        "contributions",
                        queryset=Contribution.objects.select_related("initiative"),
                    )
                ),
            ),
        ),
        edition=edition,
        key=key,
    )
    section.edition = edition
    siblings = list(edition.sections.only("key", "title", "order"))
    position = next(i for i, s in enumerate(siblings) if s.pk == section.pk)
    # What the section's kind shows besides its text, from the data the plan generates it from.
    extras = kind_of(section).context(edition)
    # The figures the text quotes by name, from the data this page already loaded.
    figures = EditionFigures(edition, radar=extras.get("radar"), maturity=extras.get("maturity"))
    return render(
        request,
        "roadmap/section.html",
        {
            "edition": edition,
            "section": section,
            "previous": siblings[position - 1] if position > 0 else None,
            "next": siblings[position + 1] if position + 1 < len(siblings) else None,
            "can_edit": can_edit_edition(request.user, edition),
            "can_follow_up": can_edit_edition(request.user, edition, follow_up=True),
            "signature": signatures(edition, [section]).get(section.signer_role)
            if section.signed and section.signatory_name
            else None,
            "figures": figures,
            **extras,
        },
    )
