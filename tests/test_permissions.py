"""Who may change the plan: every write endpoint × every persona, built from the KINDS registry;
and every route of the plan × a person of another public body (IDOR across bodies).

The rules (enforced in the views, not by hiding buttons): the body's PTN coordinator edits
everything in the edition; an initiative's lead edits that initiative and its rows, nothing
else; everyone else of the body (reader, participating body, DI, deputy minister), an
administrator and a user without a role only read, and an anonymous visitor is sent to the login
page. A person of another body — even its coordinator — does not see the plan at all: 404, as if
it did not exist. Allowed → the change is saved; refused → 403 or 404 (or the login redirect)
and the database is unchanged.
"""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from accounts import roles
from accounts.models import PublicBody, User
from benefits.models import Benefit, BenefitYear, Indicator, Measurement
from initiatives.models import (
    Dependency,
    Initiative,
    InitiativeRisk,
    InitiativeRiskMitigation,
    Milestone,
)
from roadmap.editing.registry import KINDS, Kind
from roadmap.models import Ambition, Edition, MaturityStage, Orientation, ReviewComment, Topic
from roadmap.workflow.steps import STEPS
from tests.bodies import body_with_edition, person
from tests.conftest import DEMO_BODY as BODY
from tests.conftest import DEMO_YEAR
from tests.personas import client_for

OWN, OTHER = "1.1.1", "1.2.1"  # led by « responsable »; not led by them (the IDOR case)
LOGIN_PREFIX = "/connexion/?next="

# Personas, by id; the client of each comes from the conftest fixtures or a demo account.
PLAN_PERSONAS = [
    "anonyme", "intrus", "lecteur", "organisme", "responsable", "coordonnateur", "di", "sm", "admin",
    "autre-organisme",  # the coordinator of another public body
]  # fmt: skip
INITIATIVE_PERSONAS = [*PLAN_PERSONAS, "responsable-autre"]  # the lead, on an initiative of another
CLIENT_FIXTURES = {
    "intrus": "outsider_client",
    "lecteur": "reader_client",
    "organisme": "body_client",
    "responsable": "lead_client",
    "responsable-autre": "lead_client",
    "coordonnateur": "coordinator_client",
}

# Minimal valid data to add a record of each kind (a new kind with can_add must be added here).
ADD_PAYLOADS = {
    "initiative": lambda ed: {"title": "Nouvelle initiative", "status": "ideation"},
    "benefit": lambda ed: {"kind": "non_financial", "description": "Nouveau bénéfice"},
    "indicator": lambda ed: {"name": "Nouvel indicateur", "direction": "increase"},
    "measurement": lambda ed: {"measured_on": "2024-06-30", "value": "12.50"},
    "benefit-year": lambda ed: {"fiscal_year": "2031-2032", "planned": "1000"},
    "risk": lambda ed: {"title": "Nouveau risque", "status": "open"},
    "mitigation": lambda ed: {"text": "Nouvelle mesure d'atténuation"},
    "milestone": lambda ed: {"title": "Nouveau jalon", "due_date": "2024-12-31"},
    "dependency": lambda ed: {
        "depends_on": Initiative.objects.get(edition=ed, code="2.2.3").pk,
        "description": "Nouvelle interdépendance",
    },
    "contribution": lambda ed: {
        "topic": Topic.objects.filter(section__edition=ed).first().pk,
        "text": "Nouvelle contribution",
    },
    "plan-risk": lambda ed: {"title": "Nouveau risque du plan", "status": "open"},
    "plan-mitigation": lambda ed: {"text": "Nouvelle mesure du plan"},
    "section-item": lambda ed: {"title": "Nouvel élément"},
    "strategic-orientation": lambda ed: {"number": 7, "title": "Nouvelle orientation stratégique"},
    "orientation": lambda ed: {"title": "Nouvelle orientation"},
    "ambition": lambda ed: {"title": "Nouvelle ambition"},
    "maturity-stage": lambda ed: _free_stage(ed),
    "radar-score": lambda ed: {"category": "Nouvel axe", "score": "2,5"},
    "topic": lambda ed: {"title": "Nouveau sujet"},
    "section": lambda ed: {"title": "Nouvelle section", "kind": "narrative", "level": "1"},
}


