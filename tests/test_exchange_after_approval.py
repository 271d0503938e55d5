"""The workbook's import into an approved plan (issue 14): leads bring their follow-up back from
the workbook during the year — progress reports, measurements, realized amounts, risks'
follow-up — while every other change is refused at its row and column, all or nothing."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from benefits.models import BenefitYear, Measurement
from followup.models import ProgressReport
from initiatives.models import Initiative, InitiativeRisk
from roadmap.exchange.document import export_json
from roadmap.exchange.files import read_upload
from roadmap.exchange.workbook import import_workbook
from roadmap.models import Edition, EditionFrozenError, PlanRisk, Section
from tests.personas import client_for
from tests.test_exchange_followup import MARCH, report_row, workbook
from tests.test_exchange_workbook import append, find_row, rows, saved, set_cell
from tests.test_follow_up_after_approval import followed, indicator_of  # noqa: F401
from tests.test_workflow import BODY, YEAR, move_to

REPORTS = "Bilans d'étape"
APPROVED = "Le plan est approuvé"


def imported(edition, book, apply: bool = True):
    return import_workbook(edition, read_upload("plan.xlsx", saved(book)), apply=apply)


def year_of(edition) -> BenefitYear:
    return BenefitYear.objects.get(benefit__initiative__edition=edition, fiscal_year="2023-2024")


def march_report() -> ProgressReport:
    return ProgressReport.objects.get(initiative__code="1.1.1", period__end_date=MARCH.date())


def year_row(sheet) -> int:
    """The row of initiative 1.1.1's yearly amount (its benefit added by ``followed``)."""
    header = [c.value for c in sheet[1]]
    code, year = header.index("Code de l'initiative"), header.index("Exercice")
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if row[code] == "1.1.1" and row[year] == "2023-2024":
            return number
    raise LookupError("2023-2024")


def follow_up_edits(edition):
    """The exported workbook with a progress report's narrative, a realized amount and a new
    measurement edited, as a lead does during the year."""
    book = workbook(edition)
    set_cell(
        book[REPORTS], report_row(book[REPORTS], "1.1.1", MARCH), "Faits saillants", "Pilote lancé"
    )
    set_cell(
        book["Montants annuels"], year_row(book["Montants annuels"]), "Montant réalisé ($)", 450
    )
    indicator = indicator_of(edition)
    append(
        book["Mesures"],
        {
            "Code de l'initiative": "1.1.1",
            "N° du bénéfice": indicator.benefit.order,
            "N° de l'indicateur": indicator.order,
            "Date de la mesure": datetime.datetime(2023, 9, 30),
            "Valeur": 61.5,
            "Remarque": "T2",
        },
    )
    return book


def test_the_exported_workbook_of_an_approved_plan_imports_unchanged(followed):  # noqa: F811
    report = imported(followed, workbook(followed))

    assert report.problems == []
    assert report.applied and report.change_count == 0


def test_an_approved_plan_takes_its_follow_up_from_the_workbook_with_history(followed):  # noqa: F811
    book = follow_up_edits(followed)
    reports_history = march_report().history.count()
    year_history = year_of(followed).history.count()

    report = imported(followed, book)

    assert report.problems == []
    assert report.applied and report.change_count == 3
    progress = march_report()
    assert progress.narrative == "Pilote lancé"
    assert progress.history.count() == reports_history + 1
    year = year_of(followed)
    assert (year.planned, year.realized) == (500, 450)
    assert year.history.count() == year_history + 1
    measurement = Measurement.objects.get(indicator=indicator_of(followed))
    assert (measurement.measured_on, measurement.value) == (
        datetime.date(2023, 9, 30),
        Decimal("61.5"),
    )
    assert measurement.history.count() == 1


def test_a_changed_title_is_refused_at_its_cell_and_nothing_is_written(followed):  # noqa: F811
    book = follow_up_edits(followed)
    number = find_row(book["Initiatives"], "Code", "1.1.1")
    set_cell(book["Initiatives"], number, "Titre", "Un autre titre")
    narrative = march_report().narrative

    report = imported(followed, book)

    assert not report.applied
    assert [(p.sheet, p.row, p.column) for p in report.problems] == [
        ("Initiatives", number, "Titre")
    ]
    assert report.problems[0].message.startswith(APPROVED + " : cette feuille ne peut plus")
    assert Initiative.objects.get(edition=followed, code="1.1.1").title != "Un autre titre"
    assert march_report().narrative == narrative
    assert year_of(followed).realized is None
    assert not Measurement.objects.filter(indicator=indicator_of(followed)).exists()


def test_a_planned_amount_is_refused_where_the_realized_one_is_accepted(followed):  # noqa: F811
    book = workbook(followed)
    number = year_row(book["Montants annuels"])
    set_cell(book["Montants annuels"], number, "Montant prévu ($)", 900)
    set_cell(book["Montants annuels"], number, "Montant réalisé ($)", 450)

    report = imported(followed, book)

    assert [(p.sheet, p.row, p.column, p.message) for p in report.problems] == [
        (
            "Montants annuels",
            number,
            "Montant prévu ($)",
            "Le plan est approuvé : seule la colonne « Montant réalisé ($) » peut encore "
            "changer dans cette feuille.",
        )
    ]
    assert (year_of(followed).planned, year_of(followed).realized) == (500, None)


def test_a_new_row_of_a_plan_sheet_is_refused_at_its_key(followed):  # noqa: F811
    book = workbook(followed)
    benefit = year_of(followed).benefit
    append(
        book["Montants annuels"],
        {"Code de l'initiative": "1.1.1", "N° du bénéfice": benefit.order, "Exercice": "2024-2025",
         "Montant réalisé ($)": 10},
    )  # fmt: skip
    number = book["Montants annuels"].max_row

    report = imported(followed, book)

    assert [(p.sheet, p.row, p.column) for p in report.problems] == [
        ("Montants annuels", number, "Exercice")
    ]
    assert "on ne peut plus ajouter de ligne" in report.problems[0].message
    assert benefit.years.count() == 1


