"""The dashboard's content as sheets of the plan's workbook (issue 14): « Tableau de bord »,
« Risques principaux », « Indicateurs hors trajectoire », « Jalons en retard ». Exported with the
figures of the dashboard (the period it opens on, the roadmap's filters), read back with
openpyxl; information only, so the import passes over them."""

import datetime
import html as html_lib
import io
import re
from decimal import Decimal

import openpyxl
from django.urls import reverse

from benefits.models import Benefit, Indicator, Measurement
from followup.dashboard import build, choose_period
from followup.demo import add_generated_reports
from followup.models import ProgressReport
from initiatives.models import Initiative, InitiativeRisk, Milestone
from roadmap.demo.generate import add_generated_initiatives
from roadmap.exchange.files import read_upload
from roadmap.exchange.workbook import export_workbook, import_workbook
from tests.test_exchange_workbook import rows, saved, set_cell

BODY, YEAR = "meie", "2023-2024"
MARCH = datetime.datetime(2024, 3, 31)  # the demo's last period ended: the dashboard's default
SHEETS = [
    "Tableau de bord",
    "Risques principaux",
    "Indicateurs hors trajectoire",
    "Jalons en retard",
]
ENGLISH = ["Dashboard", "Top risks", "Off-trajectory indicators", "Late milestones"]


# What the dashboard's « Classeur Excel » link asks for (empty: the period the page opens on).
WITH_PROGRESS = {"periode": ""}


def workbook(edition, lang: str = "fr", **options) -> openpyxl.Workbook:
    data = export_workbook(edition, lang=lang, options={**WITH_PROGRESS, **options})
    return openpyxl.load_workbook(io.BytesIO(data))


def dashboard(edition):
    periods = list(edition.reporting_periods.all())
    return build(edition, edition.initiatives.all(), choose_period(periods, None), periods)


def by_code(sheet) -> dict[str, dict]:
    return {r["Code de l'initiative"]: r for r in rows(sheet)}


def test_the_sheets_follow_the_progress_reports_at_the_end_of_the_workbook(edition):
    assert workbook(edition).sheetnames[-5:] == ["Bilans d'étape", *SHEETS]


def test_the_plans_own_export_keeps_its_sheets_and_the_dashboard_asks_for_the_progress(
    reader_client, edition
):
    """As the PDF's annex: the plan's export (the roadmap's link) has no dashboard sheets; the
    dashboard's link asks for them, for the period it shows and with its filters."""
    plain = openpyxl.load_workbook(io.BytesIO(export_workbook(edition)))
    assert plain.sheetnames[-1] == "Bilans d'étape" and not set(SHEETS) & set(plain.sheetnames)

    page = reader_client.get(
        reverse("followup:dashboard", args=[BODY, YEAR]) + "?periode=2023-09-30&q=SDM"
    ).content.decode()
    link = re.search(r'href="([^"]+)">Classeur Excel du plan', page)
    assert link, "the dashboard links to the workbook with the progress"
    response = reader_client.get(html_lib.unescape(link.group(1)))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert list(by_code(book["Tableau de bord"])) == ["2.2.3"]
    ends = {r["Fin de la période"] for r in rows(book["Tableau de bord"])}
    assert ends == {datetime.datetime(2023, 9, 30)}


def test_the_dashboard_sheet_holds_every_initiative_with_the_dashboards_figures(edition):
    found = by_code(workbook(edition)["Tableau de bord"])
    board = dashboard(edition)

    assert list(found) == [row.initiative.code for row in board.rows]
    assert {r["Fin de la période"] for r in found.values()} == {MARCH}
    # The demo's divergent report: declared green, derived red, flagged, with its justification.
    sdm = found["2.2.3"]
    assert (sdm["Santé déclarée : globale"], sdm["Santé calculée : globale"]) == ("Vert", "Rouge")
    assert sdm["Écart à justifier"] == "Oui"
    assert sdm["Justification de l'écart"].startswith("Le report touche un module secondaire")
    assert sdm["Statut du bilan"] == "Soumis"
    assert (sdm["Orientation"], sdm["Ambition"]) == (2, "2.2")
    assert sdm["Fin planifiée"] == datetime.datetime(2025, 3, 31)
    assert sdm["Fin prévue"] == datetime.datetime(2025, 9, 30)
    assert [c for c, r in found.items() if r["Écart à justifier"] == "Oui"] == ["2.2.3"]
    # An initiative without a report of the period: « Manquant », no health invented.
    missing = found["1.1.2"]
    assert missing["Statut du bilan"] == "Manquant"
    assert missing["Santé déclarée : globale"] is None
    assert missing["Santé calculée : globale"] is None
    # The same figures as the records (numbers, that a spreadsheet sums).
    reports = ProgressReport.objects.filter(period__end_date=MARCH.date(), period__edition=edition)
    assert sum(r["Estimation à l'achèvement ($)"] or 0 for r in found.values()) == board.eac_total
    assert board.eac_total == sum(r.estimate_at_completion or 0 for r in reports) == 1_760_000
    assert sum(r["Coûts réels à date ($)"] or 0 for r in found.values()) == 970_000
    assert sum(r["Bénéfices prévus ($)"] for r in found.values()) == board.planned_benefits_total
    assert sum(r["Bénéfices réalisés ($)"] for r in found.values()) == board.realized_benefits_total
    for row in board.rows:
        sheet_row = found[row.initiative.code]
        assert sheet_row["Avancement (%)"] == (row.report.percent_done if row.report else None)
        assert sheet_row["Budget autorisé ($)"] == row.initiative.budget
    # The health matrix is this sheet counted by ambition and colour.
    cell = next(c for _o, ambitions in board.matrix for a, c in ambitions if a.code == "2.2")
    assert len(cell.derived["red"]) == sum(
        1
        for r in found.values()
        if r["Ambition"] == "2.2" and r["Santé calculée : globale"] == "Rouge"
    )