def _free_stage(edition) -> dict:
    """The demo's maturity scale has a label for each of its 4 stages: stage 4 is removed so
    that one can be added."""
    MaturityStage.objects.filter(maturity__edition=edition, number=4).delete()
    return {"number": 4, "label": "Nouvelle étape"}


def actions_of(kind: Kind) -> list[str]:
    # A single record (the radar, the maturity) is added only to an edition without one:
    # tests/test_structure.py adds them to a new body's edition.
    adds = kind.can_add and not kind.single
    return ["edit"] + ["add"] * adds + ["delete"] * kind.can_delete + ["move"] * kind.movable


def is_allowed(kind: Kind, action: str, persona: str) -> bool:
    if persona == "coordonnateur":
        return True
    on_initiative = kind.initiative_path is not None
    creates_an_initiative = action == "add" and kind.initiative_path == ""
    return persona == "responsable" and on_initiative and not creates_an_initiative


def matrix(personas_for=None):
    for kind in KINDS.values():
        on_initiative = kind.initiative_path is not None
        personas = personas_for or (INITIATIVE_PERSONAS if on_initiative else PLAN_PERSONAS)
        for action in actions_of(kind):
            for persona in personas:
                yield pytest.param(kind.slug, action, persona, id=f"{kind.slug}-{action}-{persona}")


@pytest.fixture
def rows(edition):
    """Initiatives 1.1.1 and 1.2.1 get a row of every kind the demo lacks (in bulk: it is fast)."""
    own = Initiative.objects.get(edition=edition, code=OWN)
    other = Initiative.objects.get(edition=edition, code=OTHER)
    assert own.lead.username == "responsable" and other.lead_id != own.lead_id
    pairs = [(own, other), (other, own)]
    benefits = [
        i.benefits.order_by("pk").first()
        or Benefit(initiative=i, kind="non_financial", description="Bénéfice d'essai")
        for i, _ in pairs
    ]
    Benefit.objects.bulk_create([b for b in benefits if b.pk is None])
    indicators = Indicator.objects.bulk_create(
        [Indicator(benefit=b, name="Indicateur", unit="jours") for b in benefits]
    )
    BenefitYear.objects.bulk_create(
        [BenefitYear(benefit=b, fiscal_year="2030-2031", planned=500) for b in benefits]
    )
    day = datetime.date(2024, 3, 31)
    Measurement.objects.bulk_create(
        [Measurement(indicator=i, measured_on=day, value=Decimal("10")) for i in indicators]
    )
    risks = InitiativeRisk.objects.bulk_create(
        [InitiativeRisk(initiative=i, title="Risque", description="…") for i, _ in pairs]
    )
    InitiativeRiskMitigation.objects.bulk_create(
        [InitiativeRiskMitigation(risk=r, text="Mesure d'atténuation") for r in risks]
    )
    Milestone.objects.bulk_create(
        [Milestone(initiative=i, title="Jalon", due_date=day) for i, _ in pairs]
    )
    Dependency.objects.bulk_create(
        [Dependency(initiative=i, depends_on=p, description="Données") for i, p in pairs]
    )
    return {"edition": edition, "own": own, "other": other}


@pytest.fixture
def other_body_edition(db) -> Edition:
    """Another public body (SQE) with its own 2023-2024 edition, beside the MEIE's."""
    return body_with_edition("SQE", "Société québécoise des essais")


@pytest.fixture
def other_body_coordinator(other_body_edition) -> Client:
    client = Client()
    client.force_login(person("coord-sqe", roles.COORDINATOR, body="sqe"))
    return client


