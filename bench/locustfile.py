"""The load of bench/load.py: people reading pages, saving inline edits, downloading the plan.

Each simulated person is the lead of an initiative of their own (leads need no second factor,
unlike the coordinator), already signed in: bench/load.py signs everyone in just before the run
and hands each person their session's cookies. Then: 70 % page reads (plan home, roadmap, an
initiative, risks, sections), 25 % inline saves of an initiative's fiche — each person their own
initiative, so saves never conflict — and 5 % downloads of the roadmap's workbook (XLSX). Requests
are named page, form, save and download in the statistics.
"""

import itertools
import json
import os
import random
import time
from html.parser import HTMLParser
from urllib.parse import urlsplit

from locust import HttpUser, between, task

YEAR = "2023-2024"
BODY = "meie"
SETUP = json.loads(os.environ["PTN_LOAD_SETUP"])
_next_record = itertools.count()


class FormFields(HTMLParser):
    """The fields a browser would send for the first form of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.fields[name] = a.get("value", "on")
            elif kind not in {"submit", "button", "file"}:
                self.fields[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data) -> None:
        if self._textarea:
            self.fields[self._textarea] += data


class Person(HttpUser):
    wait_time = between(1, 2)

    def on_start(self) -> None:
        self.initiative = SETUP["people"][next(_next_record) % len(SETUP["people"])]
        # For the portal's host, as its own Set-Cookie would: a later one replaces it.
        host = urlsplit(self.host).hostname
        for name, value in self.initiative["cookies"].items():
            self.client.cookies.set(name, value, domain=host, path="/")
        self.saves = 0
        # People working independently do not click in the same instant: each starts somewhere
        # in a first pause. Started together, the 30 would send their first requests at once
        # and the next ones in waves (time.sleep is gevent's here).
        time.sleep(random.uniform(0, 2))

    @task(70)
    def read(self) -> None:
        pages = [
            f"/plan/{BODY}/{YEAR}/",
            f"/plan/{BODY}/{YEAR}/feuille-de-route/",
            f"/plan/{BODY}/{YEAR}/initiatives/{self.initiative['code']}/",
            f"/plan/{BODY}/{YEAR}/risques/",
            f"/plan/{BODY}/{YEAR}/sections/",
        ]
        self._get(pages[self.saves % len(pages)], "page")
        self.saves += 1

    def _get(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True) as r:
            # A page that sends the person back to the login counts as an error, not a fast page.
            if r.status_code != 200 or "/connexion/" in r.url:
                r.failure(f"{r.status_code} {r.url}")

    @task(25)
    def save(self) -> None:
        url = f"/plan/{BODY}/{YEAR}/modifier/initiative/{self.initiative['pk']}/"
        headers = {"HX-Request": "true"}
        form = self.client.get(url, headers=headers, name="form")
        parser = FormFields()
        parser.feed(form.text)
        fields = parser.fields
        self.saves += 1
        fields["title"] = f"{self.initiative['title']} (charge {self.saves})"
        headers["X-CSRFToken"] = self.client.cookies.get("csrftoken", "")
        with self.client.post(url, fields, headers=headers, name="save", catch_response=True) as r:
            # Saved: the display fragment, and the announcement event for screen readers.
            if r.status_code != 200 or "ptn:announce" not in r.headers.get("HX-Trigger", ""):
                r.failure(f"save refused: {r.status_code}")

    @task(5)
    def download(self) -> None:
        self._get(f"/plan/{BODY}/{YEAR}/exporter/", "download")
