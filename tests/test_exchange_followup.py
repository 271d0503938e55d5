"""The workbook's « Bilans d'étape » sheet (issue 14): the progress reports exported with the
plan, read back with openpyxl, edited in a spreadsheet and imported with the other sheets, all
or nothing, the guard and the review's states holding."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from followup.demo import add_generated_reports
from followup.models import ProgressReport
from initiatives.models import Initiative
from roadmap.exchange.files import read_upload
from roadmap.exchange.workbook import export_workbook, import_workbook
from tests.test_exchange_workbook import find_row, rows, saved, set_cell

SHEET = "Bilans d'étape"
BODY, YEAR = "meie", "2023-2024"
MARCH = datetime.datetime(2024, 3, 31)


def workbook(edition, lang: str = "fr") -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(export_workbook(edition, lang=lang)))


def report_row(sheet, code: str, end: datetime.datetime) -> int:
    header = [c.value for c in sheet[1]]
    code_at, end_at = header.index(header[0]), header.index(header[1])
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if row[code_at] == code and row[end_at] == end:
            return number
    raise LookupError((code, end))


def imported(edition, book, apply: bool = True):
    return import_workbook(edition, read_upload("plan.xlsx", saved(book)), apply=apply)


def demo_report(code: str, end: datetime.date) -> ProgressReport:
    return ProgressReport.objects.get(initiative__code=code, period__end_date=end)


def test_the_export_holds_the_demos_reports_with_both_healths(edition):
    sheet = workbook(edition)[SHEET]

    found = rows(sheet)
    expected = ProgressReport.objects.filter(period__edition=edition)
    assert len(found) == expected.count() == 4
    submitted = next(r for r in found if r["Code de l'initiative"] == "2.2.3")
    assert submitted["Fin de la période"] == MARCH
    assert submitted["Statut du bilan"] == "Soumis"
    assert submitted["Avancement (%)"] == 60
    assert submitted["Estimation à l'achèvement ($)"] == 260_000
    assert submitted["Fin prévue"] == datetime.datetime(2025, 9, 30)
    # Declared green, derived red: both are in the file, never only the declared one.
    assert submitted["Santé déclarée : échéancier"] == "Vert"
    assert submitted["Santé calculée : échéancier"] == "Rouge"
    assert submitted["Justification de l'écart"].startswith("Le report touche")


def test_an_english_workbook_has_the_sheet_and_columns_in_english(edition):
    book = workbook(edition, lang="en")

    assert "Progress reports" in book.sheetnames and SHEET not in book.sheetnames
    header = [c.value for c in book["Progress reports"][1]]
    assert header[:3] == ["Initiative code", "Period end", "Report status"]
    assert "Derived health: overall" in header
    statuses = {r["Report status"] for r in rows(book["Progress reports"])}
    assert statuses == {"Accepted", "Submitted", "Draft"}


def test_an_edited_draft_row_and_a_new_row_are_imported_with_their_history(edition):
    draft = demo_report("1.1.1", MARCH.date())
    before_version, before_history = draft.version, draft.history.count()
    book = workbook(edition)
    sheet = book[SHEET]
    number = report_row(sheet, "1.1.1", MARCH)
    set_cell(sheet, number, "Avancement (%)", 70)
    set_cell(sheet, number, "Faits saillants", "Tous les programmes pilotes sont en ligne.")
    sheet.append(["2.1.3", datetime.datetime(2023, 9, 30), "", 10, "Démarrage"])

    report = imported(edition, book)

    assert not report.problems, report.problems
    assert report.applied
    draft.refresh_from_db()
    assert draft.percent_done == 70
    assert draft.narrative == "Tous les programmes pilotes sont en ligne."
    assert draft.version == before_version + 1
    assert draft.history.count() == before_history + 1
    assert draft.status == ProgressReport.Status.DRAFT
    new = demo_report("2.1.3", datetime.date(2023, 9, 30))
    assert (new.status, new.percent_done, new.phase) == ("draft", 10, "Démarrage")
    assert new.history.count() == 1
    summary = next(s for s in report.sheets if s.name == SHEET)
    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 3)


def test_the_same_workbook_again_changes_nothing(edition):
    report = imported(edition, workbook(edition))

    assert not report.problems and report.change_count == 0
    summary = next(s for s in report.sheets if s.name == SHEET)
    assert summary.unchanged == 4


def test_a_green_row_over_budget_without_justification_is_refused_at_its_cell(edition):
    Initiative.objects.filter(edition=edition, code="1.1.1").update(budget=1_000_000)
    draft = demo_report("1.1.1", MARCH.date())
    title = Initiative.objects.get(edition=edition, code="1.1.1").title
    book = workbook(edition)
    set_cell(book["Initiatives"], find_row(book["Initiatives"], "Code", "1.1.1"), "Titre", "Autre")
    sheet = book[SHEET]
    number = report_row(sheet, "1.1.1", MARCH)
    set_cell(sheet, number, "Estimation à l'achèvement ($)", 1_300_000)  # 30 % over budget
    set_cell(sheet, number, "Santé déclarée : coût", "Vert")
    set_cell(sheet, number, "Justification de l'écart", "")

    report = imported(edition, book)

    assert not report.applied
    problems = [(p.sheet, p.row, p.column) for p in report.problems]
    # The cost, and the overall health (the worst of the three), each at its cell.
    assert problems == [
        (SHEET, number, "Santé déclarée : coût"),
        (SHEET, number, "Santé déclarée : globale"),
    ]
    assert "meilleure que la santé calculée (Rouge)" in report.problems[0].message
    assert "justification" in report.problems[0].message
    # Nothing written: neither the report nor the initiative's title of the other sheet.
    draft.refresh_from_db()
    assert draft.estimate_at_completion == 1_500_000
    assert Initiative.objects.get(edition=edition, code="1.1.1").title == title

    set_cell(sheet, number, "Justification de l'écart", "Hausse des coûts du fournisseur.")
    report = imported(edition, book)
    assert not report.problems and report.applied
    draft.refresh_from_db()
    assert draft.estimate_at_completion == 1_300_000


def test_a_submitted_or_accepted_report_is_never_changed_by_an_import(edition):
    book = workbook(edition)
    sheet = book[SHEET]
    submitted = report_row(sheet, "2.2.3", MARCH)
    accepted = report_row(sheet, "1.1.1", datetime.datetime(2023, 9, 30))
    set_cell(sheet, submitted, "Avancement (%)", 99)
    set_cell(sheet, accepted, "Phase en cours", "Autre")

    report = imported(edition, book)

    assert [(p.row, p.column) for p in report.problems] == [
        (accepted, "Statut du bilan"),
        (submitted, "Statut du bilan"),
    ] or [(p.row, p.column) for p in report.problems] == [
        (submitted, "Statut du bilan"),
        (accepted, "Statut du bilan"),
    ]
    assert any("accepté : un import ne peut plus" in p.message for p in report.problems)
    assert demo_report("2.2.3", MARCH.date()).percent_done == 60


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("Avancement (%)", 140, "100"),
        ("Avancement (%)", "beaucoup", "n'est pas un nombre entier"),
        ("Santé déclarée : portée", "Bleu", "n'est pas une santé permise"),
        ("Fin prévue", "bientôt", "n'est pas une date"),
        ("Fin de la période", datetime.datetime(2024, 1, 15), "Aucune période de suivi"),
        ("Code de l'initiative", "9.9.9", "Initiative inconnue"),
    ],
)
def test_a_bad_cell_is_reported_at_its_row_and_column(edition, column, value, message):
    book = workbook(edition)
    number = report_row(book[SHEET], "1.1.1", MARCH)
    set_cell(book[SHEET], number, column, value)

    report = imported(edition, book)

    assert [(p.sheet, p.row, p.column) for p in report.problems] == [(SHEET, number, column)]
    assert message in report.problems[0].message
    assert demo_report("1.1.1", MARCH.date()).percent_done == 55


def test_the_coordinator_previews_then_confirms_and_a_change_meanwhile_is_not_overwritten(
    edition, coordinator_client
):
    book = workbook(edition)
    number = report_row(book[SHEET], "1.1.1", MARCH)
    set_cell(book[SHEET], number, "Avancement (%)", 80)
    upload = SimpleUploadedFile("plan.xlsx", saved(book))
    preview = coordinator_client.post(
        reverse("roadmap:import", args=[BODY, YEAR]), {"file": upload}
    )
    assert preview.status_code == 200
    assert "Bilans d" in preview.content.decode()
    # The lead saves the draft between the preview and the confirmation.
    ProgressReport.objects.filter(pk=demo_report("1.1.1", MARCH.date()).pk).update(
        percent_done=65, version=99
    )

    confirm = coordinator_client.post(
        reverse("roadmap:import_confirm", args=[BODY, YEAR]), {"token": preview.context["token"]}
    )

    assert confirm.status_code == 409  # shown again, to be confirmed anew
    assert demo_report("1.1.1", MARCH.date()).percent_done == 65


def test_the_lead_cannot_import(lead_client):
    upload = SimpleUploadedFile("plan.xlsx", b"x")
    response = lead_client.post(reverse("roadmap:import", args=[BODY, YEAR]), {"file": upload})
    assert response.status_code == 403


def queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def test_the_sheets_queries_do_not_grow_with_the_number_of_reports(edition):
    book = workbook(edition)
    export_few = queries(lambda: export_workbook(edition))
    import_few = queries(lambda: imported(edition, book, apply=False))

    add_generated_reports(edition, periods=8)
    assert ProgressReport.objects.filter(period__edition=edition).count() > 50
    book = workbook(edition)

    assert queries(lambda: export_workbook(edition)) == export_few
    assert queries(lambda: imported(edition, book, apply=False)) == import_few