@pytest.fixture
def client_of(request, db):
    def get(persona: str) -> Client:
        if persona == "anonyme":
            return Client()
        if persona in CLIENT_FIXTURES:
            return request.getfixturevalue(CLIENT_FIXTURES[persona])
        if persona == "autre-organisme":
            return request.getfixturevalue("other_body_coordinator")
        return client_for(persona)  # di, sm, admin: the demo accounts of those roles

    return get


def path_to_edition(model) -> str:
    """The shortest chain of foreign keys from ``model`` to its edition (found, not declared)."""
    paths = [("pk" if model is Edition else "", model)]
    while paths:
        path, current = paths.pop(0)
        if current is Edition:
            return path
        for field in current._meta.concrete_fields:
            if field.many_to_one or field.one_to_one:
                if field.null or field.related_model is current:
                    continue  # optional links (lead, unit) do not say where a record lives
                next_path = f"{path}__{field.name}" if path else field.name
                paths.append((next_path, field.related_model))
    raise AssertionError(f"{model.__name__} does not lead to an edition")


def row_of(kind: Kind, edition: Edition, initiative: Initiative | None = None):
    """A record of ``kind`` in ``edition`` (belonging to ``initiative`` for initiative kinds)."""
    qs = kind.model.objects.filter(**{path_to_edition(kind.model): edition.pk})
    if initiative is not None:
        path = f"{kind.initiative_path}__pk" if kind.initiative_path else "pk"
        qs = qs.filter(**{path: initiative.pk})
    obj = qs.order_by("pk").first()
    assert obj is not None, f"no « {kind.slug} » record to test with"
    return obj


def free_row(kind: Kind, edition: Edition, action: str):
    """Orientations and ambitions that have initiatives are neither moved nor removed (their
    numbers start the initiatives' codes): those actions are tried on new, empty ones."""
    if action not in {"delete", "move"} or kind.slug not in {"orientation", "ambition"}:
        return None
    first = Orientation.objects.create(edition=edition, number=8, title="Orientation vide")
    Orientation.objects.create(edition=edition, number=9, title="Autre orientation vide")
    if kind.slug == "orientation":
        return first
    Ambition.objects.create(orientation=first, number=2, title="Autre ambition vide")
    return Ambition.objects.create(orientation=first, number=1, title="Ambition vide")


def url_of(action: str, kind: Kind, obj, year: str = DEMO_YEAR, body: str = BODY) -> str:
    """The endpoint; adding is done under the same parent as ``obj``."""
    if action != "add":
        return reverse(f"roadmap:{action}", args=[body, year, kind.slug, obj.pk])
    if kind.parent_kind:
        parent_pk = getattr(obj, f"{kind.parent_field}_id")
        return reverse("roadmap:add_under", args=[body, year, kind.slug, parent_pk])
    return reverse("roadmap:add", args=[body, year, kind.slug])


def edit_payload(client: Client, url: str) -> tuple[dict, str, object]:
    """The edit form's values as POST data with one value changed: (data, field name, new value).

    The form is fetched as htmx does (the fragment is cheaper to render than the whole page)."""
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    form = response.context["form"]
    data, changed = {}, None
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.ModelMultipleChoiceField):
            data[name] = [str(pk) for pk in value or []]
            continue
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"  # an unchecked box is simply not sent
            continue
        if isinstance(value, datetime.date):
            value = value.isoformat()
        value = "" if value is None else str(value)
        # A fiscal year (« 2024-2025 ») is a text with a format: a number is changed instead.
        if changed is None and type(field) is forms.CharField and value and name != "fiscal_year":
            value += " (modifié)"
            changed = (name, value)
        data[name] = value
    if changed is None:  # numeric-only records: one more unit on the first number
        name = next(
            n
            for n, f in form.fields.items()
            if isinstance(f, forms.IntegerField) and n != "expected_version" and data[n]
        )
        data[name] = str(Decimal(data[name]) + 1)
        changed = (name, Decimal(data[name]))
    return data, *changed


