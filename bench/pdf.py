"""Benchmark of the PDF report: render time and pages for the demo plan and for a plan of
200 more initiatives, and the time of a cached download. Prints figures; asserts nothing.

    .venv/bin/python bench/pdf.py

Runs on a throw-away SQLite database (or DATABASE_URL if set), never the developer's data.
"""

import statistics
import time
from io import BytesIO

from _setup import demo_database


def main() -> None:
    demo_database()
    from django.test import Client
    from django.test.utils import setup_test_environment
    from pypdf import PdfReader

    from accounts.models import User
    from roadmap.demo.generate import add_generated_initiatives
    from roadmap.models import Edition
    from roadmap.pdf.report import pdf_for_edition, render_pdf

    setup_test_environment()
    edition = Edition.objects.select_related("body").get(body__slug="meie", fiscal_year="2023-2024")

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
    url = f"/plan/{edition.body.slug}/{edition.fiscal_year}/pdf/"
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
