"""The coordinator changes the plan's structure in a draft: adds a section (its kind chosen),
renames, moves and removes sections, through the editing registry. Only the coordinator of the
edition's body, only in a draft; a stale move changes nothing."""

import pytest
from django.urls import reverse

from accounts import roles
from roadmap.models import Edition, Section, SectionKind
from tests.bodies import body_with_edition, person
from tests.personas import client_for
from tests.test_pages import text_of
from tests.test_query_counts import count_queries

YEAR = "2023-2024"
BODY = "meie"
ADD = reverse("roadmap:add", args=[BODY, YEAR, "section"])
SECTIONS = reverse("roadmap:sections", args=[BODY, YEAR])


def move(client, section: Section, direction: str, version: int | None = None):
    return client.post(
        reverse("roadmap:move", args=[BODY, YEAR, "section", section.pk]),
        {
            "direction": direction,
            "expected_version": section.version if version is None else version,
            "retour": SECTIONS,
        },
    )


def keys(edition: Edition) -> list[str]:
    return list(edition.sections.order_by("order").values_list("key", flat=True))


def test_the_coordinator_adds_a_section_choosing_its_kind(coordinator_client, edition):
    form = coordinator_client.get(ADD)
    assert "Ajouter une section au plan" in text_of(form)
    assert 'name="kind"' in form.content.decode() and 'name="body"' not in form.content.decode()
    response = coordinator_client.post(
        ADD,
        {"title": "Cybersécurité et continuité", "kind": "topic_contributions", "level": "1"},
    )
    added = edition.sections.get(key="cybersecurite-et-continuite")
    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("roadmap:section", args=[BODY, YEAR, "cybersecurite-et-continuite"])
    )
    assert (added.kind, added.level, added.signer_role) == ("topic_contributions", 1, "")
    assert keys(edition)[-1] == added.key  # placed last
    assert added.history.get().history_user.username == "coordonnateur"
    # Its kind's rule applies at once: no contribution yet, and no reason given.
    page = text_of(coordinator_client.get(reverse("roadmap:edition", args=[BODY, YEAR])))
    assert "La section « Cybersécurité et continuité » ne présente la contribution" in page

    # A second one of the same title gets an address of its own.
    coordinator_client.post(
        ADD, {"title": "Cybersécurité et continuité", "kind": "narrative", "level": "2"}
    )
    assert edition.sections.filter(key="cybersecurite-et-continuite-2").exists()


def test_a_signed_message_is_added_with_the_role_that_signs_it(coordinator_client, edition):
    before = edition.sections.count()
    refused = coordinator_client.post(
        ADD, {"title": "Message du président", "kind": "signed_message", "level": "1"}
    )
    assert refused.status_code == 422
    assert "Un message signé doit indiquer le rôle qui le signe." in text_of(refused)
    assert edition.sections.count() == before
    coordinator_client.post(
        ADD,
        {
            "title": "Message du président",
            "kind": "signed_message",
            "signer_role": "head",
            "level": "1",
        },
    )
    assert edition.sections.get(key="message-du-president").signer_role == "head"


def test_the_coordinator_renames_a_section(coordinator_client, edition):
    section = edition.sections.get(kind=SectionKind.ROADMAP)
    coordinator_client.post(
        reverse("roadmap:edit", args=[BODY, YEAR, "section", section.pk]),
        {
            "title": "Feuille de route 2024-2027",
            "body": section.body,
            "conclusion": section.conclusion,
            "expected_version": section.version,
        },
    )
    section.refresh_from_db()
    assert section.title == "Feuille de route 2024-2027"
    assert "Feuille de route 2024-2027" in text_of(coordinator_client.get(SECTIONS))