def snapshot(obj) -> dict | None:
    return type(obj).objects.filter(pk=obj.pk).values().first()


def assert_refused(response, persona: str) -> None:
    if persona == "anonyme":
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith(LOGIN_PREFIX)
    elif persona == "autre-organisme":
        assert response.status_code == 404, response.status_code  # not even told it exists
    else:
        assert response.status_code == 403, response.status_code


def check_endpoint(slug, action, persona, request, client_of, htmx=False):
    kind, edition = KINDS[slug], request.getfixturevalue("edition")
    initiative = None
    if kind.initiative_path is not None:  # only then are the initiatives' rows needed
        rows = request.getfixturevalue("rows")
        initiative = rows["other"] if persona == "responsable-autre" else rows["own"]
    obj = free_row(kind, edition, action) or row_of(kind, edition, initiative)
    url = url_of(action, kind, obj)
    client = client_of(persona)  # first: another body's persona comes with its own edition
    if action == "move":
        check_move(kind, obj, url, persona, client, htmx)
        return
    if action == "edit":
        data, field, new_value = edit_payload(client_of("coordonnateur"), url)
    elif action == "add":
        data = ADD_PAYLOADS[slug](edition)
    else:
        data = {"expected_version": obj.version}
    before, count = snapshot(obj), kind.model.objects.count()
    if action == "add":  # the new record must land under the parent named in the URL
        siblings = kind.model.objects.filter(**{kind.parent_field: getattr(obj, kind.parent_field)})
        siblings_count = siblings.count()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    if not is_allowed(kind, action, persona):
        assert_refused(client.get(url, **headers), persona)
        assert_refused(client.post(url, data, **headers), persona)
        assert snapshot(obj) == before
        assert kind.model.objects.count() == count
        return

    assert client.get(url, **headers).status_code == 200
    response = client.post(url, data, **headers)
    assert response.status_code == (200 if htmx else 302), response.content.decode()[:2000]
    if action == "edit":
        obj.refresh_from_db()
        assert getattr(obj, field) == new_value
        assert obj.version == before["version"] + 1
    elif action == "add":
        assert kind.model.objects.count() == count + 1
        assert siblings.count() == siblings_count + 1
    else:
        assert snapshot(obj) is None
        assert kind.model.objects.count() == count - 1


def check_move(kind: Kind, obj, url: str, persona: str, client: Client, htmx: bool) -> None:
    """« Descendre »: a POST only (a GET is refused with 405 whoever asks)."""
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    field = kind.order_field
    before = snapshot(obj)
    response = client.post(url, {"direction": "down"}, **headers)
    if not is_allowed(kind, "move", persona):
        assert_refused(response, persona)
        assert snapshot(obj) == before
        return
    assert response.status_code == (200 if htmx else 302), response.status_code
    obj.refresh_from_db()
    assert getattr(obj, field) > before[field]
    assert obj.version == before["version"] + 1


def test_the_add_payloads_cover_every_kind_that_can_be_added():
    expected = {slug for slug, kind in KINDS.items() if kind.can_add and not kind.single}
    assert set(ADD_PAYLOADS) == expected


@pytest.mark.parametrize(("slug", "action", "persona"), list(matrix()))
def test_each_persona_can_do_exactly_what_the_rules_allow(
    slug, action, persona, request, client_of
):
    check_endpoint(slug, action, persona, request, client_of)


@pytest.mark.parametrize(
    ("slug", "action", "persona"), list(matrix(personas_for=["coordonnateur", "lecteur"]))
)
def test_htmx_requests_follow_the_same_rules(slug, action, persona, request, client_of):
    check_endpoint(slug, action, persona, request, client_of, htmx=True)


INITIATIVE_KINDS = [s for s, k in KINDS.items() if k.initiative_path is not None]


