"""Publication: anonymous pages of a transmitted edition with a release's withholdings applied,
their PDF, caching, and what never shows there."""

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.test import Client
from jsonschema import Draft202012Validator, FormatChecker

from accounts.models import User
from releases.models import Publication
from releases.tasks import render_publication
from roadmap.exchange import document
from roadmap.exchange.document import check_document
from roadmap.links import plan_url
from roadmap.models import Edition, Section
from tests.personas import client_for
from tests.releasing import CONTROL, found_in, pdf_haystacks, planted_release
from tests.tasks import run_queued_tasks

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
    for address in [
        PUBLIC,
        f"{PUBLIC}sections/",
        f"{PUBLIC}pdf/",
        f"{PUBLIC}feuille-de-route/",
        f"{PUBLIC}donnees/plan.json",
    ]:
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
    following = coordinator_client.post(page, {"release": ""}, follow=True)
    # Published at once; its PDF is rendered by the task worker, followed on a page.
    assert Publication.objects.get(edition=edition).is_live
    assert Client().get(PUBLIC).status_code == 200
    assert "Production du PDF en attente" in following.content.decode()
    assert Client().get(f"{PUBLIC}pdf/").status_code == 404
    [render] = run_queued_tasks(render_publication)
    assert render.status == TaskResultStatus.SUCCESSFUL
    back = coordinator_client.get(following.redirect_chain[-1][0], follow=True)
    assert back.redirect_chain[-1][0] == page
    assert "est publiée, avec son PDF." in back.content.decode()
    assert "Son PDF n'est pas prêt" not in back.content.decode()
    assert Client().get(f"{PUBLIC}pdf/")["Content-Type"] == "application/pdf"
    coordinator_client.post(plan_url("releases:unpublish", edition))
    assert Client().get(PUBLIC).status_code == 404


def test_publishing_again_never_serves_the_earlier_pdf(
    edition, officer, coordinator_client, django_capture_on_commit_callbacks
):
    release, canaries = planted_release(edition, officer)
    transmit(edition)
    call_command("publish_edition", body="MEIE", edition="2023-2024")  # nothing withheld
    earlier = Publication.objects.get(edition=edition).pdf.name
    assert found_in(pdf_haystacks(Client().get(f"{PUBLIC}pdf/").content), canaries[0])

    # Published again with the release's withholdings: until the worker has rendered the new
    # PDF, there is none; the earlier one, which shows what is now withheld, is gone.
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(plan_url("releases:publication", edition), {"release": release.pk})
    assert Client().get(f"{PUBLIC}pdf/").status_code == 404
    assert not default_storage.exists(earlier)
    run_queued_tasks(render_publication)
    haystacks = pdf_haystacks(Client().get(f"{PUBLIC}pdf/").content)
    assert found_in(haystacks, CONTROL)
    assert [canary for canary in canaries if found_in(haystacks, canary)] == []


def test_open_data_files_match_their_datapackage(published):
    client = Client()
    package = client.get(f"{PUBLIC}donnees/datapackage.json").json()
    assert package["profile"] == "data-package"  # tables and the plan's JSON document
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    names = {resource["name"] for resource in package["resources"]}
    assert {"initiatives", "benefices", "indicateurs", "risques", "sections"} <= names
    for resource in package["resources"]:
        assert resource["path"].startswith("http://testserver/public/meie/2023-2024/donnees/")
        if resource["format"] == "json":
            continue  # the plan's document: test_the_open_data_holds_the_plan_s_json_document
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
    assert f"{PUBLIC}donnees/plan.json" in pages
    assert f"{PUBLIC}donnees/ptn-plan-1.schema.json" in pages


def test_the_plan_s_json_document_holds_nothing_withheld(published):
    """Every canary kind, searched in the JSON's bytes as served (and with its escapes read)."""
    _edition, canaries = published
    content = Client().get(f"{PUBLIC}donnees/plan.json").content
    haystacks = [content, json.dumps(json.loads(content), ensure_ascii=False).encode()]
    assert found_in(haystacks, CONTROL), "the search finds what was not withheld"
    assert found_in(haystacks, "Renseignement retiré — art. 22")
    assert [canary for canary in canaries if found_in(haystacks, canary)] == []


def test_the_open_data_holds_the_plan_s_json_document(published):
    client = Client()
    package = client.get(f"{PUBLIC}donnees/datapackage.json").json()
    [resource] = [r for r in package["resources"] if r["format"] == "json"]
    assert resource["mediatype"] == "application/json"
    assert resource["path"] == f"http://testserver{PUBLIC}donnees/plan.json"
    assert resource["licenses"][0]["name"] == "CC-BY-4.0"
    schema = client.get(resource["schema"].removeprefix("http://testserver")).json()
    assert schema == document.schema()
    response = client.get(resource["path"].removeprefix("http://testserver"))
    assert response["Content-Type"] == "application/json"
    plan = response.json()
    # Valid against the published schema, withholdings and all.
    assert plan["format"] == "ptn-plan/1"
    assert (
        list(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(plan)) == []
    )
    withheld = {(w["path"], w["scope"]) for w in plan["withheld"]}
    assert len(withheld) == 16  # the 16 decisions of the release, each where it applies
    assert {w["text"] for w in plan["withheld"]} == {"Renseignement retiré — art. 22"}
    initiatives = {i["code"]: i for i in plan["initiatives"]}
    assert initiatives["2.2.3"]["title"] == "Renseignement retiré — art. 22"
    index = plan["initiatives"].index(initiatives["2.2.3"])
    assert (f"/initiatives/{index}/title", "field") in withheld
    # A withheld record keeps its keys and loses its content.
    benefit = initiatives["1.1.1"]["benefits"][0]
    assert benefit["description"] == "Renseignement retiré — art. 22"
    assert benefit["amount"] is None and benefit["indicators"] == []
    index = plan["initiatives"].index(initiatives["1.1.1"])
    assert (f"/initiatives/{index}/benefits/0", "record") in withheld
    # Every pointer leads to what it names.
    for path, _scope in withheld:
        node = plan
        for part in path.split("/")[1:]:
            node = node[int(part)] if isinstance(node, list) else node[part]


