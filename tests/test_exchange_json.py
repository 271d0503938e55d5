"""The whole edition as a JSON document (ptn-plan/1): export, schema, import, round trips."""

import copy
import json
import re

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db.models import F
from django.urls import reverse

from accounts import roles
from accounts.models import PublicBody, Unit, User
from benefits.models import Benefit
from initiatives.models import Dependency, Initiative
from roadmap.demo.generate import add_generated_initiatives
from roadmap.exchange.document import export_document, import_document, schema
from roadmap.models import Ambition, Edition, EditionFrozenError, Orientation, Section
from tests.bodies import body_with_edition, other_body
from tests.personas import give_roles
from tests.test_pages import text_of

YEAR = "2023-2024"
BODY = "meie"


def comparable(document: dict) -> dict:
    """A document without what differs from one installation or body to another: the export
    date, the body it came from, the edition's fiscal year and workflow state."""
    document = copy.deepcopy(document)
    document.pop("exported_at")
    document.pop("body")
    for name in ("status", "fiscal_year"):
        document["edition"].pop(name, None)
    return document


def export_file(tmp_path, edition: Edition) -> tuple[dict, str]:
    output = tmp_path / "plan.json"
    call_command(
        "export_plan",
        body=edition.body.acronym,
        edition=edition.fiscal_year,
        format="json",
        output=str(output),
    )
    return json.loads(output.read_text(encoding="utf-8")), str(output)


