import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from initiatives.models import Initiative, normalize_for_search
from roadmap.formatting import (
    NumberError,
    decimal,
    long_date,
    long_datetime,
    money,
    money_short,
    parse_decimal,
)
from roadmap.markdown import render_markdown
from roadmap.models import Ambition, Edition, validate_fiscal_year


def _ambition(edition: Edition, code: str) -> Ambition:
    orientation, number = code.split(".")
    return Ambition.objects.get(
        orientation__edition=edition, orientation__number=orientation, number=number
    )


def test_a_code_must_sit_under_its_ambition(edition):
    initiative = Initiative(
        edition=edition, ambition=_ambition(edition, "1.1"), code="2.2.3", title="Mal placée"
    )
    with pytest.raises(ValidationError) as error:
        initiative.full_clean()
    assert "code" in error.value.message_dict
    assert "ne correspond pas à l'ambition 1.1" in error.value.message_dict["code"][0]


def test_the_code_is_derived_from_the_ambition_and_number(edition):
    initiative = Initiative(
        edition=edition, ambition=_ambition(edition, "2.2"), number=9, title="Nouvelle"
    )
    initiative.full_clean()
    assert initiative.code == "2.2.9"


def test_a_code_is_unique_within_an_edition(edition):
    initiative = Initiative(
        edition=edition, ambition=_ambition(edition, "1.1"), code="1.1.1", title="Doublon"
    )
    with pytest.raises(ValidationError):
        initiative.full_clean()


def test_an_ambition_of_another_edition_is_refused(edition):
    other = Edition.objects.create(body=edition.body, fiscal_year="2024-2025")
    initiative = Initiative(edition=other, ambition=_ambition(edition, "1.1"), number=7, title="X")
    with pytest.raises(ValidationError) as error:
        initiative.full_clean()
    assert "ambition" in error.value.message_dict


@pytest.mark.parametrize("value", ["2024", "2024-2026", "24-25", "2024-2025x"])
def test_fiscal_years_are_validated(value):
    with pytest.raises(ValidationError):
        validate_fiscal_year(value)


def test_money_and_dates_read_as_in_quebec():
    with translation.override("fr-ca"):
        assert money(2_000_000) == "2\u00a0000\u00a0000\u00a0$"
        assert money_short(2_000_000) == "2\u00a0M$"
        assert money_short(105_000) == "105\u00a0k$"
        assert long_date(datetime.date(2026, 4, 1)) == "1er avril 2026"
        assert long_date(datetime.date(2027, 3, 31)) == "31 mars 2027"
    with translation.override("en"):
        assert money(2_000_000) == "$2,000,000"
        assert long_date(datetime.date(2026, 4, 1)) == "April 1, 2026"


def test_search_normalisation_ignores_accents_and_case():
    assert normalize_for_search("Données NUMÉRIQUES œuvre") == normalize_for_search(
        "donnees numeriques oeuvre"
    )


def test_markdown_is_sanitised():
    html = render_markdown(
        'Texte<script>alert(1)</script> <img src="http://127.0.0.1/x"> <b style="color:red">gras</b> '
        "[lien](javascript:alert(1)) <iframe src=x></iframe>\n\n- a\n- b"
    )
    assert "<script" not in html and "alert(1)" not in html
    assert "<img" not in html and "style=" not in html and "<iframe" not in html
    assert "javascript:" not in html
    assert "<li>a</li>" in html


def test_empty_markdown_renders_nothing_and_stays_escaped_elsewhere():
    """The empty case returns early (marked safe without going through nh3): it must be empty,
    and a template showing it next to user text still escapes that text."""
    from django.template import engines

    assert render_markdown("") == "" and render_markdown(None) == ""
    template = engines["django"].from_string("{{ body }}{{ title }}")
    assert (
        template.render({"body": render_markdown(""), "title": "<b>x</b>"})
        == "&lt;b&gt;x&lt;/b&gt;"
    )


def test_markdown_footnotes_get_unique_anchors():
    html = render_markdown("Citoyen[^1]\n\n[^1]: Une personne.", id_prefix="principes")
    assert 'href="#principes-fn:1"' in html
    assert 'id="principes-fn:1"' in html


def test_word_diff_escapes_user_text_and_marks_changes():
    from roadmap.workflow.compare import word_diff

    html = word_diff("Texte <b>ancien</b>", 'Texte <script>alert("x")</script> nouveau')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<del>" in html and "<ins>" in html
    assert html.startswith("Texte ")


@pytest.mark.parametrize(
    "typed, french, english",
    [
        ("38,5", "38.5", "38.5"),
        ("1 234,5", "1234.5", "1234.5"),
        ("1\u00a0234,5", "1234.5", "1234.5"),  # no-break space
        ("1\u202f234,5 $", "1234.5", "1234.5"),  # narrow no-break space, dollar sign
        ("1234.5", "1234.5", "1234.5"),
        ("2 000 000 $", "2000000", "2000000"),
        ("$2,000,000", "ambiguous", "2000000"),
        ("-0,5", "-0.5", "-0.5"),
        # « 1,234 »: in English one thousand two hundred and thirty-four; in French the comma
        # marks decimals, and the English habit makes it ambiguous: refused, never guessed.
        ("1,234", "ambiguous", "1234"),
        ("1.234", "ambiguous", "1.234"),
        ("1,234.5", "ambiguous", "1234.5"),
        ("1.234,5", "invalid", "invalid"),
        ("12 34", "invalid", "invalid"),
        ("1  234", "invalid", "invalid"),
        ("3,5,1", "invalid", "invalid"),
        ("environ 5", "invalid", "invalid"),
        ("$", "invalid", "invalid"),
    ],
)
def test_numbers_are_read_as_typed_in_each_language_or_refused(typed, french, english):
    for language, expected in [("fr-ca", french), ("en", english)]:
        if expected in {"ambiguous", "invalid"}:
            with pytest.raises(NumberError) as error:
                parse_decimal(typed, language=language)
            assert error.value.code == expected, (language, typed)
        else:
            assert parse_decimal(typed, language=language) == Decimal(expected), (language, typed)


def test_decimals_and_date_times_read_as_in_quebec():
    with translation.override("fr-ca"):
        assert decimal(Decimal("1234.50")) == "1\u00a0234,5"
        assert decimal(Decimal("3"), places=2) == "3,00"
        assert (
            long_datetime(datetime.datetime(2025, 12, 1, 14, 5))
            == "1er décembre 2025, 14\u00a0h\u00a005"
        )
    with translation.override("en"):
        assert decimal(Decimal("1234.50")) == "1,234.5"
        assert (
            long_datetime(datetime.datetime(2025, 12, 1, 14, 5))
            == "December 1, 2025, 2:05\u202fp.m."
        )


def test_edition_statuses_agree_with_edition():
    assert [label for _value, label in Edition.Status.choices] == [
        "Brouillon",
        "Soumise à la DI",
        "Recommandée",
        "Approuvée",
        "Transmise",
    ]
