"""Access-to-information releases: the role, the grounds, the decisions, the redacted PDF."""

import datetime
import hashlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.test import Client
from pypdf import PdfReader

from accounts import roles
from accounts.models import User
from accounts.services import body_create, role_grant
from releases.models import Ground, RecourseNotice, Release
from releases.pdf import release_html, release_produce
from releases.redaction import record_key
from releases.services import release_open, withholding_add
from releases.tasks import render_release
from roadmap.history.changes import edition_sources
from roadmap.links import plan_url
from roadmap.models import Edition, Section
from tests.bodies import body_with_edition
from tests.personas import client_for
from tests.releasing import CONTROL, approve, found_in, pdf_haystacks, planted_release
from tests.tasks import run_queued_tasks


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


# --- The release pages -------------------------------------------------------------------


@pytest.fixture
def officer_client(officer):
    return client_for("acces")


@pytest.fixture
def approved(edition):
    return approve(edition)


def url(edition, name="releases:list", *args):
    return plan_url(name, edition, *args)


def test_only_the_access_officer_of_the_body_opens_the_release_pages(
    approved, officer_client, coordinator_client, outsider_client
):
    assert officer_client.get(url(approved)).status_code == 200
    assert coordinator_client.get(url(approved)).status_code == 403
    assert outsider_client.get(url(approved)).status_code == 403
    assert Client().get(url(approved)).status_code == 302  # to the login page


def test_an_officer_of_another_body_gets_a_404(approved, db):
    other = body_create(acronym="RDE", name="Régie de l'essai", name_in_sentence="de la Régie")
    user = User.objects.create_user("acces-ailleurs")
    role_grant(user=user, role=roles.ACCESS_OFFICER, body=other)
    client = Client()
    client.force_login(user)
    assert client.get(url(approved)).status_code == 404


def test_the_officer_opens_a_release_and_withholds_a_passage(approved, officer_client, officer):
    response = officer_client.post(
        url(approved),
        {
            "request_number": "2026-0107",
            "received_on": "2026-11-02",
            "due_on": "2026-12-02",
            "applicant": "Jean Demandeur",
        },
    )
    release = Release.objects.get(edition=approved, request_number="2026-0107")
    assert response.status_code == 302
    assert response["Location"] == url(approved, "releases:detail", release.number)
    assert release.created_by == officer and release.applicant == "Jean Demandeur"
    section = approved.sections.get(key="note-au-lecteur")
    passage = section.body.split(".")[0][5:40]
    key = record_key(Section, section.pk)
    page = officer_client.get(url(approved, "releases:detail", release.number), {"element": key})
    assert passage in page.content.decode()
    response = officer_client.post(
        url(approved, "releases:withhold", release.number),
        {
            "element": key,
            "field": "body",
            "passage": passage,
            "ground": Ground.objects.get(article="39").pk,
        },
    )
    assert response.status_code == 302
    withholding = release.withholdings.get()
    assert (withholding.field, withholding.passage, withholding.ground.article) == (
        "body",
        passage,
        "39",
    )
    assert withholding.decided_by == officer
    assert withholding.history.count() == 1
    page = officer_client.get(url(approved, "releases:detail", release.number)).content.decode()
    assert "art. 39" in page and passage in page


def test_a_passage_that_is_not_in_the_text_is_refused(approved, officer_client, officer):
    release = release_open(
        edition=approved,
        user=officer,
        request_number="1",
        received_on=datetime.date(2026, 1, 1),
        due_on=datetime.date(2026, 1, 31),
    )
    section = approved.sections.get(key="note-au-lecteur")
    response = officer_client.post(
        url(approved, "releases:withhold", release.number),
        {
            "element": record_key(Section, section.pk),
            "field": "body",
            "passage": "une phrase qui n'y est pas",
            "ground": Ground.objects.get(article="22").pk,
        },
        follow=True,
    )
    assert "ne se trouve pas dans ce texte" in response.content.decode()
    assert not release.withholdings.exists()


def test_a_record_of_another_edition_cannot_be_withheld(approved, officer):
    release = release_open(
        edition=approved,
        user=officer,
        request_number="1",
        received_on=datetime.date(2026, 1, 1),
        due_on=datetime.date(2026, 1, 31),
    )
    # Another body's section: the release answers for one edition only.
    other = Section.objects.create(
        edition=body_with_edition(), key="portrait", title="Portrait", body="Un texte."
    )
    with pytest.raises(ValidationError):
        withholding_add(
            release=release,
            user=officer,
            model=Section,
            object_id=other.pk,
            field="body",
            ground=Ground.objects.first(),
        )


def test_a_draft_cannot_be_released(edition, officer):
    with pytest.raises(ValidationError):
        release_open(
            edition=edition,
            user=officer,
            request_number="1",
            received_on=datetime.date(2026, 1, 1),
            due_on=datetime.date(2026, 1, 31),
        )


