"""Signature blocks: the signatory as entered stays; the workflow adds its step, its date, and
who did it when that is not the named signatory; the deputy minister is told before approving."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from roadmap.formatting import long_date
from roadmap.models import Edition, Section
from roadmap.signatures import same_person, signatures
from roadmap.workflow.steps import edition_transition
from tests.personas import client_for
from tests.test_pages import text_of
from tests.test_workflow import make_ready

YEAR = "2023-2024"
BODY = "meie"
SM_BLOCK, DI_BLOCK = "message-sous-ministre", "message-dirigeante-information"


def walk(edition: Edition, *steps: tuple[str, str]) -> None:
    for username, step in steps:
        edition_transition(edition=edition, user=User.objects.get(username=username), step=step)
    edition.refresh_from_db()


def name_the_deputy_minister_account_as_signatory(edition: Edition) -> None:
    sm = User.objects.get(username="sm")
    Section.objects.filter(edition=edition, key=SM_BLOCK).update(
        signatory_name=f"{sm.get_full_name()}, ASC", signatory_title="Sous-ministre"
    )


def recommend(edition: Edition) -> Edition:
    make_ready(edition)
    walk(edition, ("coordonnateur", "soumettre"), ("di", "recommander"))
    return edition


@pytest.fixture
def recommended(edition) -> Edition:
    return recommend(edition)


def section_text(client, key: str) -> str:
    return text_of(client.get(reverse("roadmap:section", args=[BODY, YEAR, key])))


def test_a_recommended_edition_shows_the_recommendation_in_the_dis_block_only(recommended):
    at = recommended.transitions.get(action="recommend").at
    with translation.override("fr-ca"):
        day = long_date(at)
    reader = client_for("lecteur")
    di = section_text(reader, DI_BLOCK)
    assert (
        f"Recommandé le {day} (enregistré par Démo Dirigeante de l'information) "
        "Marie Fortier, CPA Dirigeante de l’information" in di
    )
    assert "Signé électroniquement" not in di
    sm = section_text(reader, SM_BLOCK)
    assert "(Signature à insérer) Jonathan Gignac Sous-ministre" in sm


def test_approval_keeps_the_named_signatory_and_adds_the_date(recommended):
    walk(recommended, ("sm", "approuver"))
    with translation.override("fr-ca"):
        day = long_date(recommended.transitions.get(action="approve").at)
    sm = section_text(client_for("lecteur"), SM_BLOCK)
    assert (
        f"Approuvé le {day} (enregistré par Démo Sous-ministre) Jonathan Gignac Sous-ministre" in sm
    )
    assert "Signé électroniquement" not in sm


def test_no_recorded_by_when_the_account_is_the_named_signatory(edition):
    name_the_deputy_minister_account_as_signatory(edition)
    recommended = recommend(edition)
    walk(recommended, ("sm", "approuver"))
    sm = section_text(client_for("lecteur"), SM_BLOCK)
    assert "Approuvé le" in sm and "enregistré par" not in sm
    assert "Démo Sous-ministre, ASC Sous-ministre" in sm


def test_only_the_steps_since_the_last_return_to_draft_count(recommended):
    sm = User.objects.get(username="sm")
    edition_transition(edition=recommended, user=sm, step="retourner-sm", comment="À revoir")
    walk(recommended, ("coordonnateur", "soumettre"), ("di", "recommander"))
    signed = signatures(recommended, recommended.sections.all())
    assert list(signed) == ["information_director"]  # by the role that signs (the DI)
    di = signed["information_director"]
    assert di.at == recommended.transitions.filter(action="recommend").last().at
    assert di.name == "Marie Fortier, CPA"


def test_the_deputy_minister_is_told_before_approving_that_the_block_names_someone_else(
    recommended,
):
    page = text_of(client_for("sm").get(reverse("roadmap:edition", args=[BODY, YEAR])))
    assert (
        "Le bloc de signature de « Message du sous-ministre » nomme Jonathan Gignac, mais vous "
        "agissez avec le compte de Démo Sous-ministre." in page
    )
    # Near the « Approuver » form, before it.
    assert page.index("nomme Jonathan Gignac") < page.index("Approuver")
    # Not to those who do not approve.
    coordinator = text_of(
        client_for("coordonnateur").get(reverse("roadmap:edition", args=[BODY, YEAR]))
    )
    assert "nomme Jonathan Gignac" not in coordinator


def test_no_notice_when_the_deputy_minister_is_the_named_signatory(edition):
    name_the_deputy_minister_account_as_signatory(edition)
    recommend(edition)
    page = text_of(client_for("sm").get(reverse("roadmap:edition", args=[BODY, YEAR])))
    assert "Le bloc de signature" not in page and "Approuver" in page


@pytest.mark.parametrize(
    ("account", "signatory", "same"),
    [
        ("Marie Fortier", "Marie Fortier, CPA", True),
        ("marie  FORTIER", "Marie Fortier", True),
        ("Hélène Côté", "Helene Cote", True),
        ("Démo Sous-ministre", "Jonathan Gignac", False),
        ("", "Jonathan Gignac", False),
    ],
)
def test_same_person(account, signatory, same):
    assert same_person(account, signatory) is same
