"""The workbook's « Plan » sheet and the plan's structure sheets: exported, read back with
openpyxl, imported all or nothing."""

import io
import json

import openpyxl
import pytest
from django.core.management import call_command

from accounts.models import Unit
from roadmap.exchange.document import export_document
from roadmap.exchange.files import read_upload
from roadmap.exchange.workbook import export_workbook, import_workbook
from roadmap.models import Ambition, Edition, MaturityStage, Orientation, Section, Topic
from tests.bodies import body_with_edition, other_body
from tests.test_exchange_json import comparable, shaped_plan

YEAR = "2023-2024"


def workbook(edition, lang: str = "fr") -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(export_workbook(edition, lang=lang)))


def saved(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rows(sheet) -> list[dict]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]


def find_row(sheet, column: str, value) -> int:
    header = [c.value for c in sheet[1]]
    position = header.index(column)
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if row[position] == value:
            return number
    raise LookupError(value)


def set_cell(sheet, row: int, column: str, value) -> None:
    header = [c.value for c in sheet[1]]
    sheet.cell(row=row, column=header.index(column) + 1).value = value


def append(sheet, values: dict) -> None:
    header = [c.value for c in sheet[1]]
    sheet.append([values.get(h) for h in header])


def test_the_workbook_opens_on_the_plan_sheet_and_holds_the_structure(edition):
    book = workbook(edition)

    assert book.sheetnames[:2] == ["Plan", "Initiatives"]
    for name in ("Sections", "Sujets", "Éléments de section", "Orientations stratégiques", "Orientations", "Ambitions",
                 "Maturité", "Étapes de maturité", "Radar", "Axes du radar", "Risques du plan",
                 "Atténuations du plan"):  # fmt: skip
        assert name in book.sheetnames
    plan = {r["Champ"]: r["Valeur"] for r in rows(book["Plan"])}
    assert plan["Sigle"] == "MEIE" and plan["Exercice"] == YEAR
    assert plan["Version du format"] == "ptn-plan/1"
    assert plan["Statut"] == edition.get_status_display()
    assert plan["Exporté le"]
    assert {"Modèle de plan", "Version du modèle"} <= set(plan)
    keys = [r["Clé"] for r in rows(book["Sections"])]
    assert keys == list(edition.sections.order_by("order").values_list("key", flat=True))
    ambitions = [r["Ambition"] for r in rows(book["Ambitions"])]
    assert ambitions == [
        a.code
        for a in Ambition.objects.filter(orientation__edition=edition).select_related("orientation")
    ]
    stages = rows(book["Étapes de maturité"])
    assert [s["Libellé"] for s in stages] == list(
        MaturityStage.objects.filter(maturity__edition=edition).values_list("label", flat=True)
    )
    assert rows(book["Maturité"])[0]["Échéance de la cible"].date() == edition.maturity.target_date


def test_the_english_workbook_names_the_structure_in_english(edition):
    book = workbook(edition, lang="en")
    assert {"Plan", "Topics", "Radar axes", "Plan risks"} <= set(book.sheetnames)
    assert [c.value for c in book["Plan"][1]] == ["Field", "Value"]
    report = import_workbook(edition, read_upload("plan.xlsx", saved(book)), apply=False)
    assert not report.problems and report.change_count == 0


def test_importing_the_exported_workbook_changes_nothing(edition):
    report = import_workbook(
        edition, read_upload("plan.xlsx", export_workbook(edition)), apply=False
    )
    assert not report.problems
    assert report.change_count == 0
    assert {"Sections", "Ambitions", "Étapes de maturité", "Axes du radar"} <= {
        s.name for s in report.sheets
    }


def test_the_structure_changes_with_the_initiatives_in_one_import(edition):
    book = workbook(edition)
    orientations = book["Orientations"]
    set_cell(orientations, 2, "Libellé", "Orientation renommée dans le classeur")
    append(book["Ambitions"], {"Ambition": "1.9", "Libellé": "Une ambition ajoutée"})
    append(book["Initiatives"], {"Code": "1.9.4", "Ambition": "1.9", "Titre": "Sous la nouvelle ambition",
                                 "Statut": "Planifiée", "Financée": "Non", "Projet qualifié": "Non"})  # fmt: skip
    append(book["Sections"], {"Clé": "annexe-donnees", "Titre": "Annexe : données", "Niveau": 1,
                              "Ordre": 99, "Type de section": "annex"})  # fmt: skip
    append(book["Sujets"], {"Section": "annexe-donnees", "N° du sujet": 1, "Titre": "Inventaire"})
    stages = book["Étapes de maturité"]
    set_cell(stages, 2, "Libellé", "Premiers pas")
    data = saved(book)

    preview = import_workbook(edition, read_upload("plan.xlsx", data), apply=False)
    assert not preview.problems
    by_name = {s.name: s for s in preview.sheets}
    assert by_name["Ambitions"].created == 1 and by_name["Initiatives"].created == 1
    assert by_name["Orientations"].updated == 1 and by_name["Sujets"].created == 1
    assert not Ambition.objects.filter(orientation__edition=edition, number=9).exists()

    applied = import_workbook(
        edition, read_upload("plan.xlsx", data), apply=True, previewed=preview.digest
    )
    assert applied.applied
    first = Orientation.objects.get(edition=edition, number=1)
    assert first.title == "Orientation renommée dans le classeur"
    assert first.history.first().title == "Orientation renommée dans le classeur"
    assert edition.initiatives.get(code="1.9.4").ambition.title == "Une ambition ajoutée"
    assert (
        Topic.objects.get(section__edition=edition, section__key="annexe-donnees").title
        == "Inventaire"
    )
    assert edition.maturity.stages.order_by("number").first().label == "Premiers pas"


