"""Publication: anonymous pages of a transmitted edition with a release's withholdings applied,
their PDF, caching, and what never shows there."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from releases.models import Publication
from roadmap.links import plan_url
from roadmap.models import Edition
from tests.personas import client_for
from tests.releasing import CONTROL, found_in, pdf_haystacks, planted_release

PUBLIC = "/public/meie/2023-2024/"


def transmit(edition: Edition) -> Edition:
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.TRANSMITTED)
    edition.refresh_from_db()
    return edition


@pytest.fixture
def officer(db) -> User:
    return User.objects.get(username="acces")


@pytest.fixture
def published(edition, officer):
    """Canaries in 16 kinds of fields, withheld by release 1, published with it applied."""
    release, canaries = planted_release(edition, officer)
    transmit(edition)
    call_command("publish_edition", body="MEIE", edition="2023-2024", release=release.number)
    return edition, canaries


def crawl(client: Client, start: str) -> dict[str, bytes]:
    """Every page and file reachable from ``start`` by links below /public/."""
    seen: dict[str, bytes] = {}
    queue = [start]
    while queue:
        address = queue.pop()
        if address in seen:
            continue
        response = client.get(address)
        assert response.status_code == 200, address
        seen[address] = response.content
        if response["Content-Type"].startswith("text/html"):
            for link in re.findall(r'href="(/public/[^"#?]*)', response.content.decode()):
                queue.append(link)
    return seen


def test_nothing_withheld_reaches_a_public_byte(published):
    _edition, canaries = published
    pages = crawl(Client(), PUBLIC)
    assert f"{PUBLIC}pdf/" in pages and f"{PUBLIC}feuille-de-route/" in pages
    assert any(a.startswith(f"{PUBLIC}initiatives/") for a in pages)
    assert len([a for a in pages if a.startswith(f"{PUBLIC}sections/")]) > 10
    haystacks = [content for address, content in pages.items() if not address.endswith("pdf/")]
    haystacks += pdf_haystacks(pages[f"{PUBLIC}pdf/"])
    assert found_in(haystacks, CONTROL), "the search finds what was not withheld"
    assert found_in(haystacks, "Renseignement retiré")
    assert [canary for canary in canaries if found_in(haystacks, canary)] == []


def test_public_pages_say_nothing_of_the_plan_s_making(published):
    pages = crawl(Client(), PUBLIC)
    people = [user.get_full_name() for user in User.objects.all() if user.last_name]
    for address, content in pages.items():
        if address.endswith("pdf/"):
            continue
        text = content.decode()
        for word in ["Historique", "commentaire", "Brouillon", "Modifier", "Diffusion limitée"]:
            assert word not in text, (address, word)
        for name in people:
            assert name not in text, (address, name)


def test_not_published_is_a_404_for_everyone_without_a_login(edition):
    transmit(edition)
    for address in [PUBLIC, f"{PUBLIC}sections/", f"{PUBLIC}pdf/", f"{PUBLIC}feuille-de-route/"]:
        assert Client().get(address).status_code == 404


def test_a_withdrawn_publication_disappears(published):
    edition, _canaries = published
    assert Client().get(PUBLIC).status_code == 200
    call_command("unpublish_edition", body="MEIE", edition="2023-2024")
    for address in [PUBLIC, f"{PUBLIC}pdf/", f"{PUBLIC}initiatives/1.1.1/"]:
        assert Client().get(address).status_code == 404
    assert Publication.objects.get(edition=edition).withdrawn_at is not None


def test_public_pages_are_cacheable_with_an_etag(published):
    client = Client()
    response = client.get(PUBLIC)
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    etag = response["ETag"]
    again = client.get(PUBLIC, headers={"If-None-Match": etag})
    assert again.status_code == 304
    call_command("publish_edition", body="MEIE", edition="2023-2024")  # again, nothing withheld
    assert client.get(PUBLIC, headers={"If-None-Match": etag}).status_code == 200


def test_without_a_release_the_whole_plan_is_published(edition):
    transmit(edition)
    call_command("publish_edition", body="MEIE", edition="2023-2024")
    initiative = edition.initiatives.get(code="1.1.1")
    page = Client().get(f"{PUBLIC}initiatives/1.1.1/").content.decode()
    assert initiative.title.replace("'", "&#x27;") in page
    assert "Renseignement retiré" not in page


def test_only_a_transmitted_edition_is_published(edition):
    with pytest.raises(Exception, match="transmise"):
        call_command("publish_edition", body="MEIE", edition="2023-2024")
    assert Client().get(PUBLIC).status_code == 404


def test_the_coordinator_publishes_and_withdraws_from_the_page(edition, coordinator_client):
    transmit(edition)
    page = plan_url("releases:publication", edition)
    assert coordinator_client.get(page).status_code == 200
    assert client_for("lecteur").get(page).status_code == 403
    coordinator_client.post(page, {"release": ""})
    assert Publication.objects.get(edition=edition).is_live
    assert Client().get(PUBLIC).status_code == 200
    assert Client().get(f"{PUBLIC}pdf/")["Content-Type"] == "application/pdf"
    coordinator_client.post(plan_url("releases:unpublish", edition))
    assert Client().get(PUBLIC).status_code == 404


def test_open_data_files_match_their_datapackage(published):
    client = Client()
    package = client.get(f"{PUBLIC}donnees/datapackage.json").json()
    assert package["profile"] == "tabular-data-package"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    names = {resource["name"] for resource in package["resources"]}
    assert {"initiatives", "benefices", "indicateurs", "risques", "sections"} <= names
    for resource in package["resources"]:
        assert resource["path"].startswith("http://testserver/public/meie/2023-2024/donnees/")
        response = client.get(resource["path"].removeprefix("http://testserver"))
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
        fields = resource["schema"]["fields"]
        assert rows[0] == [field["name"] for field in fields]
        assert len(rows) > 1, resource["name"]
        missing = set(resource["schema"]["missingValues"])
        for row in rows[1:]:
            assert len(row) == len(fields)
            for field, value in zip(fields, row, strict=True):
                if value in missing:
                    continue
                if field["type"] == "integer":
                    int(value)
                elif field["type"] == "number":
                    Decimal(value)
                elif field["type"] == "boolean":
                    assert value in {"true", "false"}
    initiatives = client.get(f"{PUBLIC}donnees/initiatives.csv").content.decode()
    assert "Renseignement retiré — art. 22" in initiatives  # 2.2.3's title, withheld


def test_the_crawl_covers_the_open_data(published):
    pages = crawl(Client(), PUBLIC)
    assert f"{PUBLIC}donnees/datapackage.json" in pages
    assert f"{PUBLIC}donnees/initiatives.csv" in pages


def test_a_whole_initiative_withheld_is_boxes_in_every_public_file(edition, officer):
    from initiatives.models import Initiative
    from releases.models import Ground
    from releases.services import release_open, withholding_add
    from tests.releasing import approve

    initiative = edition.initiatives.get(code="1.1.1")
    title = initiative.title
    approve(edition)
    release = release_open(
        edition=edition,
        user=officer,
        request_number="C",
        received_on=edition.created_at.date(),
        due_on=edition.created_at.date(),
    )
    withholding_add(
        release=release,
        user=officer,
        model=Initiative,
        object_id=initiative.pk,
        field="",
        ground=Ground.objects.get(article="23"),
    )
    transmit(edition)
    call_command("publish_edition", body="MEIE", edition="2023-2024", release=release.number)
    client = Client()
    for address in [
        f"{PUBLIC}initiatives/1.1.1/",
        f"{PUBLIC}feuille-de-route/",
        f"{PUBLIC}donnees/initiatives.csv",
    ]:
        content = client.get(address).content.decode()
        assert "Renseignement retiré — art. 23" in content, address
        assert title not in content.replace("&#x27;", "'"), address
