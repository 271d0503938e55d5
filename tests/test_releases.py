"""Access-to-information releases: the role, the grounds, the decisions, the redacted PDF."""

import hashlib

import pytest
from django.core.management import call_command

from accounts import roles
from accounts.models import User
from releases.models import Ground, RecourseNotice
from releases.pdf import release_html, release_produce
from roadmap.history.changes import edition_sources
from tests.releasing import CONTROL, found_in, pdf_haystacks, planted_release


@pytest.fixture
def officer(db) -> User:
    return User.objects.get(username="acces")


@pytest.fixture
def planted(edition, officer):
    return planted_release(edition, officer)


def test_grant_role_gives_the_access_officer_role_in_a_body(db, capsys):
    user = User.objects.create_user("nouvelle-responsable")
    call_command(
        "grant_role", "nouvelle-responsable", "responsable de l'accès aux documents", body="MEIE"
    )
    user = User.objects.get(pk=user.pk)
    assert roles.ACCESS_OFFICER in roles.role_names(user, user.role_assignments.get().body_id)


def test_the_act_s_grounds_and_the_notice_are_data(db):
    assert set(Ground.objects.values_list("article", flat=True)) >= {
        "14",
        "22",
        "23",
        "24",
        "37",
        "39",
        "53",
        "54",
    }
    assert "Avis et recommandations" in Ground.objects.get(article="37").title
    notice = RecourseNotice.objects.get(body=None)
    for article in ["art. 135", "art. 137", "L'article 147", "L'article 149", "l'article 150"]:
        assert article in notice.text


def test_a_release_never_changes_the_approved_edition(edition, planted):
    release, _canaries = planted
    sources = edition_sources(edition)
    before = {m.__name__: list(q.values()) for m, q in sources}
    history = {m.__name__: m.history.count() for m, _q in sources}
    release_html(release)
    after = {m.__name__: list(q.values()) for m, q in sources}
    assert after == before
    assert {m.__name__: m.history.count() for m, _q in sources} == history


def test_the_release_pdf_holds_no_byte_of_what_was_withheld(edition, planted):
    release, canaries = planted
    content = release_produce(release)
    haystacks = pdf_haystacks(content)
    assert found_in(haystacks, CONTROL), "the search finds text that was not withheld"
    assert found_in(haystacks, "Renseignement retiré")
    assert found_in(haystacks, "2026-0042")
    leaked = [canary for canary in canaries if found_in(haystacks, canary)]
    assert leaked == []
    release.refresh_from_db()
    assert release.pdf_sha256 == hashlib.sha256(content).hexdigest()