@pytest.mark.parametrize("slug", INITIATIVE_KINDS)
def test_a_lead_replaying_their_own_form_on_another_initiatives_row_is_refused(
    slug, rows, lead_client
):
    kind = KINDS[slug]
    own, other = (
        row_of(kind, rows["edition"], rows["own"]),
        row_of(kind, rows["edition"], rows["other"]),
    )
    data, _, _ = edit_payload(lead_client, url_of("edit", kind, own))  # their own form: allowed
    data["expected_version"] = other.version
    before = snapshot(other), snapshot(own)
    assert lead_client.post(url_of("edit", kind, other), data).status_code == 403
    if kind.can_delete:
        assert lead_client.post(url_of("delete", kind, other), data).status_code == 403
    assert (snapshot(other), snapshot(own)) == before


@pytest.mark.parametrize("slug", INITIATIVE_KINDS)
def test_a_lead_cannot_add_under_another_initiative(slug, rows, lead_client):
    kind = KINDS[slug]
    other = row_of(kind, rows["edition"], rows["other"])
    count = kind.model.objects.count()
    url = url_of("add", kind, other)
    assert lead_client.post(url, ADD_PAYLOADS[slug](rows["edition"])).status_code == 403
    assert kind.model.objects.count() == count


def test_a_lead_cannot_move_their_row_to_another_initiative_by_posting_its_id(rows, lead_client):
    kind = KINDS["risk"]
    risk = row_of(kind, rows["edition"], rows["own"])
    data, _, _ = edit_payload(lead_client, url_of("edit", kind, risk))
    data["initiative"] = rows["other"].pk
    assert lead_client.post(url_of("edit", kind, risk), data).status_code == 302
    risk.refresh_from_db()
    assert risk.initiative_id == rows["own"].pk


def test_a_lead_cannot_hand_their_initiative_over_to_someone_else(rows, lead_client):
    kind, initiative = KINDS["initiative"], rows["own"]
    data, _, _ = edit_payload(lead_client, url_of("edit", kind, initiative))
    data["lead"] = User.objects.get(username="coordonnateur").pk
    assert lead_client.post(url_of("edit", kind, initiative), data).status_code == 302
    initiative.refresh_from_db()
    assert initiative.lead.username == "responsable"


@pytest.mark.parametrize("persona", ["coordonnateur", "responsable"])
def test_nothing_can_change_once_the_edition_is_recommended(persona, rows, client_of):
    kind, edition = KINDS["risk"], rows["edition"]
    risk = row_of(kind, edition, rows["own"])
    data, _, _ = edit_payload(client_of("coordonnateur"), url_of("edit", kind, risk))
    edition.status = Edition.Status.RECOMMENDED
    edition.save(update_fields=["status"])
    before = snapshot(risk)
    assert client_of(persona).post(url_of("edit", kind, risk), data).status_code == 403
    assert snapshot(risk) == before


@pytest.mark.parametrize("url_name", ["edit", "delete", "add", "add_under"])
def test_an_unknown_kind_is_not_found(url_name, edition, coordinator_client):
    args = {"edit": [1], "delete": [1], "add": [], "add_under": [1]}[url_name]
    url = reverse(f"roadmap:{url_name}", args=[BODY, DEMO_YEAR, "inconnu", *args])
    assert coordinator_client.get(url).status_code == 404
    assert coordinator_client.post(url, {"title": "x"}).status_code == 404


@pytest.fixture
def next_edition(db):
    """A second edition, 2024-2025, with one orientation, ambition, initiative and benefit."""
    edition = Edition.objects.create(
        body=PublicBody.objects.get(slug=BODY), fiscal_year="2024-2025"
    )
    orientation = Orientation.objects.create(edition=edition, number=1, title="Orientation")
    ambition = Ambition.objects.create(orientation=orientation, number=1, title="Ambition")
    initiative = Initiative.objects.create(
        edition=edition, ambition=ambition, number=1, code="1.1.1", title="Initiative"
    )
    Benefit.objects.create(initiative=initiative, kind="non_financial", description="Bénéfice")
    return edition