def test_the_cost_variance_late_milestones_and_off_trajectory_indicators_are_numbers(edition):
    pslu = Initiative.objects.get(edition=edition, code="1.1.1")
    pslu.budget = 1_200_000  # the draft's estimate at completion: 1 500 000 $, 25 % over
    pslu.save(update_fields=["budget"])
    Milestone.objects.create(
        initiative=pslu, title="Appel d'offres", due_date=datetime.date(2023, 12, 31)
    )
    Milestone.objects.create(
        initiative=pslu, title="Prototype", due_date=datetime.date(2024, 6, 30)
    )
    benefit = Benefit.objects.create(initiative=pslu, description="Délais", measurable=True)
    indicator = Indicator.objects.create(
        benefit=benefit,
        name="Demandes traitées en ligne",
        unit="%",
        baseline=Decimal("50"),
        target=Decimal("90"),
        threshold=Decimal("80"),
        baseline_date=datetime.date(2023, 4, 1),
        target_date=datetime.date(2025, 4, 1),
    )
    Measurement.objects.create(
        indicator=indicator, measured_on=datetime.date(2024, 3, 1), value=Decimal("55")
    )
    book = workbook(edition)

    row = by_code(book["Tableau de bord"])["1.1.1"]
    assert row["Budget autorisé ($)"] == 1_200_000
    assert row["Écart de coût (%)"] == 25.0
    assert (row["Jalons en retard"], row["Indicateurs hors trajectoire"]) == (1, 1)
    assert row["Santé calculée : globale"] == "Rouge" and row["Écart à justifier"] == "Oui"
    assert rows(book["Jalons en retard"]) == [
        {"Fin de la période": MARCH, "Code de l'initiative": "1.1.1", "Jalon": "Appel d'offres",
         "Échéance": datetime.datetime(2023, 12, 31), "Jours de retard": 91},
    ]  # fmt: skip
    (off,) = rows(book["Indicateurs hors trajectoire"])
    assert (off["Fin de la période"], off["Code de l'initiative"], off["Indicateur"]) == (
        MARCH, "1.1.1", "Demandes traitées en ligne",
    )  # fmt: skip
    assert off["Date de la mesure"] == datetime.datetime(2024, 3, 1)
    assert off["Valeur mesurée"] == 55 and off["Cible"] == 90
    assert off["Valeur attendue"] == float(indicator.expected_at(datetime.date(2024, 3, 1)))
    assert off["Valeur tolérée"] == float(indicator.tolerated_at(datetime.date(2024, 3, 1)))
    assert off["Valeur mesurée"] < off["Valeur tolérée"] < off["Valeur attendue"]


def test_the_top_risks_sheet_is_the_dashboards_ten_highest(edition):
    sdm = Initiative.objects.get(edition=edition, code="2.2.3")
    for n in range(8):
        InitiativeRisk.objects.create(
            initiative=sdm, title=f"Risque {n}", probability=5, impact=1 + n % 3
        )
    InitiativeRisk.objects.create(
        initiative=sdm, title="Fermé", probability=5, impact=5, status="closed"
    )

    found = rows(workbook(edition)["Risques principaux"])

    top = dashboard(edition).top_risks
    assert len(found) == len(top) == 10
    assert [(r["Rang"], r["Risque"], r["Cote"]) for r in found] == [
        (n, risk.title, risk.score) for n, risk in enumerate(top, start=1)
    ]
    assert [r["Cote"] for r in found] == sorted((r["Cote"] for r in found), reverse=True)
    assert "Fermé" not in {r["Risque"] for r in found}
    plan = next(r for r in found if r["Initiative"] == "Plan")
    assert (plan["Probabilité"], plan["Impact"], plan["Cote"]) == (4, 4, 16)
    assert plan["Responsable du risque"] == "Direction générale des ressources"
    assert plan["État"] == "Ouvert"
    assert plan["Prochaine revue"] == datetime.datetime(2024, 1, 31)
    assert plan["Revue en retard"] == "Oui"  # a date passed, the risk still open
    assert {r["Initiative"] for r in found} == {"Plan", "2.1.3", "2.2.3"}