def test_a_second_request_starts_from_the_first_release_s_decisions(edition, planted, officer):
    first, _canaries = planted
    second = release_open(
        edition=edition,
        user=officer,
        request_number="2026-0200",
        received_on=datetime.date(2026, 3, 1),
        due_on=datetime.date(2026, 3, 31),
        from_release=first,
    )
    assert second.number == first.number + 1
    decisions = lambda r: sorted(  # noqa: E731
        r.withholdings.values_list("content_type", "object_id", "field", "passage", "ground")
    )
    assert decisions(second) == decisions(first)


def test_produce_then_record_as_sent_and_the_decisions_are_frozen(
    approved, officer_client, officer
):
    release = release_open(
        edition=approved,
        user=officer,
        request_number="2026-0300",
        received_on=datetime.date(2026, 1, 1),
        due_on=datetime.date(2026, 1, 31),
    )
    detail = url(approved, "releases:detail", release.number)
    following = officer_client.post(url(approved, "releases:produce", release.number))
    # Rendered by the task worker, followed on a page that comes back to the release.
    progress = url(approved, "releases:pdf_progress", release.number)
    assert following.url == progress
    assert "Production du PDF en attente" in officer_client.get(progress).content.decode()
    [render] = run_queued_tasks(render_release)
    assert render.status == TaskResultStatus.SUCCESSFUL
    back = officer_client.get(progress, follow=True)
    assert back.redirect_chain == [(detail, 302)]
    assert "Le PDF de la diffusion est produit." in back.content.decode()
    release.refresh_from_db()
    assert release.pdf and len(release.pdf_sha256) == 64
    assert release.pdf_sha256 in back.content.decode()
    download = officer_client.get(url(approved, "releases:pdf", release.number))
    assert hashlib.sha256(download.content).hexdigest() == release.pdf_sha256
    assert "Avis de recours" in " ".join(
        p.extract_text() for p in PdfReader(BytesIO(download.content)).pages
    )
    officer_client.post(url(approved, "releases:sent", release.number), {"sent_on": "2026-01-20"})
    release.refresh_from_db()
    assert release.sent_on == datetime.date(2026, 1, 20)
    with pytest.raises(ValidationError):
        withholding_add(
            release=release,
            user=officer,
            model=Edition,
            object_id=approved.pk,
            field="vision",
            ground=Ground.objects.first(),
        )
    listing = officer_client.get(url(approved)).content.decode()
    assert "2026-0300" in listing and "20 janvier 2026" in listing
    assert "Retirer" not in officer_client.get(detail).content.decode()


def test_the_officer_adds_a_ground(approved, officer_client, officer):
    release = release_open(
        edition=approved,
        user=officer,
        request_number="1",
        received_on=datetime.date(2026, 1, 1),
        due_on=datetime.date(2026, 1, 31),
    )
    officer_client.post(
        url(approved, "releases:ground_add", release.number),
        {
            "article": "28",
            "title": "Renseignements ayant des incidences sur l'administration de la justice",
            "wording": "",
        },
    )
    assert Ground.objects.filter(article="28").exists()


def test_the_header_links_to_the_releases_for_the_officer_only(
    approved, officer_client, reader_client
):
    home = plan_url("roadmap:home", approved)
    link = url(approved)
    assert f'href="{link}"' in officer_client.get(home).content.decode()
    assert f'href="{link}"' not in reader_client.get(home).content.decode()


def test_the_access_officer_must_use_mfa(db):
    from security.policy import requires_mfa

    user = User.objects.create_user("responsable-acces")
    role_grant(user=user, role=roles.ACCESS_OFFICER, body=Edition.objects.first().body)
    assert requires_mfa(User.objects.get(pk=user.pk))


def test_a_withheld_signatory_is_named_nowhere_in_the_release(edition, officer):
    from roadmap.workflow.steps import edition_transition
    from tests.test_workflow import make_ready

    make_ready(edition)
    for username, step in [
        ("coordonnateur", "soumettre"),
        ("di", "recommander"),
        ("sm", "approuver"),
    ]:
        edition_transition(edition=edition, user=User.objects.get(username=username), step=step)
    edition.refresh_from_db()
    head_section = edition.sections.get(key="message-sous-ministre")
    name = head_section.signatory_name
    assert name and name in release_html(
        release_open(
            edition=edition,
            user=officer,
            request_number="A",
            received_on=datetime.date(2026, 1, 1),
            due_on=datetime.date(2026, 1, 31),
        )
    )
    release = release_open(
        edition=edition,
        user=officer,
        request_number="B",
        received_on=datetime.date(2026, 1, 1),
        due_on=datetime.date(2026, 1, 31),
    )
    withholding_add(
        release=release,
        user=officer,
        model=Section,
        object_id=head_section.pk,
        field="signatory_name",
        ground=Ground.objects.get(article="54"),
    )
    html = release_html(release)
    assert name not in html
    assert "Démo Sous-ministre" not in html  # the account that recorded the approval
    assert "Renseignement retiré — art. 54" in html