@pytest.mark.parametrize("persona", ["coordonnateur", "responsable"])
@pytest.mark.parametrize(
    ("slug", "action"),
    [
        ("initiative", "edit"),
        ("orientation", "edit"),
        ("ambition", "edit"),
        ("benefit", "edit"),
        ("benefit", "delete"),
        ("benefit", "add"),
        ("initiative", "add"),
    ],
    ids=lambda value: value,
)
def test_a_record_of_another_edition_is_not_found(
    slug, action, persona, edition, next_edition, client_of
):
    kind = KINDS[slug]
    client = client_of(persona)
    if persona == "responsable":  # the lead of the other edition's initiative, too
        lead = User.objects.get(username="responsable")
        Initiative.objects.filter(edition=next_edition).update(lead=lead)
    for obj, year in [
        (row_of(kind, next_edition), DEMO_YEAR),  # a 2024-2025 record under the 2023-2024 URL
        (row_of(kind, edition), next_edition.fiscal_year),  # and the other way around
    ]:
        before, count = snapshot(obj), kind.model.objects.count()
        data = ADD_PAYLOADS[slug](edition) if action == "add" else {"expected_version": obj.version}
        url = url_of(action, kind, obj, year=year)
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
        assert snapshot(obj) == before and kind.model.objects.count() == count


# --- Every route of the plan × a person of another body (IDOR across bodies) ----------------


def _period(ed: Edition):
    from followup.models import ReportingPeriod

    return ReportingPeriod.objects.get_or_create(edition=ed, end_date=datetime.date(2024, 3, 31))[0]


def _release(ed: Edition):
    """The edition's first access release (its routes take its number)."""
    from releases.models import Release

    found = Release.objects.filter(edition=ed, number=1).first()
    if found is None:
        found = Release(
            edition=ed, request_number="2024-0001", received_on=datetime.date(2024, 5, 1),
            due_on=datetime.date(2024, 5, 21),
        )  # fmt: skip
        found.number = 1
        found.save()
    return found


def _withholding(ed: Edition) -> int:
    from django.contrib.contenttypes.models import ContentType

    from initiatives.models import Initiative
    from releases.models import Ground, Withholding

    ground = Ground.objects.order_by("order").first() or Ground.objects.create(
        article="22", title="Secret industriel"
    )
    initiative = ed.initiatives.get(code=OWN)
    return Withholding.objects.create(
        release=_release(ed), content_type=ContentType.objects.get_for_model(Initiative),
        object_id=initiative.pk, field="budget", ground=ground,
    ).pk  # fmt: skip


