"""Benchmark of the workbook and of the JSON document (ptn-plan/1): export, then preview and
apply an import, for a plan of 1,000 initiatives with 3,000 benefit and indicator rows. Prints
figures; asserts nothing.

    .venv/bin/python bench/import_export.py

Runs on a throw-away SQLite database (or DATABASE_URL if set), never the developer's data.
"""

import io
import time

from _setup import demo_database


def main() -> None:
    demo_database()
    import openpyxl
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from benefits.models import Benefit, Indicator
    from roadmap.demo.generate import add_generated_initiatives
    from roadmap.exchange.document import export_json, import_document, read_document
    from roadmap.exchange.files import read_upload
    from roadmap.exchange.workbook import export_workbook
    from roadmap.exchange.workbook import import_workbook as run_import
    from roadmap.models import Edition

    edition = Edition.objects.select_related("body").get(body__slug="meie", fiscal_year="2023-2024")
    add_generated_initiatives(edition, 1000 - edition.initiatives.count())
    benefit_rows = Benefit.objects.filter(initiative__edition=edition).count()
    indicator_rows = Indicator.objects.filter(benefit__initiative__edition=edition).count()
    print(
        f"plan: {edition.initiatives.count()} initiatives, {benefit_rows} benefits, "
        f"{indicator_rows} indicators ({benefit_rows + indicator_rows} benefit and indicator rows)"
    )

    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        data = export_workbook(edition)
    print(
        f"export: {time.perf_counter() - start:.2f} s, {len(data):,} bytes, {len(queries)} queries"
    )

    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Initiatives"]
    for row in range(2, 102):  # change 100 titles
        sheet.cell(row=row, column=3).value = f"{sheet.cell(row=row, column=3).value} (révisé)"
    buffer = io.BytesIO()
    book.save(buffer)
    changed = buffer.getvalue()

    start = time.perf_counter()
    sheets = read_upload("plan.xlsx", changed)
    read_time = time.perf_counter() - start
    reset_queries()
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        preview = run_import(edition, sheets, apply=False)
    preview_time = time.perf_counter() - start
    print(
        f"preview: read {read_time:.2f} s + check {preview_time:.2f} s, "
        f"{preview.change_count} changes, {len(preview.problems)} problems, {len(queries)} queries"
    )
    start = time.perf_counter()
    applied = run_import(edition, sheets, apply=True)
    apply_time = time.perf_counter() - start
    print(f"apply: {apply_time:.2f} s, applied={applied.applied}")
    print(f"preview + apply: {read_time + preview_time + apply_time:.2f} s")

    # The whole edition as a JSON document: export, then the same 100 titles changed.
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        data = export_json(edition)
    print(
        f"json export: {time.perf_counter() - start:.2f} s, {len(data):,} bytes, "
        f"{len(queries)} queries"
    )
    document = read_document(data)
    for initiative in document["initiatives"][:100]:
        initiative["title"] += " (révisé en JSON)"
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        preview = import_document(edition, document, apply=False)
    print(
        f"json preview: {time.perf_counter() - start:.2f} s, {preview.change_count} changes, "
        f"{len(preview.problems)} problems, {len(queries)} queries"
    )
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        applied = import_document(edition, document, apply=True)
    print(
        f"json apply: {time.perf_counter() - start:.2f} s, applied={applied.applied}, "
        f"{len(queries)} queries"
    )


if __name__ == "__main__":
    main()
