"""The plan's structure as the coordinator shapes it in a draft (issue 11, « structure »):
initiative codes free within their ambition, the radar's and the maturity's scales, radar
axes, maturity stages, orientations, ambitions, strategic-plan orientations and topics added,
renamed, reordered and removed."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from initiatives.models import Initiative
from roadmap.exchange.service import export_workbook
from roadmap.models import Edition
from roadmap.workflow.next_edition import edition_start
from tests.test_pages import text_of

BODY, YEAR = "meie", "2023-2024"
HTMX = {"HTTP_HX_REQUEST": "true"}


def add_url(kind: str, parent_pk: int | None = None) -> str:
    if parent_pk is None:
        return reverse("roadmap:add", args=[BODY, YEAR, kind])
    return reverse("roadmap:add_under", args=[BODY, YEAR, kind, parent_pk])


def edit_url(kind: str, pk: int) -> str:
    return reverse("roadmap:edit", args=[BODY, YEAR, kind, pk])


def delete_url(kind: str, pk: int) -> str:
    return reverse("roadmap:delete", args=[BODY, YEAR, kind, pk])


def workbook_with(edition, rows: list[list]) -> bytes:
    """The edition's export with ``rows`` appended to its « Initiatives » sheet."""
    book = openpyxl.load_workbook(io.BytesIO(export_workbook(edition)))
    sheet = book["Initiatives"]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- Initiative codes ------------------------------------------------------------------------


@pytest.fixture
def ambition_22(edition):
    return edition.initiatives.get(code="2.2.5").ambition


def test_the_add_form_offers_the_next_free_code(coordinator_client, ambition_22):
    response = coordinator_client.get(add_url("initiative", ambition_22.pk))
    assert response.status_code == 200
    field = response.context["form"]["code"]
    assert field.value() == "2.2.6"  # 2.2.5 is the highest of ambition 2.2
    assert 'value="2.2.6"' in response.content.decode()


def test_a_gapped_code_may_follow_another(coordinator_client, edition, ambition_22):
    response = coordinator_client.post(
        add_url("initiative", ambition_22.pk),
        {"code": "2.2.9", "title": "Initiative au code espacé", "status": "ideation"},
    )
    assert response.status_code == 302, text_of(response)
    created = edition.initiatives.get(title="Initiative au code espacé")
    assert (created.code, created.number, created.ambition_id) == ("2.2.9", 9, ambition_22.pk)
    assert response["Location"].startswith(
        reverse("initiatives:detail", args=[BODY, YEAR, "2.2.9"])
    )


def test_a_code_outside_the_ambition_is_refused_in_french(coordinator_client, ambition_22):
    count = Initiative.objects.count()
    response = coordinator_client.post(
        add_url("initiative", ambition_22.pk),
        {"code": "2.3.7", "title": "Mal placée", "status": "ideation"},
        **HTMX,
    )
    assert response.status_code == 422
    assert "ne correspond pas à l'ambition 2.2" in text_of(response)
    assert Initiative.objects.count() == count


def test_a_code_already_used_in_the_edition_is_refused(coordinator_client, ambition_22):
    count = Initiative.objects.count()
    response = coordinator_client.post(
        add_url("initiative", ambition_22.pk),
        {"code": "2.2.3", "title": "Doublon", "status": "ideation"},
        **HTMX,
    )
    assert response.status_code == 422
    assert "Le code 2.2.3 est déjà celui d'une autre initiative de cette édition" in text_of(
        response
    )
    assert Initiative.objects.count() == count


def test_the_code_is_fixed_once_the_initiative_exists(coordinator_client, edition):
    pslu = edition.initiatives.get(code="1.1.1")
    response = coordinator_client.get(edit_url("initiative", pslu.pk))
    assert "code" not in response.context["form"].fields


def test_the_import_accepts_gapped_codes_and_refuses_a_wrong_prefix(coordinator_client, edition):
    url = reverse("roadmap:import", args=[BODY, YEAR])
    wrong = workbook_with(edition, [["3.1.4", "2.2", "Préfixe faux"]])
    response = coordinator_client.post(url, {"file": SimpleUploadedFile("p.xlsx", wrong)})
    assert response.status_code == 422
    assert "ne correspond pas à l'ambition 2.2" in text_of(response)

    gapped = workbook_with(edition, [["2.2.8", "2.2", "Espacée", "", "", "", "", "Idéation"]])
    preview = coordinator_client.post(url, {"file": SimpleUploadedFile("p.xlsx", gapped)})
    assert preview.status_code == 200, text_of(preview)
    token = preview.context["token"]
    confirm = coordinator_client.post(
        reverse("roadmap:import_confirm", args=[BODY, YEAR]), {"token": token}
    )
    assert confirm.status_code == 302
    assert edition.initiatives.get(code="2.2.8").number == 8