ROUTE_ARGS = {
    # Each named route of an edition, with what follows the edition in its URL.
    "roadmap:home": lambda ed: [],
    "roadmap:roadmap": lambda ed: [],
    "roadmap:assign": lambda ed: [],
    "roadmap:risks": lambda ed: [],
    "roadmap:sections": lambda ed: [],
    "roadmap:section": lambda ed: [ed.sections.order_by("order").first().key],
    "roadmap:history": lambda ed: [],
    "roadmap:pdf": lambda ed: [],
    "roadmap:pdf_progress": lambda ed: [],
    "roadmap:export": lambda ed: [],
    "roadmap:import": lambda ed: [],
    "roadmap:import_confirm": lambda ed: [],
    "roadmap:edition": lambda ed: [],
    "roadmap:transition": lambda ed: ["soumettre"],
    "roadmap:compare": lambda ed: [],
    "roadmap:comment_add": lambda ed: [],
    "roadmap:comment_add_initiative": lambda ed: [OWN],
    "roadmap:comment_resolve": lambda ed: [
        ReviewComment.objects.create(edition=ed, text="Commentaire de la DI").pk
    ],
    "roadmap:edit": lambda ed: ["initiative", ed.initiatives.get(code=OWN).pk],
    "roadmap:delete": lambda ed: ["benefit", ed.initiatives.get(code=OWN).benefits.first().pk],
    "roadmap:add": lambda ed: ["plan-risk"],
    "roadmap:add_under": lambda ed: ["benefit", ed.initiatives.get(code=OWN).pk],
    "roadmap:move": lambda ed: ["radar-score", ed.radar.scores.first().pk],
    "initiatives:detail": lambda ed: [OWN],
    "benefits:summary": lambda ed: [],
    # Follow-up of the plan (followup/)
    "followup:dashboard": lambda ed: [],
    "followup:pdf": lambda ed: [],
    "followup:pdf_progress": lambda ed: [],
    "followup:periods": lambda ed: [],
    "followup:period_delete": lambda ed: [_period(ed).pk],
    "followup:risks": lambda ed: [],
    "followup:indicator": lambda ed: [
        Indicator.objects.filter(benefit__initiative__edition=ed).order_by("pk").first().pk
    ],
    "followup:initiative": lambda ed: [OWN],
    "followup:report": lambda ed: [OWN, _period(ed).end_date.isoformat()],
    "followup:submit": lambda ed: [OWN, _period(ed).end_date.isoformat()],
    "followup:review": lambda ed: [OWN, _period(ed).end_date.isoformat()],
    # Access-to-information releases (releases/)
    "releases:list": lambda ed: [],
    "releases:publication": lambda ed: [],
    "releases:publication_progress": lambda ed: [],
    "releases:unpublish": lambda ed: [],
    "releases:detail": lambda ed: [_release(ed).number],
    "releases:withhold": lambda ed: [_release(ed).number],
    "releases:unwithhold": lambda ed: [_release(ed).number, _withholding(ed)],
    "releases:ground_add": lambda ed: [_release(ed).number],
    "releases:produce": lambda ed: [_release(ed).number],
    "releases:pdf_progress": lambda ed: [_release(ed).number],
    "releases:pdf": lambda ed: [_release(ed).number],
    "releases:sent": lambda ed: [_release(ed).number],
    # The published edition's public pages (releases/public.py): anyone may read them once
    # published, nobody before.
    "public:home": lambda ed: [],
    "public:roadmap": lambda ed: [],
    "public:initiative": lambda ed: [OWN],
    "public:sections": lambda ed: [],
    "public:section": lambda ed: [ed.sections.order_by("order").first().key],
    "public:pdf": lambda ed: [],
    "public:data_index": lambda ed: [],
    "public:datapackage": lambda ed: [],
    "public:data_file": lambda ed: ["initiatives"],
    "public:plan_json": lambda ed: [],
    "public:plan_schema": lambda ed: [],
}
# Every step of the workflow, each from the status it starts from.
STEP_ROUTES = [f"roadmap:transition:{slug}" for slug in STEPS]
# What may be posted to any route: every form's fields, none of them checked before the refusal.
ANY_POST = {
    "title": "Changé par un autre organisme",
    "text": "Changé",
    "comment": "Changé",
    "status": "completed",
    "expected_version": 1,
    "token": "x",
    "transmitted_on": "2024-03-31",
    "recipient": "CGTN",
    "lead": "",
    "unit": "",
}


def plan_route_names() -> set[str]:
    """The named routes under /plan/<body>/<fiscal year>/, found in the URL configuration."""
    from django.urls import URLResolver, get_resolver

    names = set()
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and "<fy:fiscal_year>" in str(pattern.pattern):
            for inner in pattern.url_patterns:
                names.add(f"{pattern.namespace}:{inner.name}")
    return names


def database_state() -> dict[str, list]:
    """Every row of the plan, the people's roles, the workflow and the task queue."""
    from django.apps import apps

    models = [
        model
        for app in (
            "accounts",
            "roadmap",
            "initiatives",
            "benefits",
            "followup",
            "releases",
            "django_tasks_database",
        )  # fmt: skip
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical") and model is not User
    ]
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


