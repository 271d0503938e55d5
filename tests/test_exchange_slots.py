"""Exports of the plan share a few slots per app server (roadmap/exchange/slots.py): a download
that finds them taken waits its turn, and runs anyway once it has waited long enough."""

import logging
import threading

import pytest
from django.urls import reverse

from roadmap.exchange.slots import export_slot

BODY, YEAR = "meie", "2023-2024"


@pytest.fixture
def one_slot(settings, tmp_path):
    settings.EXPORT_SLOTS = 1
    settings.EXPORT_SLOT_WAIT = 30
    settings.EXPORT_SLOT_DIR = str(tmp_path)
    return settings


class Holder(threading.Thread):
    """Another app server's worker, in the middle of an export until told to finish."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.inside = threading.Event()
        self.finish = threading.Event()

    def run(self) -> None:
        with export_slot():
            self.inside.set()
            self.finish.wait(30)

    def __enter__(self):
        self.start()
        assert self.inside.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self.finish.set()
        self.join(10)


def test_a_second_export_waits_until_the_first_is_done(one_slot):
    order: list[str] = []
    with Holder() as first:
        second = threading.Thread(target=lambda: _export(order), daemon=True)
        second.start()
        second.join(0.5)
        assert second.is_alive() and order == []  # waiting for the slot
        order.append("first done")
        first.finish.set()
        first.join(10)
        second.join(10)
    assert order == ["first done", "second exported"]


def _export(order: list[str]) -> None:
    with export_slot():
        order.append("second exported")


def test_a_download_is_never_refused_it_runs_once_it_has_waited(one_slot, caplog):
    one_slot.EXPORT_SLOT_WAIT = 0.3
    order: list[str] = []
    with Holder(), caplog.at_level(logging.INFO, logger="roadmap.exchange.slots"):
        _export(order)  # the slot is still taken: it ran beside the other export
        assert order == ["second exported"]
    (record,) = [r for r in caplog.records if r.message == "Export waited for a slot"]
    assert record.waited_ms >= 300 and record.slot_taken is False


def test_two_slots_let_two_exports_run_and_a_third_wait(one_slot):
    one_slot.EXPORT_SLOTS = 2
    order: list[str] = []
    with Holder(), Holder():
        third = threading.Thread(target=lambda: _export(order), daemon=True)
        third.start()
        third.join(0.5)
        assert third.is_alive() and order == []
    third.join(10)
    assert order == ["second exported"]


def test_the_roadmap_download_takes_a_slot_and_says_when_it_waited(
    one_slot, reader_client, edition, caplog
):
    one_slot.EXPORT_SLOT_WAIT = 0.3
    url = reverse("roadmap:export", args=[BODY, YEAR])
    with caplog.at_level(logging.INFO, logger="roadmap.exchange.slots"):
        free = reader_client.get(url)
        assert free.status_code == 200 and free.content[:2] == b"PK"
        assert not [r for r in caplog.records if r.message == "Export waited for a slot"]
        with Holder():
            for query in ("", "?format=json", "?format=csv&feuille=Initiatives"):
                response = reader_client.get(url + query)
                assert response.status_code == 200 and response.content
    waited = [r for r in caplog.records if r.message == "Export waited for a slot"]
    assert len(waited) == 3  # the workbook, the JSON document and the CSV sheet


def test_without_a_limit_exports_never_wait(one_slot, caplog):
    one_slot.EXPORT_SLOTS = 0
    order: list[str] = []
    with Holder(), caplog.at_level(logging.INFO, logger="roadmap.exchange.slots"):
        _export(order)
    assert order == ["second exported"] and not caplog.records
