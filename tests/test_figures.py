"""Figures derived from data are computed, never typed twice, and narrative text quotes them."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import PublicBody, User
from roadmap.figures import EditionFigures
from roadmap.markdown import render_markdown
from roadmap.models import Edition, Maturity, MaturityStage, Radar, RadarScore
from roadmap.pdf.report import render_pdf
from roadmap.workflow.next_edition import edition_create_next
from tests.test_pages import text_of
from tests.test_report import fold, pages_text

YEAR = "2023-2024"
BODY = "meie"


def radar_score(edition, category: str) -> RadarScore:
    return RadarScore.objects.get(radar__edition=edition, category=category)


def test_the_radar_overall_result_is_the_mean_of_its_scores(edition):
    radar = Radar.objects.get(edition=edition)
    scores = [s.score for s in radar.scores.all()]
    assert radar.overall == Decimal("1.75") == round(sum(scores) / len(scores), 2)
    score = radar_score(edition, "Expérience employé")
    score.score = Decimal("1.54")
    score.save()
    assert Radar.objects.get(edition=edition).overall == Decimal("1.80")  # 14.41 / 8


def test_the_maturity_stage_follows_the_score_and_its_label_is_data(edition):
    maturity = Maturity.objects.get(edition=edition)
    assert (maturity.current_stage, maturity.current_stage_label) == (2, "Fait du numérique")
    maturity.score = Decimal("3.1")
    maturity.save()
    maturity = Maturity.objects.get(edition=edition)
    assert (maturity.current_stage, maturity.current_stage_label) == (3, "Devient numérique")
    MaturityStage.objects.filter(maturity=maturity, number=3).update(label="Devient numérique!")
    assert Maturity.objects.get(edition=edition).current_stage_label == "Devient numérique!"
    maturity.score = Decimal("4.0")  # the top of the scale is the last stage, not a fifth one
    assert maturity.current_stage == 4


def test_changing_a_radar_score_updates_the_page_the_section_text_and_the_pdf(
    coordinator_client, edition
):
    score = radar_score(edition, "Expérience employé")
    response = coordinator_client.post(
        reverse("roadmap:edit", args=[BODY, YEAR, "radar-score", score.pk]),
        {"category": score.category, "score": "1,54", "expected_version": score.version},
    )
    assert response.status_code == 302
    score.refresh_from_db()
    assert score.score == Decimal("1.54")

    home = text_of(coordinator_client.get(reverse("roadmap:home", args=[BODY, YEAR])))
    # (1,75 is still the score of « Intégration du numérique », not the overall result.)
    assert "Résultat global : 1,80" in home and "Résultat global : 1,75" not in home
    section = text_of(
        coordinator_client.get(reverse("roadmap:section", args=[BODY, YEAR, "radar"]))
    )
    assert (
        "situer, de manière préliminaire, le Ministère à 1,80 sur une échelle de 0 à 4" in section
    )
    assert "Résultat global : 1,80" in section and "à 1,75" not in section
    assert "{{" not in section

    with translation.override("fr-ca"):
        pdf = fold(" ".join(pages_text(render_pdf(edition))))
    assert "le Ministère à 1,80 sur une échelle de 0 à 4" in pdf
    assert "résultat global 1,80" in pdf and "résultat global 1,75" not in pdf
    assert "à 1,75" not in pdf


def test_the_maturity_section_quotes_the_figures_of_the_data(reader_client, edition):
    page = text_of(reader_client.get(reverse("roadmap:section", args=[BODY, YEAR, "maturite"])))
    assert "se situe actuellement à 2,3 (moyenne) sur une échelle de 1 à 4" in page
    assert "selon les quatre niveaux de maturité" in page
    assert "est l’étape 3 « Devient numérique »" in page
    assert "Maturité numérique à atteindre d’ici le 31 mars 2027" in page
    radar = text_of(reader_client.get(reverse("roadmap:section", args=[BODY, YEAR, "radar"])))
    assert "de tenir compte de huit grandes catégories" in radar


def test_a_placeholder_is_replaced_after_sanitising_and_never_evaluated(edition):
    figures = EditionFigures(edition)
    html = render_markdown(
        "**{{radar.global}}** et {{ radar.echelle }}; {{radar.inconnu}} {{ request.user }} "
        "{% now 'Y' %} <script>{{radar.global}}</script>",
        figures=figures,
    )
    assert "<strong>1,75</strong> et 4;" in html
    assert "{{radar.inconnu}}" in html and "{{ request.user }}" in html  # left visible
    assert "{% now 'Y' %}" in html
    assert "<script" not in html


def test_a_figure_made_of_user_text_is_escaped(edition):
    MaturityStage.objects.filter(maturity__edition=edition, number=3).update(
        label="<b>Devient</b> numérique"
    )
    html = render_markdown("{{maturite.cible.libelle}}", figures=EditionFigures(edition))
    assert "&lt;b&gt;Devient&lt;/b&gt; numérique" in html and "<b>" not in html


def test_figures_read_in_the_interface_language(edition):
    figures = EditionFigures(edition)
    with translation.override("en"):
        assert render_markdown("{{radar.global}} {{radar.categories}}", figures=figures) == (
            "<p>1.75 eight</p>"
        )


def test_a_text_that_quotes_no_figure_costs_no_query(edition, django_assert_num_queries):
    figures = EditionFigures(edition)
    with django_assert_num_queries(0):
        render_markdown("Aucun chiffre ici, seulement du {texte}.", figures=figures)


def test_the_section_form_documents_the_figures_with_their_current_values(
    coordinator_client, edition
):
    section = edition.sections.get(key="radar")
    page = text_of(
        coordinator_client.get(reverse("roadmap:edit", args=[BODY, YEAR, "section", section.pk]))
    )
    assert "écrivez son nom entre doubles accolades, par exemple {{radar.global}}" in page
    assert (
        "{{radar.global}} Résultat global du Radar numériQc : la moyenne des catégories — "
        "actuellement : 1,75"
    ) in page


def test_the_preview_shows_the_figures_of_the_edition(coordinator_client):
    response = coordinator_client.post(
        reverse("markdown_preview"),
        {"_field": "body", "body": "Global : {{radar.global}}", "_body": BODY, "_edition": YEAR},
    )
    assert response.content.decode() == "<p>Global : 1,75</p>"


def test_the_next_edition_keeps_the_maturity_stages(edition):
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.APPROVED)
    created = edition_create_next(
        body=PublicBody.objects.get(slug=BODY), user=User.objects.get(username="coordonnateur")
    )
    maturity = Maturity.objects.get(edition=created)
    assert maturity.stage_labels == {
        1: "Débute",
        2: "Fait du numérique",
        3: "Devient numérique",
        4: "Est numérique",
    }
    assert maturity.current_stage_label == "Fait du numérique"


@pytest.mark.parametrize(
    "language, score, maturity, overall",
    [("fr-ca", "1,14", "2,3 / 4", "1,75"), ("en", "1.14", "2.3 / 4", "1.75")],
)
def test_record_names_show_decimals_in_the_interface_language(
    edition, language, score, maturity, overall
):
    """Record names appear in the history, delete pages and conflicts."""
    with translation.override(language):
        assert str(radar_score(edition, "Expérience employé")) == f"Expérience employé : {score}"
        assert str(Maturity.objects.get(edition=edition)) == maturity
        assert EditionFigures(edition).value("radar.global") == overall


def test_no_english_decimal_on_french_pages(coordinator_client, edition):
    indicator = edition.initiatives.get(code="2.2.3").benefits.last().indicators.first()
    indicator.measurements.create(measured_on=datetime.date(2024, 4, 1), value=Decimal("38.5"))
    pages = [
        reverse("roadmap:home", args=[BODY, YEAR]),
        reverse("roadmap:section", args=[BODY, YEAR, "radar"]),
        reverse("roadmap:section", args=[BODY, YEAR, "maturite"]),
        reverse("initiatives:detail", args=[BODY, YEAR, "2.2.3"]),
        reverse(
            "roadmap:edit",
            args=[BODY, YEAR, "radar-score", radar_score(edition, "Expérience employé").pk],
        ),
        reverse(
            "roadmap:edit", args=[BODY, YEAR, "maturity", Maturity.objects.get(edition=edition).pk]
        ),
    ]
    for url in pages:
        response = coordinator_client.get(url)
        # What a person reads: the text, and the values in the form fields.
        shown = [
            text_of(response),
            *re.findall(r'<input[^>]*value="([^"]*)"', response.content.decode()),
        ]
        for english in ["1.14", "1.75", "2.3 sur", "38.5", "3.00"]:
            assert not any(english in text for text in shown), (url, english)
        assert any(french in " ".join(shown) for french in ["1,14", "2,3", "38,5"]), url


def test_the_comparison_shows_indicator_targets_in_french(coordinator_client, edition):
    from benefits.models import Indicator

    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.APPROVED)
    created = edition_create_next(
        body=PublicBody.objects.get(slug=BODY), user=User.objects.get(username="coordonnateur")
    )
    indicator = Indicator.objects.filter(benefit__initiative__edition=created).first()
    indicator.target = Decimal("80.5")
    indicator.save()
    page = text_of(coordinator_client.get(reverse("roadmap:compare", args=[BODY, "2024-2025"])))
    assert f"{indicator.name} : — → 80,5" in page