def test_the_model_names_the_problem_with_a_code(edition):
    ambition = edition.initiatives.get(code="2.2.5").ambition
    initiative = Initiative(edition=edition, ambition=ambition, code="2.2.1", title="x")
    with pytest.raises(ValidationError) as error:
        initiative.full_clean()
    assert "déjà celui d'une autre initiative" in str(error.value.message_dict["code"])
    initiative.code = "2.2.07"
    initiative.full_clean()
    assert (initiative.code, initiative.number) == ("2.2.7", 7)


def test_gapped_codes_are_kept_in_the_next_edition(coordinator_client, edition, ambition_22):
    coordinator_client.post(
        add_url("initiative", ambition_22.pk),
        {"code": "2.2.9", "title": "Gardée", "status": "ideation"},
    )
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.APPROVED)
    edition.refresh_from_db()
    following = edition_start(body=edition.body, fiscal_year="2024-2025", user=None, source=edition)
    copied = following.initiatives.get(title="Gardée")
    assert (copied.code, copied.number) == ("2.2.9", 9)
    assert copied.ambition.code == "2.2" and copied.ambition.orientation.edition == following
    assert following.initiatives.count() == edition.initiatives.count()


# --- The Radar numériQc: its scale and its axes -----------------------------------------------


def radar_of(edition):
    return edition.radar


def set_radar_scale(client, radar, low: int, high: int):
    return client.post(
        edit_url("radar", radar.pk),
        {
            "scale_min": low,
            "scale_max": high,
            "source": radar.source,
            "expected_version": radar.version,
        },
    )


def save_score(client, score, value: str, **headers):
    return client.post(
        edit_url("radar-score", score.pk),
        {"category": score.category, "score": value, "expected_version": score.version},
        **headers,
    )


def test_the_demo_radar_refuses_a_score_above_its_scale(coordinator_client, edition):
    score = radar_of(edition).scores.first()
    response = save_score(coordinator_client, score, "5", **HTMX)
    assert response.status_code == 422
    assert "Le résultat doit être sur l'échelle du radar, de 0 à 4." in text_of(response)
    score.refresh_from_db()
    assert score.score != 5


def test_a_0_to_5_radar_accepts_5_and_0_and_refuses_6(coordinator_client, edition):
    radar = radar_of(edition)
    assert set_radar_scale(coordinator_client, radar, 0, 5).status_code == 302
    radar.refresh_from_db()
    assert (radar.scale_min, radar.scale_max) == (0, 5)
    first, second = radar.scores.all()[:2]
    assert save_score(coordinator_client, first, "5").status_code == 302
    assert save_score(coordinator_client, second, "0").status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.score, second.score) == (5, 0)
    response = save_score(coordinator_client, first, "6", **HTMX)
    assert response.status_code == 422
    assert "de 0 à 5" in text_of(response)
    home = text_of(coordinator_client.get(reverse("roadmap:home", args=[BODY, YEAR])))
    assert "sur une échelle de 0 à 5" in home and "Résultat (0 à 5)" in home


def test_a_scale_that_would_leave_scores_outside_is_refused(coordinator_client, edition):
    radar = radar_of(edition)
    response = set_radar_scale(coordinator_client, radar, 2, 4)  # 1,25 and others are below 2
    assert response.status_code == 422
    assert "Expérience utilisateur/client" in text_of(response)
    assert set_radar_scale(coordinator_client, radar, 4, 4).status_code == 422
    radar.refresh_from_db()
    assert (radar.scale_min, radar.scale_max) == (0, 4)


