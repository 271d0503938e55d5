"""Benchmark of the follow-up's « Tableau de bord »: the demo, then the demo plus 200 generated
initiatives with 8 reporting periods of progress reports (one report per initiative and
period). Prints the number of queries (the same at both sizes: nothing grows with the number of
initiatives) and the server time of the page. Asserts nothing.

    .venv/bin/python bench/dashboard.py

Runs on a throw-away SQLite database (or DATABASE_URL if set), never the developer's data.
"""

import statistics
import time

from _setup import demo_database


def main() -> None:
    demo_database()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from accounts.models import User
    from followup.demo import add_generated_reports
    from followup.models import ProgressReport
    from roadmap.demo.generate import add_generated_initiatives
    from roadmap.models import Edition

    setup_test_environment()
    edition = Edition.objects.select_related("body").get(body__slug="meie", fiscal_year="2023-2024")
    reader = User.objects.get(username="lecteur")
    reader.is_demo = False
    reader.save()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(reader)
    url = f"/plan/{edition.body.slug}/{edition.fiscal_year}/suivi/?periode=2024-03-31"

    def measure(label: str, runs: int = 5) -> None:
        client.get(url)  # warm: templates compiled, caches filled, as a running server's
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200
        rows = len(response.context["board"].rows)
        reports = ProgressReport.objects.filter(period__edition=edition).count()
        print(
            f"{label}: {rows} initiatives, {reports} reports in "
            f"{edition.reporting_periods.count()} periods — {len(queries)} queries, server time "
            f"median {statistics.median(times) * 1000:.0f} ms (min {min(times) * 1000:.0f}, "
            f"max {max(times) * 1000:.0f}, {runs} runs)"
        )

    measure("demo")
    add_generated_initiatives(edition, 200)
    add_generated_reports(edition, periods=8)
    measure("demo + 200 initiatives × 8 periods")


if __name__ == "__main__":
    main()