def test_the_cross_body_matrix_covers_every_route_of_an_edition():
    assert plan_route_names() == set(ROUTE_ARGS)


@pytest.mark.parametrize("route", [*ROUTE_ARGS, *STEP_ROUTES])
def test_another_bodys_coordinator_is_refused_on_every_route_and_nothing_changes(
    route, edition, other_body_coordinator
):
    name, _sep, step = route.partition(":transition:")
    if step:
        name = "roadmap:transition"
        Edition.objects.filter(pk=edition.pk).update(status=STEPS[step].from_status)
    args = [step] if step else ROUTE_ARGS[name](edition)
    url = reverse(name, args=[BODY, DEMO_YEAR, *args])
    before = database_state()
    # A route that only takes a POST refuses a GET whoever asks (405): that tells nothing; the
    # public pages take only GET and HEAD, so they refuse a POST whoever asks.
    public = name.startswith("public:")
    assert other_body_coordinator.get(url).status_code in ((404,) if public else (404, 405))
    for response in (
        other_body_coordinator.post(url, ANY_POST),
        other_body_coordinator.post(url, ANY_POST, HTTP_HX_REQUEST="true"),
    ):
        assert response.status_code in ((404, 405) if public else (404,)), (
            url,
            response.status_code,
        )
    assert database_state() == before


@pytest.mark.parametrize("route", [r for r in ROUTE_ARGS if r.startswith("public:")])
def test_the_public_pages_of_an_unpublished_edition_are_not_found(route, edition, client):
    url = reverse(route, args=[BODY, DEMO_YEAR, *ROUTE_ARGS[route](edition)])
    assert client.get(url).status_code == 404
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.TRANSMITTED)
    assert client.get(url).status_code == 404  # transmitted, not yet published


@pytest.mark.parametrize(
    "name, method", [("body", "get"), ("edition_start", "get"), ("edition_start", "post"),
                     ("edition_create_next", "post")],
)  # fmt: skip
def test_another_bodys_coordinator_cannot_open_or_start_the_meies_editions(
    name, method, edition, other_body_coordinator
):
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.APPROVED)
    before = database_state()
    url = reverse(name, args=[BODY])
    response = getattr(other_body_coordinator, method)(url, {"fiscal_year": "2024-2025"})
    assert response.status_code == 404
    assert database_state() == before


def test_the_markdown_preview_does_not_read_another_bodys_figures(edition, other_body_coordinator):
    response = other_body_coordinator.post(
        reverse("markdown_preview"),
        {"_field": "t", "t": "{{radar.global}}", "_body": BODY, "_edition": DEMO_YEAR},
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("slug", "action"),
    [(slug, action) for slug, kind in KINDS.items() for action in actions_of(kind)
     if action != "add" or kind.parent_kind],
    ids=lambda value: value,
)  # fmt: skip
def test_a_meie_record_is_not_found_through_another_bodys_own_edition(
    slug, action, rows, other_body_edition, other_body_coordinator
):
    """The other body's coordinator, on their own edition's URL, with the MEIE's record ids."""
    kind = KINDS[slug]
    obj = row_of(kind, rows["edition"], rows["own"] if kind.initiative_path is not None else None)
    url = url_of(action, kind, obj, body="sqe")
    data = ADD_PAYLOADS[slug](rows["edition"]) if action == "add" else ANY_POST
    before, count = snapshot(obj), kind.model.objects.count()
    if action == "move":
        data = {**ANY_POST, "direction": "up"}
    # A route that only takes a POST refuses a GET whoever asks (405): that tells nothing.
    assert other_body_coordinator.get(url).status_code in (
        (404, 405) if action == "move" else (404,)
    )
    assert other_body_coordinator.post(url, data).status_code == 404
    assert snapshot(obj) == before and kind.model.objects.count() == count