def test_a_risks_follow_up_is_imported_and_its_title_is_not(followed):  # noqa: F811
    book = workbook(followed)
    sheet = book["Risques"]
    first = rows(sheet)[0]
    risk = InitiativeRisk.objects.get(
        initiative__edition=followed,
        initiative__code=first["Code de l'initiative"],
        order=first["N° du risque"],
    )
    probability = (risk.probability or 0) % 5 + 1  # another score than the demo's
    set_cell(sheet, 2, "Probabilité (1 à 5)", probability)
    set_cell(sheet, 2, "Responsable du risque", "Équipe du projet")
    assert imported(followed, book).problems == []
    risk.refresh_from_db()
    assert (risk.probability, risk.owner) == (probability, "Équipe du projet")

    set_cell(sheet, 2, "Risque", "Autre risque")
    report = imported(followed, book)
    assert [(p.sheet, p.row, p.column) for p in report.problems] == [("Risques", 2, "Risque")]
    assert "« Probabilité (1 à 5) », « Impact (1 à 5) »" in report.problems[0].message


def test_the_plan_risks_follow_up_is_imported_and_the_structure_stays(followed):  # noqa: F811
    risk = PlanRisk.objects.filter(edition=followed).first()  # the demo's
    book = workbook(followed)
    number = find_row(book["Risques du plan"], "N° du risque", risk.order)
    impact = (risk.impact or 0) % 5 + 1  # another score than the demo's
    set_cell(book["Risques du plan"], number, "Impact (1 à 5)", impact)
    report = imported(followed, book)
    assert report.problems == []
    assert report.change_count == 1
    assert PlanRisk.objects.get(pk=risk.pk).impact == impact

    set_cell(book["Risques du plan"], number, "Risque", "Autre")
    section = find_row(book["Sections"], "Clé", Section.objects.filter(edition=followed)[0].key)
    set_cell(book["Sections"], section, "Titre", "Nouveau titre")
    vision = find_row(book["Plan"], "Champ", "Énoncé de vision")
    set_cell(book["Plan"], vision, "Valeur", "Une autre vision")
    report = imported(followed, book)

    assert sorted((p.sheet, p.row, p.column) for p in report.problems) == [
        ("Plan", vision, "Valeur"),
        ("Risques du plan", number, "Risque"),
        ("Sections", section, "Titre"),
    ]
    assert all(p.message.startswith(APPROVED) for p in report.problems)
    assert PlanRisk.objects.get(pk=risk.pk).title == risk.title


def test_a_transmitted_plan_says_so(followed):  # noqa: F811
    move_to(followed, Edition.Status.TRANSMITTED)
    book = workbook(followed)
    set_cell(book["Initiatives"], 2, "Titre", "Un autre titre")

    report = imported(followed, book)

    assert report.problems[0].message.startswith("Le plan est transmis : ")


def test_a_recommended_plan_refuses_the_import_as_a_whole(followed):  # noqa: F811
    book = follow_up_edits(followed)
    move_to(followed, Edition.Status.RECOMMENDED)

    with pytest.raises(EditionFrozenError, match="recommandée ou approuvée"):
        imported(followed, book)
    assert march_report().narrative != "Pilote lancé"


def test_the_coordinator_imports_the_follow_up_of_an_approved_plan_from_the_page(followed):  # noqa: F811
    coordinator = client_for("coordonnateur")
    page = coordinator.get(reverse("roadmap:import", args=[BODY, YEAR]))
    assert page.status_code == 200
    assert "seul le suivi" in page.content.decode()
    upload = SimpleUploadedFile("plan.xlsx", saved(follow_up_edits(followed)))

    preview = coordinator.post(reverse("roadmap:import", args=[BODY, YEAR]), {"file": upload})
    assert preview.status_code == 200
    confirm = coordinator.post(
        reverse("roadmap:import_confirm", args=[BODY, YEAR]), {"token": preview.context["token"]}
    )

    assert confirm.status_code == 302
    assert year_of(followed).realized == 450
    assert march_report().narrative == "Pilote lancé"


def test_the_lead_still_cannot_import_into_an_approved_plan(followed):  # noqa: F811
    response = client_for("responsable").get(reverse("roadmap:import", args=[BODY, YEAR]))
    assert response.status_code == 403


def test_a_json_document_is_refused_by_the_page_of_an_approved_plan(followed):  # noqa: F811
    upload = SimpleUploadedFile("plan.json", b"{}")
    response = client_for("coordonnateur").post(
        reverse("roadmap:import", args=[BODY, YEAR]), {"file": upload}
    )
    assert response.status_code == 422
    assert "document JSON" in response.context["form"].errors["file"][0]


def test_the_command_refuses_a_json_document_into_an_approved_plan_and_says_why(
    followed,  # noqa: F811
    tmp_path,
):
    path = tmp_path / "plan.json"
    path.write_bytes(export_json(followed))

    with pytest.raises(CommandError, match="Importez le classeur"):
        call_command("import_plan", str(path), body="MEIE", edition=YEAR)


def test_the_command_imports_the_follow_up_of_an_approved_plan(followed, tmp_path):  # noqa: F811
    path = tmp_path / "plan.xlsx"
    path.write_bytes(saved(follow_up_edits(followed)))

    call_command("import_plan", str(path), body="MEIE", edition=YEAR, stdout=io.StringIO())

    assert year_of(followed).realized == 450