def test_the_chart_and_the_figures_follow_the_scale(edition):
    from roadmap.charts import radar_chart
    from roadmap.figures import EditionFigures

    scores = [("a", Decimal(5)), ("b", Decimal(1)), ("c", Decimal(3))]
    chart = radar_chart(scores, 5, 1)
    assert [value for value, _points in chart.rings] == [2, 3, 4, 5]
    assert [label[0] for label in chart.ring_labels] == [1, 2, 3, 4, 5]
    top, low = chart.axes[0], chart.axes[1]
    assert (top.point_x, top.point_y) == (top.x, top.y)  # 5 is the outer ring
    assert (low.point_x, low.point_y) == (chart.center, chart.center)  # 1 is the centre
    radar = edition.radar
    radar.scale_max = 5
    radar.save()
    figures = EditionFigures(edition)
    assert (figures.value("radar.minimum"), figures.value("radar.echelle")) == ("0", "5")
    assert figures.value("radar.global") == "1,75"


def test_radar_axes_are_added_renamed_moved_and_removed(coordinator_client, edition):
    radar = radar_of(edition)
    response = coordinator_client.post(
        add_url("radar-score", radar.pk), {"category": "Sécurité numérique", "score": "2,5"}
    )
    assert response.status_code == 302
    added = radar.scores.get(category="Sécurité numérique")
    assert added.order == 9 and added.score == Decimal("2.5")

    move = reverse("roadmap:move", args=[BODY, YEAR, "radar-score", added.pk])
    assert coordinator_client.post(move, {"direction": "up"}).status_code == 302
    categories = list(radar.scores.values_list("category", flat=True))
    assert categories[-2:] == ["Sécurité numérique", "Gouvernance numérique"]

    added.refresh_from_db()
    coordinator_client.post(
        edit_url("radar-score", added.pk),
        {"category": "Cybersécurité", "score": "2,5", "expected_version": added.version},
    )
    page = text_of(coordinator_client.get(reverse("roadmap:home", args=[BODY, YEAR])))
    assert "Cybersécurité" in page
    assert page.index("Cybersécurité") < page.index("Gouvernance numérique")

    added.refresh_from_db()
    response = coordinator_client.post(
        delete_url("radar-score", added.pk), {"expected_version": added.version}
    )
    assert response.status_code == 302
    assert not radar.scores.filter(category="Cybersécurité").exists()
    assert radar.scores.count() == 8


# --- Maturity: its scale and its stages --------------------------------------------------------


def maturity_data(maturity, **changes) -> dict:
    data = {
        "score": str(maturity.score),
        "scale_min": maturity.scale_min,
        "scale_max": maturity.scale_max,
        "target_stage": maturity.target_stage,
        "target_date": maturity.target_date.isoformat(),
        "source": maturity.source,
        "expected_version": maturity.version,
    }
    return {**data, **changes}


def test_a_fifth_stage_is_added_and_shown_with_its_label(coordinator_client, edition):
    maturity = edition.maturity
    response = coordinator_client.post(
        add_url("maturity-stage", maturity.pk), {"number": 5, "label": "Transforme l'État"}
    )
    assert response.status_code == 422  # the scale runs from 1 to 4
    assert "de 1 à 4" in text_of(response)

    response = coordinator_client.post(
        edit_url("maturity", maturity.pk), maturity_data(maturity, scale_max=5)
    )
    assert response.status_code == 302
    response = coordinator_client.post(
        add_url("maturity-stage", maturity.pk), {"number": 5, "label": "Transforme l'État"}
    )
    assert response.status_code == 302
    maturity.refresh_from_db()
    assert maturity.stage_label(5) == "Transforme l'État"

    from roadmap.charts import maturity_chart

    chart = maturity_chart(maturity)
    assert [stage[3] for stage in chart.stages][-1] == "Transforme l'État"
    assert len(chart.stages) == 5

    maturity.refresh_from_db()
    response = coordinator_client.post(
        edit_url("maturity", maturity.pk), maturity_data(maturity, score="4,6", target_stage=5)
    )
    assert response.status_code == 302
    home = text_of(coordinator_client.get(reverse("roadmap:home", args=[BODY, YEAR])))
    assert "sur une échelle de 1 à 5" in home
    assert "Étape 4 : « Est numérique »" in home
    assert "Étape 5 : « Transforme l'État »" in home


def test_stages_are_renamed_and_the_pages_follow(coordinator_client, edition):
    stage = edition.maturity.stages.get(number=2)
    response = coordinator_client.post(
        edit_url("maturity-stage", stage.pk),
        {"number": 2, "label": "Numérise ses services", "expected_version": stage.version},
    )
    assert response.status_code == 302
    home = text_of(coordinator_client.get(reverse("roadmap:home", args=[BODY, YEAR])))
    assert "Étape 2 : « Numérise ses services »" in home  # the measured 2,3 is stage 2


