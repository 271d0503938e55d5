"""Who can read the plan: every page requires a login and a role (or a participating body)."""

import pytest
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory

from accounts.demo import demo_password
from tests.pages import plan_pages

PAGES = plan_pages()


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitor_is_sent_to_login(db, name):
    response = Client().get(PAGES[name])
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


@pytest.mark.parametrize("name", PAGES)
def test_user_without_role_is_refused_with_a_french_explanation(outsider_client, name):
    response = outsider_client.get(PAGES[name])
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_reader_can_read_every_page(reader_client, name):
    response = reader_client.get(PAGES[name], follow=True)
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["home", "roadmap", "initiative"])
def test_participating_body_staff_can_read_the_plan(body_client, name):
    assert body_client.get(PAGES[name]).status_code == 200


def test_index_opens_the_current_edition(reader_client):
    response = reader_client.get(PAGES["index"])
    assert response.status_code == 302
    assert response["Location"] == PAGES["home"]


def test_login_page_is_french_and_works(db):
    client = Client()
    page = client.get("/connexion/").content.decode()
    assert "Connexion au Portail PTN" in page
    assert 'lang="fr-ca"' in page.lower() or 'lang="fr-CA"' in page


def test_demo_accounts_are_refused_when_debug_is_off(db, settings):
    settings.DEBUG = False
    # django-axes needs the request (the address) to decide; the login form passes it.
    request = RequestFactory().post("/connexion/")
    credentials = {"username": "coordonnateur", "password": demo_password("coordonnateur")}
    assert authenticate(request, **credentials) is None


def test_demo_accounts_work_in_development(db, settings):
    settings.DEBUG = True
    request = RequestFactory().post("/connexion/")
    user = authenticate(request, username="coordonnateur", password=demo_password("coordonnateur"))
    assert user is not None and user.username == "coordonnateur"


def test_demo_login_through_the_form_is_refused_when_debug_is_off(db, settings):
    settings.DEBUG = False
    response = Client().post(
        "/connexion/", {"login": "lecteur", "password": demo_password("lecteur")}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session


def test_unknown_edition_is_a_404_in_french(reader_client):
    response = reader_client.get("/plan/1999-2000/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