def test_the_coordinator_moves_sections_up_and_down(coordinator_client, edition):
    first, second, third = edition.sections.order_by("order")[:3]
    response = move(coordinator_client, second, "up")
    assert response["Location"] == f"{SECTIONS}#section-{second.pk}"
    assert keys(edition)[:3] == [second.key, first.key, third.key]
    assert "« Message de la dirigeante de l’information » a été déplacé." in text_of(
        coordinator_client.get(response["Location"])
    )
    second.refresh_from_db()
    move(coordinator_client, second, "down")
    assert keys(edition)[:3] == [first.key, second.key, third.key]
    # The first cannot go up: nothing changes, the person is told.
    first.refresh_from_db()
    response = move(coordinator_client, first, "up")
    assert "est déjà le premier" in text_of(coordinator_client.get(response["Location"]))
    assert keys(edition)[:3] == [first.key, second.key, third.key]


def test_a_stale_move_changes_nothing(coordinator_client, edition):
    first, second = edition.sections.order_by("order")[:2]
    before = keys(edition)
    response = move(coordinator_client, second, "up", version=second.version - 1 or 99)
    assert keys(edition) == before
    assert "il n'a pas été déplacé" in text_of(coordinator_client.get(response["Location"]))


def test_the_coordinator_removes_a_section_after_seeing_what_goes_with_it(
    coordinator_client, edition
):
    section = edition.sections.filter(kind=SectionKind.TOPIC_CONTRIBUTIONS).last()
    url = reverse("roadmap:delete", args=[BODY, YEAR, "section", section.pk])
    confirmation = text_of(coordinator_client.get(url))
    assert f"Supprimer la section « {section.title[:59]}" in confirmation
    assert "Cela supprimera aussi 3 sujets" in confirmation
    response = coordinator_client.post(url, {"expected_version": section.version})
    assert response["Location"] == SECTIONS
    assert not edition.sections.filter(pk=section.pk).exists()


@pytest.mark.parametrize("status", ["submitted", "recommended", "approved"])
def test_the_structure_does_not_change_outside_a_draft(coordinator_client, edition, status):
    Edition.objects.filter(pk=edition.pk).update(status=status)  # setup only
    first, second = edition.sections.order_by("order")[:2]
    before = keys(edition)
    assert (
        coordinator_client.post(ADD, {"title": "Nouvelle", "kind": "narrative"}).status_code == 403
    )
    assert move(coordinator_client, second, "up").status_code == 403
    delete = reverse("roadmap:delete", args=[BODY, YEAR, "section", second.pk])
    assert coordinator_client.post(delete, {"expected_version": second.version}).status_code == 403
    assert keys(edition) == before
    assert "Ajouter une section" not in text_of(coordinator_client.get(SECTIONS))


@pytest.mark.parametrize("username", ["lecteur", "responsable", "di", "sm"])
def test_only_the_coordinator_changes_the_structure(edition, username):
    client = client_for(username)
    first, second = edition.sections.order_by("order")[:2]
    before = keys(edition)
    assert client.post(ADD, {"title": "Nouvelle", "kind": "narrative"}).status_code == 403
    assert move(client, second, "up").status_code == 403
    delete = reverse("roadmap:delete", args=[BODY, YEAR, "section", second.pk])
    assert client.post(delete, {"expected_version": second.version}).status_code == 403
    assert keys(edition) == before
    assert "Ajouter une section" not in text_of(client.get(SECTIONS))


def test_another_bodys_coordinator_cannot_touch_the_structure(edition):
    body_with_edition("SQE", "Société québécoise des essais")
    client = client_for_user(person("coord-sqe", roles.COORDINATOR, body="sqe"))
    first, second = edition.sections.order_by("order")[:2]
    before = keys(edition)
    assert client.post(ADD, {"title": "Nouvelle", "kind": "narrative"}).status_code == 404
    assert move(client, second, "up").status_code == 404
    assert keys(edition) == before


def client_for_user(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_the_sections_page_costs_the_same_for_the_coordinator_however_many_sections(
    coordinator_client, edition
):
    on_demo = count_queries(coordinator_client, SECTIONS)
    for n in range(30):
        Section.objects.create(edition=edition, key=f"ajout-{n}", title=f"Ajout {n}", order=99)
    assert (on_demo, count_queries(coordinator_client, SECTIONS)) == (on_demo, on_demo)