def test_stage_and_score_checks_speak_french(coordinator_client, edition):
    maturity = edition.maturity
    duplicate = coordinator_client.post(
        add_url("maturity-stage", maturity.pk), {"number": 2, "label": "Doublon"}
    )
    assert duplicate.status_code == 422 and "L'étape 2 existe déjà." in text_of(duplicate)

    off_scale = coordinator_client.post(
        edit_url("maturity", maturity.pk), maturity_data(maturity, score="4,5")
    )
    assert off_scale.status_code == 422
    assert "La maturité mesurée doit être sur l'échelle, de 1 à 4." in text_of(off_scale)

    shrink = coordinator_client.post(
        edit_url("maturity", maturity.pk), maturity_data(maturity, scale_max=3, target_stage=2)
    )
    assert shrink.status_code == 422
    assert "Les étapes 4 sont hors de cette échelle" in text_of(shrink)

    stage_4 = maturity.stages.get(number=4)
    coordinator_client.post(delete_url("maturity-stage", stage_4.pk), {"expected_version": 1})
    assert not maturity.stages.filter(number=4).exists()
    no_label = coordinator_client.post(
        edit_url("maturity", maturity.pk), maturity_data(maturity, target_stage=4)
    )
    assert no_label.status_code == 422
    assert "L'étape visée doit être une étape de l'échelle : 1, 2, 3." in text_of(no_label)


def test_the_target_stage_cannot_be_removed(coordinator_client, edition):
    target = edition.maturity.stages.get(number=edition.maturity.target_stage)
    page = coordinator_client.get(delete_url("maturity-stage", target.pk))
    assert "est l'étape visée" in text_of(page)
    assert 'class="qc-button qc-danger' not in page.content.decode()  # no « Supprimer » button
    response = coordinator_client.post(
        delete_url("maturity-stage", target.pk), {"expected_version": target.version}, follow=True
    )
    assert "est l'étape visée" in text_of(response)
    assert edition.maturity.stages.filter(pk=target.pk).exists()


# --- Orientations, ambitions, strategic-plan orientations, topics ------------------------------


def test_orientations_and_ambitions_are_added_and_numbered_next(coordinator_client, edition):
    response = coordinator_client.post(add_url("orientation"), {"title": "Orienter les données"})
    assert response.status_code == 302
    third = edition.orientations.get(title="Orienter les données")
    assert third.number == 3
    response = coordinator_client.post(
        add_url("ambition", third.pk), {"title": "Publier les données ouvertes"}
    )
    assert response.status_code == 302
    ambition = third.ambitions.get()
    assert ambition.code == "3.1"
    # Its first initiative may take any number: 3.1.4.
    response = coordinator_client.post(
        add_url("initiative", ambition.pk),
        {"code": "3.1.4", "title": "Portail de données", "status": "ideation"},
    )
    assert response.status_code == 302
    home = text_of(coordinator_client.get(reverse("roadmap:home", args=[BODY, YEAR])))
    assert "Orientation 3 Orienter les données" in home and "3.1 Publier les données" in home


def test_an_ambition_with_initiatives_is_neither_removed_nor_moved(coordinator_client, edition):
    ambition = edition.initiatives.get(code="2.2.3").ambition
    page = coordinator_client.get(delete_url("ambition", ambition.pk))
    assert "L'ambition 2.2 a des initiatives (2.2.1, 2.2.2, 2.2.3, 2.2.5)" in text_of(page)
    response = coordinator_client.post(
        delete_url("ambition", ambition.pk), {"expected_version": ambition.version}, follow=True
    )
    assert "L'ambition 2.2 a des initiatives" in text_of(response)
    assert type(ambition).objects.filter(pk=ambition.pk).exists()

    move = reverse("roadmap:move", args=[BODY, YEAR, "ambition", ambition.pk])
    response = coordinator_client.post(move, {"direction": "up"}, follow=True)
    assert "L'ambition 2.2 a des initiatives" in text_of(response)
    ambition.refresh_from_db()
    assert ambition.code == "2.2"
    assert edition.initiatives.get(code="2.2.3").ambition_id == ambition.pk

    orientation = ambition.orientation
    response = coordinator_client.post(
        delete_url("orientation", orientation.pk), {"expected_version": 1}, follow=True
    )
    assert "L'orientation 2 a des initiatives" in text_of(response)
    assert edition.orientations.filter(pk=orientation.pk).exists()