def test_an_error_in_a_structure_sheet_is_located_and_nothing_is_written(edition):
    book = workbook(edition)
    set_cell(book["Orientations"], 2, "Libellé", "Ne sera pas écrit")
    set_cell(book["Ambitions"], 3, "Ambition", "deux")
    set_cell(book["Axes du radar"], 2, "Résultat", "beaucoup")
    set_cell(book["Étapes de maturité"], 3, "Libellé", None)

    report = import_workbook(edition, read_upload("plan.xlsx", saved(book)), apply=True)

    assert not report.applied
    located = {(p.sheet, p.row, p.column) for p in report.problems}
    assert ("Ambitions", 3, "Ambition") in located
    assert ("Axes du radar", 2, "Résultat") in located
    assert ("Étapes de maturité", 3, "Libellé") in located
    messages = " ".join(p.message for p in report.problems)
    assert (
        "« deux » n'est pas un code d'ambition" in messages
        and "« beaucoup » n'est pas un nombre" in messages
    )
    assert not Orientation.objects.filter(title="Ne sera pas écrit").exists()


def test_a_record_the_model_refuses_is_reported_at_its_cell(edition):
    book = workbook(edition)
    set_cell(book["Maturité"], 2, "Étape visée", 9)  # beyond the scale
    report = import_workbook(edition, read_upload("plan.xlsx", saved(book)), apply=True)
    assert not report.applied
    assert [(p.sheet, p.row, p.column) for p in report.problems] == [("Maturité", 2, "Étape visée")]


def test_a_sheet_without_its_companion_is_refused(edition):
    book = workbook(edition)
    del book["Sujets"]
    report = import_workbook(edition, read_upload("plan.xlsx", saved(book)), apply=False)
    assert [(p.sheet, p.message) for p in report.problems] == [
        ("Sujets", "Feuille manquante : elle accompagne la feuille « Sections »."),
    ]


def test_a_plan_is_started_from_a_workbook(edition, tmp_path):
    """A plan of another shape goes into a body as a JSON document, out as a workbook, and
    into a third body's empty edition from that workbook alone: the same plan."""
    document = shaped_plan()
    (tmp_path / "plan.json").write_text(json.dumps(document), encoding="utf-8")
    sqe = other_body()
    call_command("import_plan", str(tmp_path / "plan.json"), body="SQE", edition="2024-2025")
    source = Edition.objects.get(body=sqe, fiscal_year="2024-2025")
    data = export_workbook(source)
    third = other_body("TRO", "Troisième organisme")
    Unit.objects.create(body=third, acronym="DTN", name="Direction du numérique")
    (tmp_path / "plan.xlsx").write_bytes(data)

    # The body has no 2024-2025 edition: the command starts it from the workbook.
    call_command("import_plan", str(tmp_path / "plan.xlsx"), body="TRO", edition="2024-2025")

    empty = Edition.objects.get(body=third, fiscal_year="2024-2025")
    assert empty.status == Edition.Status.DRAFT

    started, expected = comparable(export_document(empty)), comparable(export_document(source))
    # The workbook has no sheet of dependencies between initiatives (the JSON document has).
    for initiative in expected["initiatives"]:
        initiative["dependencies"] = []
    assert started == expected
    keys = list(
        Section.objects.filter(edition=empty).order_by("order").values_list("key", flat=True)
    )
    assert keys == ["mot-de-la-presidente", "portrait", "donnees-ouvertes"]


def test_a_frozen_edition_refuses_the_structure_sheets(db):
    frozen = body_with_edition(status=Edition.Status.RECOMMENDED)
    from roadmap.models import EditionFrozenError

    with pytest.raises(EditionFrozenError):
        import_workbook(frozen, read_upload("plan.xlsx", export_workbook(frozen)), apply=True)