def write(tmp_path, document: dict, name: str = "plan.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return str(path)


def leads_join(document: dict, body: PublicBody) -> None:
    """The plan's leads get a role in ``body`` (a person may belong to two bodies)."""
    logins = {i["lead"]["login"] for i in document["initiatives"] if i["lead"]}
    for user in User.objects.filter(username__in=logins):
        give_roles(user, roles.READER, body=body.slug)


# What the export writes for a field the plan leaves empty.
SECTION = {
    "level": 1, "kind": "narrative", "signer_role": "", "shows_vision": False,
    "signatory_name": "", "signatory_title": "", "body": "", "conclusion": "", "guidance": "",
    "no_contribution_reason": "", "items": [], "topics": [],
}  # fmt: skip
RISK = {
    "description": "", "probability": None, "impact": None, "owner": "", "status": "open",
    "review_date": None, "mitigations": [],
}  # fmt: skip
INDICATOR = {
    "unit": "", "direction": "increase", "baseline": None, "target": None, "threshold": None,
    "baseline_date": None, "target_date": None, "source": "", "frequency": "", "measurements": [],
}  # fmt: skip


def shaped_plan() -> dict:
    """A plan of another shape than the MEIE's: 3 orientations and 9 ambitions, gapped
    initiative codes (3.2.4 after 3.2.1, 3.4.7), a 6-axis radar, a 5-stage maturity scale,
    sections of its own."""
    ambitions = {1: 2, 2: 3, 3: 4}

    def initiative(code: str, **extra) -> dict:
        return {
            "code": code,
            "ambition": code.rsplit(".", 1)[0],
            "title": f"Initiative {code}",
            "acronym": "",
            "description": f"Ce que fait l'initiative {code}.",
            "lead": None,
            "unit": None,
            "status": "planned",
            "funded": False,
            "qualified_project": False,
            "phase": "",
            "horizon_start": 2024,
            "horizon_end": 2026,
            "budget": None,
            "milestones": [],
            "dependencies": [],
            "risks": [],
            "contributions": [],
            "benefits": [],
            **extra,
        }

    document = {
        "format": "ptn-plan/1",
        "exported_at": "2025-01-15T10:00:00+00:00",
        "body": {"acronym": "SQE", "name": "Société québécoise des essais"},
        "edition": {
            "fiscal_year": "2024-2025",
            "update_number": 0,
            "vision": "Une vision.",
            "notice": "",
        },  # fmt: skip
        "sections": [
            {
                "key": "mot-de-la-presidente",
                "title": "Mot de la présidente-directrice générale",
                "level": 1,
                "order": 1,
                "kind": "signed_message",
                "signer_role": "head",
                "signatory_name": "Anne Tremblay",
                "signatory_title": "présidente-directrice générale",
                "body": "Nous avançons.",
                "conclusion": "",
                "items": [],
                "topics": [],
            },
            {
                "key": "portrait",
                "title": "Portrait de la société",
                "level": 1,
                "order": 2,
                "kind": "narrative",
                "shows_vision": True,
                "signatory_name": "",
                "signatory_title": "",
                "body": "Portrait.",
                "conclusion": "",
                "items": [{"order": 1, "title": "Mission", "text": "Essayer."}],
                "topics": [],
            },
            {
                "key": "donnees-ouvertes",
                "title": "Données ouvertes",
                "level": 2,
                "order": 3,
                "kind": "topic_contributions",
                "signatory_name": "",
                "signatory_title": "",
                "body": "",
                "conclusion": "",
                "items": [],
                "topics": [
                    {"order": 1, "title": "Jeux de données", "intro": "Ce qui sera publié."}
                ],
            },
        ],  # fmt: skip
        "strategic_orientations": [
            {"number": 1, "title": "Servir mieux"},
            {"number": 2, "title": "Innover"},
        ],  # fmt: skip
        "orientations": [
            {
                "number": o,
                "title": f"Orientation {o}",
                "strategic_orientations": [1] if o < 3 else [1, 2],
                "ambitions": [
                    {"number": a, "title": f"Ambition {o}.{a}"} for a in range(1, count + 1)
                ],
            }
            for o, count in ambitions.items()
        ],
        "maturity": {
            "score": 2.5,
            "scale_min": 1,
            "scale_max": 5,
            "target_stage": 4,
            "target_date": "2027-03-31",
            "source": "Autoévaluation 2024",
            "stages": [{"number": n, "label": f"Étape {n} de la société"} for n in range(1, 6)],
        },  # fmt: skip
        "radar": {
            "scale_min": 0,
            "scale_max": 5,
            "source": "Radar 2024",
            # On its own 0–5 scale; the last axis is not yet assessed.
            "axes": [
                {"order": n, "category": f"Axe {n}", "score": s}
                for n, s in enumerate([0, 2, 2.75, 4.5, 5, None], start=1)
            ],
        },
        "plan_risks": [
            {
                "order": 1,
                "title": "Pénurie d'expertise",
                "description": "",
                "probability": 4,
                "impact": 5,
                "owner": "Direction du numérique",
                "status": "monitored",
                "review_date": "2025-03-31",
                "mitigations": [{"order": 1, "text": "Former le personnel."}],
            },
        ],  # fmt: skip
        "initiatives": [
            initiative(
                "1.1.1",
                budget=250000,
                unit={"acronym": "DTN", "name": "Direction du numérique"},
                milestones=[
                    {"order": 1, "title": "Lancement", "due_date": "2025-06-30", "done": False}
                ],
                benefits=[
                    {
                        "order": 1,
                        "kind": "financial",
                        "description": "Économies",
                        "amount": 50000,
                        "horizon_years": 5,
                        "measurable": True,
                        "years": [
                            {"fiscal_year": "2024-2025", "planned": 20000, "realized": 15000},
                            {"fiscal_year": "2025-2026", "planned": 30000, "realized": None},
                        ],
                        "indicators": [
                            {
                                "order": 1,
                                "name": "Coût par dossier",
                                "unit": "$",
                                "direction": "decrease",
                                "baseline": 120.5,
                                "target": 80,
                                "threshold": 100,
                                "target_date": "2027-03-31",
                                "source": "Système de gestion des dossiers",
                                "frequency": "quarterly",
                                "measurements": [
                                    {"measured_on": "2024-09-30", "value": 118.25, "note": ""}
                                ],
                            }
                        ],
                    }
                ],
                contributions=[
                    {
                        "section": "donnees-ouvertes",
                        "topic": 1,
                        "order": 1,
                        "title": "",
                        "text": "Publie trois jeux.",
                    }
                ],
            ),
            initiative(
                "2.3.2",
                risks=[
                    {
                        "order": 1,
                        "title": "Retard",
                        "description": "",
                        "mitigations": [{"order": 1, "text": "Suivi serré."}],
                    }
                ],
            ),
            initiative("3.2.1"),
            initiative("3.2.4", dependencies=[{"initiative": "3.2.1", "description": "Après."}]),
            initiative("3.4.7", status="in_progress"),
        ],  # fmt: skip
    }
    document["sections"] = [{**SECTION, **s} for s in document["sections"]]
    document["plan_risks"] = [{**RISK, **r} for r in document["plan_risks"]]
    for i in document["initiatives"]:
        i["risks"] = [{**RISK, **r} for r in i["risks"]]
        for b in i["benefits"]:
            b.setdefault("years", [])
            b["indicators"] = [{**INDICATOR, **ind} for ind in b["indicators"]]
    return document


# --- Export ---------------------------------------------------------------------------------


def test_the_published_schema_is_a_draft_2020_12_schema_of_the_format():
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema()["properties"]["format"] == {
        "const": "ptn-plan/1",
        "description": "The version of this format.",
    }


def test_an_edition_just_started_exports_a_valid_document(db):
    started = body_with_edition()
    document = export_document(started)
    jsonschema.Draft202012Validator(schema()).validate(document)
    assert document["maturity"] is None and document["initiatives"] == []


def test_the_json_export_follows_the_published_schema(edition, tmp_path):
    document, _path = export_file(tmp_path, edition)

    jsonschema.Draft202012Validator(schema()).validate(document)
    assert document["format"] == "ptn-plan/1"
    assert document["body"]["acronym"] == "MEIE"
    assert document["edition"]["fiscal_year"] == YEAR
    assert len(document["initiatives"]) == edition.initiatives.count()
    # Every field of the fiche, for every initiative.
    for initiative in document["initiatives"]:
        assert set(Initiative.FICHE_FIELDS) <= set(initiative)
    assert [o["number"] for o in document["orientations"]] == list(
        edition.orientations.values_list("number", flat=True)
    )
    assert document["maturity"]["stages"] and document["radar"]["axes"]
    assert any(i["benefits"] for i in document["initiatives"])
    assert any(i["contributions"] for i in document["initiatives"])


def test_the_format_follows_the_output_file_and_the_workbook_still_exports(edition, tmp_path):
    json_file, xlsx_file = tmp_path / "plan.json", tmp_path / "plan.xlsx"
    call_command("export_plan", edition=YEAR, output=str(json_file))
    call_command("export_plan", edition=YEAR, output=str(xlsx_file))
    assert json.loads(json_file.read_text())["format"] == "ptn-plan/1"
    assert xlsx_file.read_bytes()[:2] == b"PK"


def test_the_reader_downloads_the_whole_edition_as_json(reader_client, edition):
    response = reader_client.get(reverse("roadmap:export", args=[BODY, YEAR]) + "?format=json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="PTN-MEIE-2023-2024.json"'
    document = json.loads(response.content)
    jsonschema.Draft202012Validator(schema()).validate(document)


def test_the_json_export_reads_the_edition_in_constant_queries(
    edition, django_assert_max_num_queries, django_assert_num_queries
):
    export_document(edition)  # warm the caches (the schema, content types)
    with django_assert_max_num_queries(40) as small:
        export_document(edition)
    add_generated_initiatives(edition, 30)
    with django_assert_num_queries(len(small.captured_queries)):
        document = export_document(edition)
    assert len(document["initiatives"]) == edition.initiatives.count()


# --- Round trips ----------------------------------------------------------------------------


def test_the_demo_plan_round_trips_into_another_body(edition, tmp_path, capsys):
    document, path = export_file(tmp_path, edition)
    sqe = other_body()
    leads_join(document, sqe)

    call_command("import_plan", path, body="SQE", edition="2024-2025")

    imported = Edition.objects.get(body=sqe, fiscal_year="2024-2025")
    assert imported.status == Edition.Status.DRAFT
    assert "Édition 2024-2025 de SQE : créée (brouillon)." in capsys.readouterr().out
    assert comparable(export_document(imported)) == comparable(document)
    # The MEIE's plan is untouched, and the two plans share no record.
    assert comparable(export_document(edition)) == comparable(document)
    assert not Initiative.objects.filter(edition=imported).filter(
        pk__in=Initiative.objects.filter(edition=edition)
    )
    # Units the body did not have are created in it, not borrowed from the MEIE.
    assert Unit.objects.filter(body=sqe).exists()
    assert not Initiative.objects.filter(edition=imported, unit__body=edition.body)


def test_importing_its_own_export_changes_nothing(edition, tmp_path, capsys):
    document, path = export_file(tmp_path, edition)
    capsys.readouterr()
    call_command("import_plan", path, edition=YEAR)
    assert re.search(r"\b0 changements? \(appliqué", capsys.readouterr().out)
    assert comparable(export_document(edition)) == comparable(document)


def test_a_plan_of_another_shape_is_imported_and_exported_as_it_was(edition, tmp_path):
    document = shaped_plan()
    jsonschema.Draft202012Validator(schema()).validate(document)
    sqe = other_body()

    call_command("import_plan", write(tmp_path, document), body="SQE", edition="2024-2025")

    imported = Edition.objects.get(body=sqe, fiscal_year="2024-2025")
    assert Orientation.objects.filter(edition=imported).count() == 3
    assert Ambition.objects.filter(orientation__edition=imported).count() == 9
    codes = list(imported.initiatives.order_by("code").values_list("code", flat=True))
    assert codes == ["1.1.1", "2.3.2", "3.2.1", "3.2.4", "3.4.7"]
    assert imported.maturity.stage_labels[5] == "Étape 5 de la société"
    assert imported.radar.scores.count() == 6
    assert Dependency.objects.get(initiative__edition=imported).depends_on.code == "3.2.1"
    again = export_document(imported)
    jsonschema.Draft202012Validator(schema()).validate(again)
    assert comparable(again) == comparable(document)
    # Exported, imported again into a third body: the same plan.
    third = other_body("TRO", "Troisième organisme")
    call_command("import_plan", write(tmp_path, again, "again.json"), body="TRO", edition=YEAR)
    third_edition = Edition.objects.get(body=third, fiscal_year=YEAR)
    assert comparable(export_document(third_edition)) == comparable(document)


# --- What is refused ------------------------------------------------------------------------


def test_a_dry_run_writes_nothing_not_even_the_edition(edition, tmp_path, capsys):
    other_body()
    call_command(
        "import_plan", write(tmp_path, shaped_plan()), body="SQE", edition="2024-2025",
        dry_run=True,
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "Initiatives : 5 lignes créées" in out and "aperçu seulement" in out
    assert not Edition.objects.filter(body__acronym="SQE").exists()
    assert not Unit.objects.filter(body__acronym="SQE").exists()


def test_a_bad_document_is_refused_with_the_json_path_of_each_error(edition, tmp_path, capsys):
    other_body()
    document = shaped_plan()
    document["initiatives"][0]["budget"] = "deux millions"
    document["initiatives"][1]["status"] = "fini"
    del document["initiatives"][2]["title"]
    document["initiatives"][3]["couleur"] = "bleu"
    document["edition"]["fiscal_year"] = "2024"

    with pytest.raises(CommandError, match="5 erreurs : rien n'a été importé."):
        call_command("import_plan", write(tmp_path, document), body="SQE", edition="2024-2025")

    errors = capsys.readouterr().err
    assert "$.initiatives[0].budget : Valeur attendue : un nombre entier ou null." in errors
    assert "$.initiatives[1].status : « fini » n'est pas une valeur permise" in errors
    assert "$.initiatives[2].title : Champ obligatoire manquant." in errors
    assert "$.initiatives[3].couleur : Champ inconnu du format ptn-plan/1." in errors
    assert "$.edition.fiscal_year : « 2024 » n'a pas la forme attendue." in errors
    assert not Edition.objects.filter(body__acronym="SQE").exists()


def test_a_section_without_its_kind_is_refused(edition, tmp_path, capsys):
    other_body()
    document = shaped_plan()
    del document["sections"][1]["kind"]
    document["sections"][2]["kind"] = "maturite"
    with pytest.raises(CommandError, match="2 erreurs : rien n'a été importé."):
        call_command("import_plan", write(tmp_path, document), body="SQE", edition="2024-2025")
    errors = capsys.readouterr().err
    assert "$.sections[1].kind : Champ obligatoire manquant." in errors
    assert "$.sections[2].kind : « maturite » n'est pas une valeur permise" in errors
    assert not Edition.objects.filter(body__acronym="SQE").exists()


def test_the_follow_up_of_risks_indicators_and_yearly_amounts_comes_back(edition, tmp_path):
    sqe = other_body()
    call_command("import_plan", write(tmp_path, shaped_plan()), body="SQE", edition="2024-2025")
    imported = Edition.objects.get(body=sqe, fiscal_year="2024-2025")
    risk = imported.plan_risks.get()
    assert (risk.probability, risk.impact, risk.score, risk.status) == (4, 5, 20, "monitored")
    benefit = Benefit.objects.get(initiative__edition=imported)
    assert [(y.fiscal_year, y.planned, y.realized) for y in benefit.years.all()] == [
        ("2024-2025", 20000, 15000),
        ("2025-2026", 30000, None),
    ]
    indicator = benefit.indicators.get()
    assert (indicator.frequency, str(indicator.target_date)) == ("quarterly", "2027-03-31")
    assert [s.score for s in imported.radar.scores.order_by("order")][-1] is None
    assert imported.sections.get(key="mot-de-la-presidente").signer_role == roles.HEAD


def test_broken_references_are_refused_with_their_path(edition, tmp_path, capsys):
    other_body()
    document = shaped_plan()
    document["initiatives"][2]["code"] = "3.1.1"  # under ambition 3.2
    document["initiatives"][3]["dependencies"] = [{"initiative": "9.9.9"}]
    document["initiatives"][4]["ambition"] = "3.9"
    document["initiatives"].append(copy.deepcopy(document["initiatives"][0]))

    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("import_plan", write(tmp_path, document), body="SQE", edition="2024-2025")

    errors = capsys.readouterr().err
    assert (
        "$.initiatives[2].code : Le code « 3.1.1 » doit commencer par celui de son ambition, "
        "« 3.2. »." in errors
    )
    assert (
        "$.initiatives[3].dependencies[0] : L'initiative 9.9.9 n'est pas dans le document."
        in errors
    )
    assert "$.initiatives[4].ambition : L'ambition 3.9 n'est pas dans le document." in errors
    assert "$.initiatives[5] : Initiative « 1.1.1 » en double (déjà en $.initiatives[0])." in errors
    assert not Edition.objects.filter(body__acronym="SQE").exists()


def test_a_record_the_model_refuses_stops_the_whole_import(edition, tmp_path, capsys):
    document, path = export_file(tmp_path, edition)
    first = document["initiatives"][0]
    first["title"] = "Titre qui ne sera pas écrit"
    first["horizon_end"] = first["horizon_start"] - 1 if first["horizon_start"] else 2020
    first["horizon_start"] = first["horizon_start"] or 2024
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("import_plan", write(tmp_path, document), edition=YEAR)
    assert "$.initiatives[0].horizon_end : La fin de l'horizon précède son début." in (
        capsys.readouterr().err
    )
    assert not Initiative.objects.filter(title="Titre qui ne sera pas écrit").exists()


def test_a_file_that_is_not_a_plan_is_refused(edition, tmp_path):
    not_json = tmp_path / "plan.json"
    not_json.write_text("{ pas du JSON", encoding="utf-8")
    with pytest.raises(CommandError, match="pas un document JSON valide"):
        call_command("import_plan", str(not_json), edition=YEAR)
    other = write(tmp_path, {"format": "autre/2", "initiatives": []}, "autre.json")
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("import_plan", other, edition=YEAR)


def test_a_frozen_edition_refuses_the_document(db, tmp_path):
    frozen = body_with_edition(status=Edition.Status.RECOMMENDED)
    with pytest.raises(CommandError, match="recommandée ou approuvée"):
        call_command("import_plan", write(tmp_path, shaped_plan()), body="SQE", edition=YEAR)
    assert not frozen.initiatives.exists()


# --- Through the import page ----------------------------------------------------------------


def upload(client, document: dict, name: str = "plan.json"):
    data = json.dumps(document, ensure_ascii=False).encode()
    return client.post(
        reverse("roadmap:import", args=[BODY, YEAR]), {"file": SimpleUploadedFile(name, data)}
    )


def test_the_import_page_previews_then_applies_a_json_document(coordinator_client, edition):
    document = export_document(edition)
    document["initiatives"][0]["title"] = "Titre venu du JSON"
    removed = document["initiatives"].pop()
    benefits_of_removed = Benefit.objects.filter(
        initiative__edition=edition, initiative__code=removed["code"]
    ).count()

    preview = upload(coordinator_client, document)

    assert preview.status_code == 200
    page = text_of(preview)
    assert "Titre venu du JSON" in page
    assert f"{removed['code']} — supprimé : absent du document" in page
    assert Initiative.objects.filter(edition=edition, code=removed["code"]).exists()
    done = coordinator_client.post(
        reverse("roadmap:import_confirm", args=[BODY, YEAR]), {"token": preview.context["token"]}
    )
    assert done.status_code == 302
    changed = Initiative.objects.get(edition=edition, code=document["initiatives"][0]["code"])
    assert changed.title == "Titre venu du JSON"
    assert changed.history.first().history_user.username == "coordonnateur"
    assert not Initiative.objects.filter(edition=edition, code=removed["code"]).exists()
    assert Initiative.history.filter(code=removed["code"], history_type="-").exists()
    assert benefits_of_removed == 0 or Benefit.history.filter(history_type="-").exists()


def test_a_json_document_with_errors_shows_them_by_path(coordinator_client, edition):
    document = export_document(edition)
    document["initiatives"][0]["budget"] = -5
    response = upload(coordinator_client, document)
    assert response.status_code == 422
    page = text_of(response)
    assert "$.initiatives[0].budget" in page and "La valeur doit être au moins 0." in page
    assert "Confirmer" not in page


def test_an_edit_made_between_the_preview_and_the_confirmation_is_not_overwritten(
    coordinator_client, edition
):
    document = export_document(edition)
    code = document["initiatives"][0]["code"]
    document["initiatives"][0]["title"] = "Titre venu du JSON"
    preview = upload(coordinator_client, document)
    Initiative.objects.filter(edition=edition, code=code).update(
        title="Titre changé par la DI", version=F("version") + 1
    )

    again = coordinator_client.post(
        reverse("roadmap:import_confirm", args=[BODY, YEAR]), {"token": preview.context["token"]}
    )

    assert again.status_code == 409
    assert "Le plan a changé depuis l'aperçu : rien n'a été importé." in text_of(again)
    assert Initiative.objects.get(edition=edition, code=code).title == "Titre changé par la DI"


def test_an_import_takes_the_next_version_so_open_editors_are_told(edition):
    document = export_document(edition)
    code = document["initiatives"][0]["code"]
    before = Initiative.objects.get(edition=edition, code=code).version
    document["initiatives"][0]["phase"] = "Réalisation"
    report = import_document(edition, document, apply=True)
    assert report.applied and report.change_count == 1
    assert Initiative.objects.get(edition=edition, code=code).version == before + 1


def test_a_frozen_edition_refuses_the_document_in_the_service(edition):
    document = export_document(edition)
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.APPROVED)  # setup only
    with pytest.raises(EditionFrozenError):
        import_document(edition, document, apply=True)


def test_sections_other_than_the_meies_are_kept_as_they_are(edition, tmp_path):
    document = shaped_plan()
    sqe = other_body()
    call_command("import_plan", write(tmp_path, document), body="SQE", edition="2024-2025")
    keys = list(
        Section.objects.filter(edition__body=sqe).order_by("order").values_list("key", flat=True)
    )
    assert keys == ["mot-de-la-presidente", "portrait", "donnees-ouvertes"]