def test_empty_ambitions_move_and_their_numbers_follow(coordinator_client, edition):
    from roadmap.models import Ambition, Orientation

    orientation = Orientation.objects.create(edition=edition, number=3, title="Nouvelle")
    first = Ambition.objects.create(orientation=orientation, number=1, title="Première")
    second = Ambition.objects.create(orientation=orientation, number=2, title="Seconde")
    move = reverse("roadmap:move", args=[BODY, YEAR, "ambition", second.pk])
    assert coordinator_client.post(move, {"direction": "up"}).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.code, first.code) == ("3.1", "3.2")
    assert second.history.count() == 3  # created, then through a free number to its place

    # Removing the orientation takes its ambitions with it, and says so first.
    page = coordinator_client.get(delete_url("orientation", orientation.pk))
    assert "Cela supprimera aussi 2 ambitions d'affaires" in text_of(page)
    response = coordinator_client.post(
        delete_url("orientation", orientation.pk), {"expected_version": orientation.version}
    )
    assert response.status_code == 302
    assert not Ambition.objects.filter(pk__in=[first.pk, second.pk]).exists()


def test_strategic_orientations_and_their_mapping(coordinator_client, edition):
    response = coordinator_client.post(
        add_url("strategic-orientation"), {"number": 5, "title": "Innover avec les partenaires"}
    )
    assert response.status_code == 302
    added = edition.strategic_orientations.get(number=5)
    orientation = edition.orientations.get(number=1)
    served = list(orientation.strategic_orientations.values_list("pk", flat=True))
    response = coordinator_client.post(
        edit_url("orientation", orientation.pk),
        {
            "title": orientation.title,
            "strategic_orientations": [*served, added.pk],
            "expected_version": orientation.version,
        },
    )
    assert response.status_code == 302
    assert added.orientations.get() == orientation
    duplicate = coordinator_client.post(
        add_url("strategic-orientation"), {"number": 5, "title": "Doublon"}
    )
    assert duplicate.status_code == 422
    assert "L'orientation 5 du plan stratégique existe déjà" in text_of(duplicate)
    home = text_of(coordinator_client.get(reverse("roadmap:home", args=[BODY, YEAR])))
    assert "Orientation 5 — Innover avec les partenaires" in home
    assert "Sert le plan stratégique :" in home and "orientation 5" in home

    other_body = Edition.objects.exclude(pk=edition.pk)  # nothing of another edition is offered
    form = coordinator_client.get(edit_url("orientation", orientation.pk)).context["form"]
    offered = set(form.fields["strategic_orientations"].queryset)
    assert offered == set(edition.strategic_orientations.all())
    assert not other_body.filter(strategic_orientations__in=offered).exists()


def test_topics_are_added_moved_renamed_and_removed(coordinator_client, edition):
    topic = edition.sections.filter(topics__isnull=False).first().topics.first()
    section = topic.section
    response = coordinator_client.post(
        add_url("topic", section.pk), {"title": "Sobriété numérique", "intro": ""}
    )
    assert response.status_code == 302
    added = section.topics.get(title="Sobriété numérique")
    assert added.order == max(section.topics.values_list("order", flat=True))
    move = reverse("roadmap:move", args=[BODY, YEAR, "topic", added.pk])
    coordinator_client.post(move, {"direction": "up"})
    titles = list(section.topics.values_list("title", flat=True))
    assert titles[-2] == "Sobriété numérique"
    page = text_of(
        coordinator_client.get(reverse("roadmap:section", args=[BODY, YEAR, section.key]))
    )
    assert "Sobriété numérique" in page
    added.refresh_from_db()
    response = coordinator_client.post(
        delete_url("topic", added.pk), {"expected_version": added.version}
    )
    assert response.status_code == 302
    assert not section.topics.filter(pk=added.pk).exists()


def test_a_topic_removal_says_which_contributions_go_with_it(coordinator_client, edition):
    from initiatives.models import Contribution

    contribution = Contribution.objects.filter(initiative__edition=edition).first()
    topic = contribution.topic
    count = topic.contributions.count()
    page = text_of(coordinator_client.get(delete_url("topic", topic.pk)))
    expected = f"{count} contribution{'s' if count > 1 else ''}"
    assert f"Cela supprimera aussi {expected}" in page


