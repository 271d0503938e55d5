"""Benchmark of the PDF report: render time and pages for the demo plan and for a plan of
200 more initiatives, and the time of a cached download. Prints figures; asserts nothing.

    .venv/bin/python bench/pdf.py

Runs on a throw-away SQLite database (or DATABASE_URL if set), never the developer's data.
"""

import os
import statistics
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    # Not this folder: bench/import_export.py would shadow the django-import-export library.
    sys.path[0] = str(root)
    work = Path(tempfile.mkdtemp(prefix="ptn-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ.setdefault("DEBUG", "1")
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptn.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from pypdf import PdfReader

    from accounts.models import User
    from roadmap.demo.generate import add_generated_initiatives
    from roadmap.models import Edition
    from roadmap.report import pdf_for_edition, render_pdf

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    edition = Edition.objects.get(fiscal_year="2023-2024")

    def measure(label: str, runs: int) -> None:
        times, pages = [], 0
        for _ in range(runs):
            start = time.perf_counter()
            pdf = render_pdf(edition)
            times.append(time.perf_counter() - start)
            pages = len(PdfReader(BytesIO(pdf)).pages)
        print(
            f"{label}: {pages} pages, render median {statistics.median(times):.2f} s "
            f"(min {min(times):.2f} s, max {max(times):.2f} s, {runs} runs), {len(pdf):,} bytes"
        )

    render_pdf(edition)  # start the forkserver once, as a running server would have
    measure("demo edition (14 initiatives)", runs=3)

    reader = User.objects.get(username="lecteur")
    reader.is_demo = False
    reader.save()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(reader)
    url = f"/plan/{edition.fiscal_year}/pdf/"
    start = time.perf_counter()
    pdf_for_edition(edition)  # what the background task does on the first download
    cold = time.perf_counter() - start
    first = client.get(url)
    cached = []
    for _ in range(20):
        start = time.perf_counter()
        response = client.get(url)
        cached.append(time.perf_counter() - start)
    assert response.content == first.content
    print(
        f"download of an unchanged draft: first {cold:.2f} s, cached median "
        f"{statistics.median(cached) * 1000:.1f} ms (max {max(cached) * 1000:.1f} ms, 20 runs)"
    )

    add_generated_initiatives(edition, 200)
    measure("demo + 200 generated initiatives (with benefits, indicators, risks)", runs=1)


if __name__ == "__main__":
    main()
