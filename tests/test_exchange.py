"""Export and import through the pages and the management commands."""

import io
import re
from decimal import Decimal

import openpyxl
import openpyxl.utils
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db.models import F
from django.urls import reverse

from accounts import roles
from accounts.models import User
from benefits.models import Indicator, Measurement
from initiatives.models import Initiative
from roadmap.exchange.service import export_workbook
from tests.personas import give_roles
from tests.test_pages import text_of

YEAR = "2023-2024"
BODY = "meie"


def changed_export(edition, changes: dict) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(export_workbook(edition)))
    for (sheet, cell), value in changes.items():
        book[sheet][cell] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload_changed_export(client, edition, changes: dict):
    """The coordinator uploads the export with ``changes`` made to it: the preview page."""
    upload = SimpleUploadedFile("plan.xlsx", changed_export(edition, changes))
    return client.post(reverse("roadmap:import", args=[BODY, YEAR]), {"file": upload})


def test_reader_exports_the_roadmap_with_its_filters(reader_client):
    response = reader_client.get(
        reverse("roadmap:export", args=[BODY, YEAR]) + "?status=exploration"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="PTN-MEIE-2023-2024.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    codes = [row[0] for row in book["Initiatives"].iter_rows(min_row=2, values_only=True)]
    expected = sorted(
        Initiative.objects.filter(status="exploration").values_list("code", flat=True)
    )
    assert sorted(codes) == expected
    assert book["Initiatives"].freeze_panes == "A2"
    assert book["Initiatives"]["A1"].value == "Code" and book["Initiatives"]["C1"].value == "Titre"
    benefit_codes = {row[0] for row in book["Bénéfices"].iter_rows(min_row=2, values_only=True)}
    assert benefit_codes <= set(expected)


def test_csv_export_has_a_bom_and_semicolons(reader_client):
    response = reader_client.get(
        reverse("roadmap:export", args=[BODY, YEAR]) + "?format=csv&feuille=Initiatives"
    )
    assert response.content.startswith("\ufeff".encode())
    first_line = response.content.decode("utf-8-sig").splitlines()[0]
    assert first_line.startswith("Code;Ambition;Titre")


def test_only_the_coordinator_imports(reader_client, lead_client, outsider_client):
    url = reverse("roadmap:import", args=[BODY, YEAR])
    for client in (reader_client, lead_client, outsider_client):
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403


def test_upload_preview_then_confirm_applies_and_records_history(coordinator_client, edition):
    preview = upload_changed_export(
        coordinator_client, edition, {("Initiatives", "C2"): "Titre venu du tableur"}
    )
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "1 changement à appliquer." in page and "Titre venu du tableur" in page
    pslu = Initiative.objects.get(edition=edition, code="1.1.1")
    assert pslu.title != "Titre venu du tableur"  # nothing written before confirmation
    token = preview.context["token"]
    done = coordinator_client.post(
        reverse("roadmap:import_confirm", args=[BODY, YEAR]), {"token": token}
    )
    assert done.status_code == 302
    pslu.refresh_from_db()
    assert pslu.title == "Titre venu du tableur"
    record = pslu.history.first()
    assert (
        record.history_user.username == "coordonnateur" and record.title == "Titre venu du tableur"
    )


def test_an_edit_made_between_preview_and_confirmation_is_not_overwritten(
    coordinator_client, edition
):
    preview = upload_changed_export(
        coordinator_client, edition, {("Initiatives", "C2"): "Titre venu du tableur"}
    )
    pslu = Initiative.objects.get(edition=edition, code="1.1.1")
    # Meanwhile, someone else changes the same title in the portal.
    Initiative.objects.filter(pk=pslu.pk).update(
        title="Titre changé par la DI", version=F("version") + 1
    )
    confirm = reverse("roadmap:import_confirm", args=[BODY, YEAR])

    again = coordinator_client.post(confirm, {"token": preview.context["token"]})

    assert again.status_code == 409
    page = text_of(again)
    assert "Le plan a changé depuis l'aperçu : rien n'a été importé." in page
    assert "Titre changé par la DI" in page and "Titre venu du tableur" in page
    pslu.refresh_from_db()
    assert pslu.title == "Titre changé par la DI"
    # Confirmed again, knowingly, on the fresh preview: applied.
    done = coordinator_client.post(confirm, {"token": again.context["token"]})
    assert done.status_code == 302
    pslu.refresh_from_db()
    assert pslu.title == "Titre venu du tableur"


def test_a_confirmation_without_the_preview_token_does_nothing(coordinator_client, edition):
    response = coordinator_client.post(
        reverse("roadmap:import_confirm", args=[BODY, YEAR]), {"token": "x"}, follow=True
    )
    assert "Cet aperçu n'est plus valide" in text_of(response)


def test_a_hostile_upload_is_refused_with_a_french_message(coordinator_client):
    upload = SimpleUploadedFile("plan.xlsx", b"%PDF-1.4 not a workbook")
    response = coordinator_client.post(
        reverse("roadmap:import", args=[BODY, YEAR]), {"file": upload}
    )
    assert response.status_code == 422
    assert "pas un classeur Excel (.xlsx) valide" in response.content.decode()


def test_a_file_with_errors_shows_them_and_offers_no_confirmation(coordinator_client, edition):
    response = upload_changed_export(
        coordinator_client, edition, {("Initiatives", "N2"): "deux millions"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "rien ne sera importé" in page and "Budget ($)" in page and "Confirmer" not in page
    assert "n&#x27;est pas un montant" in page


def test_commands_export_and_import(edition, tmp_path, capsys):
    output = tmp_path / "plan.xlsx"
    call_command("export_plan", edition=YEAR, output=str(output))
    call_command("import_plan", str(output), edition=YEAR, dry_run=True)
    # (French puts 0 in the singular; gettext only knows it once a French catalog has the
    # message, so either form is accepted here.)
    assert re.search(r"\b0 changements? \(aperçu seulement", capsys.readouterr().out)

    changed = tmp_path / "changed.xlsx"
    changed.write_bytes(changed_export(edition, {("Initiatives", "C2"): "Titre de la commande"}))
    call_command("import_plan", str(changed), edition=YEAR, dry_run=True)
    assert Initiative.objects.get(edition=edition, code="1.1.1").title != "Titre de la commande"
    call_command("import_plan", str(changed), edition=YEAR)
    assert Initiative.objects.get(edition=edition, code="1.1.1").title == "Titre de la commande"

    english = tmp_path / "plan-en.xlsx"
    capsys.readouterr()
    call_command("export_plan", edition=YEAR, output=str(english), language="en")
    assert openpyxl.load_workbook(english).sheetnames[:3] == ["Plan", "Initiatives", "Benefits"]
    call_command("import_plan", str(english), edition=YEAR, dry_run=True)
    # French puts 0 in the singular; without a French catalogue ngettext says « changements ».
    assert re.search(r"\b0 changements? \(aperçu seulement", capsys.readouterr().out)

    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(
        changed_export(edition, {("Initiatives", "C3"): "Autre", ("Initiatives", "N2"): "abc"})
    )
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("import_plan", str(broken), edition=YEAR)
    assert Initiative.objects.get(edition=edition, code="1.1.2").title != "Autre"


# --- The workbook in English; a workbook to work in ------------------------------------------


def in_english(client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


def header_row(sheet) -> list:
    return [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1))]


def row_of(sheet, code: str) -> dict:
    headers = header_row(sheet)
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[0] == code:
            return dict(zip(headers, row, strict=True))
    raise KeyError(code)


def test_the_english_interface_exports_english_headers_and_values(reader_client):
    in_english(reader_client)
    response = reader_client.get(reverse("roadmap:export", args=[BODY, YEAR]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))

    assert book.sheetnames == [
        "Plan", "Initiatives", "Benefits", "Yearly amounts", "Indicators", "Measurements", "Risks", "Mitigations",
        "Milestones", "Contributions", "Sections", "Topics", "Section items",
        "Strategic orientations", "Orientations", "Ambitions", "Maturity", "Maturity stages",
        "Radar", "Radar axes", "Plan risks", "Plan mitigations", "Progress reports",
    ]  # fmt: skip
    assert header_row(book["Initiatives"]) == [
        "Code", "Ambition", "Title", "Acronym", "Description", "Lead", "Unit", "Status",
        "Funded", "Qualified project", "Phase", "Horizon start", "Horizon end", "Budget ($)",
    ]  # fmt: skip
    pslu = row_of(book["Initiatives"], "1.1.1")
    assert (pslu["Status"], pslu["Funded"], pslu["Lead"]) == (
        "In progress",
        "Yes",
        "Démo Responsable d'initiative",
    )
    benefit = row_of(book["Benefits"], "1.1.1")
    assert (benefit["Type"], benefit["Measurable"]) == ("Financial", "No")
    assert row_of(book["Indicators"], "2.2.3")["Direction"] == "Downward"
    csv_export = reader_client.get(
        reverse("roadmap:export", args=[BODY, YEAR]) + "?format=csv&feuille=Bénéfices"
    )
    assert csv_export["Content-Disposition"].endswith('-Benefits.csv"')
    first_line = csv_export.content.decode("utf-8-sig").splitlines()[0]
    assert (
        first_line
        == "Initiative code;Benefit no.;Type;Benefit;Net amount ($);Horizon (years);Measurable"
    )


def test_an_english_workbook_imports_like_a_french_one(coordinator_client, edition):
    book = openpyxl.load_workbook(io.BytesIO(export_workbook(edition, lang="en")))
    sheet = book["Initiatives"]
    headers = header_row(sheet)
    sheet.cell(row=2, column=headers.index("Title") + 1).value = "Title from the spreadsheet"
    sheet.cell(row=2, column=headers.index("Status") + 1).value = "Suspended"
    sheet.cell(row=3, column=headers.index("Funded") + 1).value = "Yes"
    buffer = io.BytesIO()
    book.save(buffer)

    preview = coordinator_client.post(
        reverse("roadmap:import", args=[BODY, YEAR]),
        {"file": SimpleUploadedFile("plan.xlsx", buffer.getvalue())},
    )

    assert preview.status_code == 200
    report = preview.context["report"]
    assert report.problems == []
    initiatives = next(s for s in report.sheets if s.name == "Initiatives")
    assert (initiatives.updated, initiatives.unchanged) == (2, 12)  # the rest reads unchanged
    assert sum(s.updated + s.created for s in report.sheets) == 2
    coordinator_client.post(
        reverse("roadmap:import_confirm", args=[BODY, YEAR]), {"token": preview.context["token"]}
    )
    pslu = Initiative.objects.get(edition=edition, code="1.1.1")
    assert (pslu.title, pslu.status) == ("Title from the spreadsheet", "suspended")
    assert Initiative.objects.get(edition=edition, code="1.1.2").funded is True


def test_xlsx_sheets_have_a_filter_readable_widths_and_wrapped_long_texts(edition):
    book = openpyxl.load_workbook(io.BytesIO(export_workbook(edition)))
    for sheet in book.worksheets:
        last_column = openpyxl.utils.get_column_letter(sheet.max_column)
        assert sheet.auto_filter.ref == f"A1:{last_column}{max(sheet.max_row, 2)}", sheet.title
        for letter in (openpyxl.utils.get_column_letter(i + 1) for i in range(sheet.max_column)):
            assert 8 <= sheet.column_dimensions[letter].width <= 53, (sheet.title, letter)
    initiatives = book["Initiatives"]
    widths = {h: initiatives.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width
              for i, h in enumerate(header_row(initiatives))}  # fmt: skip
    assert widths["Code"] < 12 and widths["Titre"] >= 40 and widths["Responsable"] >= 25
    long_title = initiatives["C2"]  # 1.1.1's title is longer than its column
    assert len(long_title.value) > 60 and long_title.alignment.wrap_text
    assert not initiatives["A2"].alignment.wrap_text


def test_xlsx_numbers_are_stored_as_numbers(edition):
    pslu = edition.initiatives.get(code="1.1.1")
    pslu.budget = 2_500_000
    pslu.save()
    indicator = Indicator.objects.filter(benefit__initiative__code="2.2.3").first()
    indicator.baseline, indicator.target, indicator.threshold = Decimal("38.5"), 80, 60
    indicator.save()
    Measurement.objects.create(indicator=indicator, measured_on="2024-04-01", value="55.25")

    book = openpyxl.load_workbook(io.BytesIO(export_workbook(edition)))

    budget = book["Initiatives"].cell(row=2, column=14)
    assert (budget.value, budget.data_type) == (2_500_000, "n")
    amount = book["Bénéfices"]["E2"]
    assert (amount.value, amount.data_type) == (2_000_000, "n")
    row = next(r for r in book["Indicateurs"].iter_rows(min_row=2) if r[3].value == indicator.name)
    assert [(c.value, c.data_type) for c in row[6:9]] == [(38.5, "n"), (80, "n"), (60, "n")]
    assert (row[1].data_type, row[2].data_type) == ("n", "n")  # N° du bénéfice, de l'indicateur
    measurement = book["Mesures"]["E2"]
    assert (measurement.value, measurement.data_type) == (55.25, "n")
    assert book["Mesures"]["D2"].is_date


def test_the_lead_is_written_by_name_and_found_by_name_or_login(coordinator_client, edition):
    book = openpyxl.load_workbook(io.BytesIO(export_workbook(edition)))
    assert row_of(book["Initiatives"], "1.1.1")["Responsable"] == "Démo Responsable d'initiative"

    preview = upload_changed_export(
        coordinator_client,
        edition,
        {("Initiatives", "F3"): "démo coordonnateur ptn", ("Initiatives", "F4"): "di"},
    )
    assert preview.context["report"].problems == []
    coordinator_client.post(
        reverse("roadmap:import_confirm", args=[BODY, YEAR]), {"token": preview.context["token"]}
    )
    leads = dict(
        edition.initiatives.filter(code__in=["1.1.2", "1.2.1"]).values_list(
            "code", "lead__username"
        )
    )
    assert leads == {"1.1.2": "coordonnateur", "1.2.1": "di"}


def test_two_people_with_the_same_name_are_told_apart_by_login(coordinator_client, edition):
    homonym = User.objects.create_user(
        "homonyme", first_name="Démo", last_name="Responsable d'initiative"
    )
    give_roles(homonym, roles.READER)  # one of the MEIE's people too
    book = openpyxl.load_workbook(io.BytesIO(export_workbook(edition)))
    assert row_of(book["Initiatives"], "1.1.1")["Responsable"] == "responsable"

    preview = upload_changed_export(
        coordinator_client, edition, {("Initiatives", "F3"): "Démo Responsable d'initiative"}
    )
    assert preview.status_code == 422
    assert "Plusieurs personnes se nomment « Démo Responsable d'initiative »" in text_of(preview)