# --- Who may shape the structure, and when -----------------------------------------------------


@pytest.mark.parametrize("client_name", ["reader_client", "lead_client", "outsider_client"])
def test_only_the_coordinator_shapes_the_structure(client_name, request, edition):
    client = request.getfixturevalue(client_name)
    radar = edition.radar
    score = radar.scores.first()
    before = list(radar.scores.values_list("pk", "order", "category"))
    attempts = [
        (add_url("radar-score", radar.pk), {"category": "Intrus", "score": "1"}),
        (
            reverse("roadmap:move", args=[BODY, YEAR, "radar-score", score.pk]),
            {"direction": "down"},
        ),
        (delete_url("radar-score", score.pk), {"expected_version": score.version}),
        (add_url("orientation"), {"title": "Intruse"}),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code == 403
    assert list(radar.scores.values_list("pk", "order", "category")) == before
    assert not edition.orientations.filter(title="Intruse").exists()


def test_nothing_in_the_structure_changes_once_recommended(coordinator_client, edition):
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.RECOMMENDED)
    score = edition.radar.scores.first()
    ambition = edition.orientations.get(number=1).ambitions.first()
    attempts = [
        (add_url("radar-score", edition.radar.pk), {"category": "Trop tard", "score": "1"}),
        (
            reverse("roadmap:move", args=[BODY, YEAR, "radar-score", score.pk]),
            {"direction": "down"},
        ),
        (add_url("ambition", ambition.orientation_id), {"title": "Trop tard"}),
        (add_url("maturity-stage", edition.maturity.pk), {"number": 1, "label": "Trop tard"}),
        (add_url("topic", edition.sections.first().pk), {"title": "Trop tard"}),
    ]
    for url, data in attempts:
        assert coordinator_client.post(url, data).status_code == 403
    score.refresh_from_db()
    assert score.order == 1 and not edition.radar.scores.filter(category="Trop tard").exists()


def test_a_radar_and_a_maturity_are_added_to_an_edition_that_has_none(db):
    from django.test import Client

    from accounts import roles
    from tests.bodies import body_with_edition, person

    other = body_with_edition("RTE", "Régie des tests")
    client = Client()
    client.force_login(person("coord-rte", roles.COORDINATOR, body="rte"))
    year = other.fiscal_year

    def url(name, *args):
        return reverse(name, args=["rte", year, *args])

    home = client.get(url("roadmap:home"))
    assert "Ajouter le Radar numériQc" in text_of(home)
    assert "Ajouter la maturité numérique" in text_of(home)
    response = client.post(
        url("roadmap:add", "radar"), {"scale_min": 0, "scale_max": 5, "source": "Atelier"}
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert (other.radar.scale_min, other.radar.scale_max) == (0, 5)
    # A second one is not offered.
    assert client.get(url("roadmap:add", "radar")).status_code == 404
    response = client.post(
        url("roadmap:add", "maturity"),
        {
            "score": "2,1",
            "scale_min": 1,
            "scale_max": 5,
            "target_stage": 4,
            "target_date": "2028-03-31",
        },
    )
    assert response.status_code == 302, text_of(response)
    assert other.maturity.scale_max == 5
    assert client.get(url("roadmap:add", "maturity")).status_code == 404


def test_the_pdf_shows_the_scales_and_labels_of_the_data(edition):
    from roadmap.models import MaturityStage
    from roadmap.pdf.report import render_pdf
    from tests.test_report import pages_text

    radar = edition.radar
    radar.scale_max = 5
    radar.save()
    score = radar.scores.first()
    score.score = Decimal(5)
    score.save()
    maturity = edition.maturity
    maturity.scale_max = 5
    maturity.save()
    MaturityStage.objects.create(maturity=maturity, number=5, label="Transforme l'État")
    maturity.stages.filter(number=2).update(label="Numérise ses services")

    text = " ".join(" ".join(pages_text(render_pdf(edition))).split())
    assert "sur une échelle de 0 à 5" in text and "Résultat (0 à 5)" in text
    assert "Transforme l'État" in text  # the fifth band of the maturity chart
    assert "étape 2, « Numérise ses services »" in text
    assert "Fait du numérique" not in text