def test_the_plan_s_json_document_names_no_one(published):
    plan = Client().get(f"{PUBLIC}donnees/plan.json").json()
    text = json.dumps(plan, ensure_ascii=False)
    assert all(initiative.get("lead") is None for initiative in plan["initiatives"])
    for user in User.objects.all():
        assert f'"{user.username}"' not in text
        if user.last_name and user.first_name:
            assert user.get_full_name() not in text, user.username
    risks = plan["plan_risks"] + [r for i in plan["initiatives"] for r in i["risks"]]
    assert all("owner" not in risk for risk in risks)


def test_a_typed_field_withheld_is_null_and_listed(edition, officer):
    from initiatives.models import Initiative
    from releases.models import Ground
    from releases.services import release_open, withholding_add
    from tests.releasing import approve

    initiative = edition.initiatives.get(code="1.1.1")
    Initiative.objects.filter(pk=initiative.pk).update(budget=123456789, horizon_start=2024)
    approve(edition)
    release = release_open(
        edition=edition,
        user=officer,
        request_number="T",
        received_on=edition.created_at.date(),
        due_on=edition.created_at.date(),
    )
    for name in ["budget", "horizon_start", "status", "funded"]:
        withholding_add(
            release=release,
            user=officer,
            model=Initiative,
            object_id=initiative.pk,
            field=name,
            ground=Ground.objects.get(article="22"),
        )
    transmit(edition)
    call_command("publish_edition", body="MEIE", edition="2023-2024", release=release.number)
    content = Client().get(f"{PUBLIC}donnees/plan.json").content
    assert b"123456789" not in content
    plan = json.loads(content)
    [node] = [i for i in plan["initiatives"] if i["code"] == "1.1.1"]
    assert node["budget"] is None and node["horizon_start"] is None
    assert "status" not in node and "funded" not in node  # no null in their type: left out
    assert check_document(plan) == []
    index = plan["initiatives"].index(node)
    assert {w["path"] for w in plan["withheld"]} == {
        f"/initiatives/{index}/{name}" for name in ["budget", "horizon_start", "status", "funded"]
    }


def test_without_a_release_the_json_is_the_exported_plan_less_its_people(edition):
    transmit(edition)
    call_command("publish_edition", body="MEIE", edition="2023-2024")
    plan = Client().get(f"{PUBLIC}donnees/plan.json").json()
    assert "withheld" not in plan
    exported = document.export_document(edition)
    assert [i["title"] for i in plan["initiatives"]] == [
        i["title"] for i in exported["initiatives"]
    ]
    assert any(i["lead"] for i in exported["initiatives"])
    assert not any(i["lead"] for i in plan["initiatives"])


def test_the_json_of_an_unpublished_edition_is_a_404(published):
    for address in [f"{PUBLIC}donnees/plan.json", f"{PUBLIC}donnees/ptn-plan-1.schema.json"]:
        assert Client().get(address).status_code == 200
    call_command("unpublish_edition", body="MEIE", edition="2023-2024")
    for address in [f"{PUBLIC}donnees/plan.json", f"{PUBLIC}donnees/ptn-plan-1.schema.json"]:
        assert Client().get(address).status_code == 404


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


def test_a_public_section_page_never_passes_user_markup_through(edition):
    """The public section page inserts a piece of the plan's own rendered HTML unescaped
    (templates/public/section.html): the user's text in it must already be sanitised."""
    section = edition.sections.order_by("order").first()
    Section.objects.filter(pk=section.pk).update(
        body='Texte <script>alert("x")</script> <img src=x onerror="alert(1)">'
    )
    transmit(edition)
    call_command("publish_edition", body="MEIE", edition="2023-2024")
    html = Client().get(f"{PUBLIC}sections/{section.key}/").content.decode()
    assert "Texte" in html
    assert "<script>alert" not in html and "onerror" not in html


def test_a_public_section_page_is_the_sections_own_rendering_titled_h1(edition):
    """The section's partial of the plan's report, rendered alone: its title is the page's one
    h1 and the headings inside come one level below (h2), as a screen reader expects."""
    section = edition.sections.get(key="ambitions")  # a sub-section with headings inside
    transmit(edition)
    call_command("publish_edition", body="MEIE", edition="2023-2024")
    html = Client().get(f"{PUBLIC}sections/{section.key}/").content.decode()
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S) == [section.title]
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", html)]
    assert levels[0] == 1 and 2 in levels and 3 not in levels[: levels.index(2)]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))  # no level skipped