def test_an_english_workbook_names_the_sheets_columns_and_values_in_english(edition):
    book = workbook(edition, lang="en")

    assert book.sheetnames[-4:] == ENGLISH
    assert not set(SHEETS) & set(book.sheetnames)
    found = {r["Initiative code"]: r for r in rows(book["Dashboard"])}
    sdm = found["2.2.3"]
    assert (sdm["Declared health: overall"], sdm["Derived health: overall"]) == ("Green", "Red")
    assert (sdm["Divergence flagged"], sdm["Report status"]) == ("Yes", "Submitted")
    assert found["1.1.2"]["Report status"] == "Missing"
    assert found["1.1.2"]["Divergence flagged"] == "No"
    assert sdm["Period end"] == MARCH
    risk = rows(book["Top risks"])[0]
    assert (risk["Rank"], risk["Initiative"], risk["Score"], risk["Status"]) == (
        1,
        "Plan",
        16,
        "Open",
    )
    assert [c.value for c in book["Late milestones"][1]] == [
        "Period end", "Initiative code", "Milestone", "Due date", "Days late",
    ]  # fmt: skip


def test_the_exported_workbook_imports_back_with_no_problem_and_no_change(edition):
    for lang in ("fr", "en"):
        report = import_workbook(
            edition,
            read_upload("plan.xlsx", export_workbook(edition, lang=lang, options=WITH_PROGRESS)),
            apply=False,
        )
        assert not report.problems, report.problems
        assert report.change_count == 0
        # Passed over: no summary of theirs in the preview.
        assert not {s.name for s in report.sheets} & {*SHEETS, *ENGLISH}


def test_an_edited_progress_report_imports_and_edits_to_the_information_sheets_are_ignored(edition):
    book = workbook(edition)
    reports = book["Bilans d'étape"]
    header = [c.value for c in reports[1]]
    number = next(
        n for n, r in enumerate(reports.iter_rows(min_row=2, values_only=True), start=2)
        if r[0] == "1.1.1" and r[1] == MARCH
    )  # fmt: skip
    set_cell(reports, number, "Avancement (%)", 70)
    set_cell(book["Tableau de bord"], 2, "Avancement (%)", 99)  # a person's note, not read
    book["Tableau de bord"].append(["n'importe quoi"])
    assert header[0] == "Code de l'initiative"

    report = import_workbook(edition, read_upload("plan.xlsx", saved(book)), apply=True)

    assert not report.problems, report.problems
    assert report.applied and report.change_count == 1
    draft = ProgressReport.objects.get(initiative__code="1.1.1", period__end_date=MARCH.date())
    assert draft.percent_done == 70


def test_a_workbook_of_information_sheets_only_has_nothing_to_import(edition):
    book = workbook(edition)
    for name in book.sheetnames:
        if name not in SHEETS:
            del book[name]

    report = import_workbook(edition, read_upload("plan.xlsx", saved(book)), apply=False)

    assert [p.message for p in report.problems] == [
        "Le fichier ne contient aucune feuille du plan."
    ]


def test_the_import_page_names_the_information_sheets_apart(coordinator_client):
    response = coordinator_client.get(reverse("roadmap:import", args=[BODY, YEAR]))
    assert "Bilans d'étape" in response.context["sheets"]
    assert not set(SHEETS) & set(response.context["sheets"])
    assert response.context["information"] == SHEETS
    page = response.content.decode()
    assert "laissées de côté" in page and "Risques principaux" in page


def test_a_filtered_export_has_the_dashboard_of_the_filtered_initiatives(reader_client, edition):
    response = reader_client.get(reverse("roadmap:export", args=[BODY, YEAR]) + "?q=SDM&periode=")
    book = openpyxl.load_workbook(io.BytesIO(response.content))

    assert list(by_code(book["Tableau de bord"])) == ["2.2.3"]
    page = reader_client.get(reverse("followup:dashboard", args=[BODY, YEAR]) + "?q=SDM")
    board = page.context["board"]
    assert [r["Risque"] for r in rows(book["Risques principaux"])] == [
        r.title for r in board.top_risks
    ]
    assert {r["Initiative"] for r in rows(book["Risques principaux"])} <= {"Plan", "2.2.3"}


def test_the_export_reads_the_dashboard_once_in_queries_that_do_not_grow(
    edition, django_assert_max_num_queries, django_assert_num_queries
):
    with django_assert_max_num_queries(150) as demo:
        export_workbook(edition, options=WITH_PROGRESS)
    add_generated_initiatives(edition, 30)
    add_generated_reports(edition, periods=4)
    assert edition.initiatives.count() > 40

    with django_assert_num_queries(len(demo.captured_queries)):
        data = export_workbook(edition, options=WITH_PROGRESS)

    book = openpyxl.load_workbook(io.BytesIO(data))
    assert len(rows(book["Tableau de bord"])) == edition.initiatives.count()
    # The four sheets come from one build: the period's reports are read once for them.
    builds = [
        q["sql"]
        for q in demo.captured_queries
        if '"followup_progressreport"."initiative_id" IN' in q["sql"]
    ]
    assert len(builds) == 1, builds
