"""At most ``EXPORT_SLOTS`` exports of the plan at a time on one app server.

An export of the whole plan takes about a third of a second of CPU. Several at once took every
core of a small app server, and the pages asked for meanwhile waited behind them (bench/load.py
and the README's figures). A download that finds every slot taken waits for one, up to
``EXPORT_SLOT_WAIT`` seconds; then it runs anyway: a download is never refused. The slots are lock files (``flock``) in ``EXPORT_SLOT_DIR``, shared
by every gunicorn worker of the machine; the system frees the slot of a worker that dies.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

from django.conf import settings

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.05


@contextmanager
def export_slot() -> Iterator[None]:
    """Holds one of the app server's export slots while the block runs."""
    count = settings.EXPORT_SLOTS
    if count < 1:  # no limit
        yield
        return
    started = time.monotonic()
    with ExitStack() as files:  # closing a file frees its slot
        try:
            slots = [files.enter_context(open(_path(n), "a")) for n in range(count)]  # noqa: SIM115
        except OSError:
            logger.warning("Export slots unavailable in %s", settings.EXPORT_SLOT_DIR)
            slots = []
        taken = _take(slots)
        while slots and not taken and time.monotonic() - started < settings.EXPORT_SLOT_WAIT:
            time.sleep(POLL_SECONDS)
            taken = _take(slots)
        waited_ms = round((time.monotonic() - started) * 1000)
        if waited_ms >= POLL_SECONDS * 1000:
            logger.info(
                "Export waited for a slot", extra={"waited_ms": waited_ms, "slot_taken": taken}
            )
        yield


def _take(slots: list[IO[str]]) -> bool:
    for slot in slots:
        try:
            fcntl.flock(slot, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue
        return True
    return False


def _path(number: int) -> Path:
    # One set per system user: another account's lock files could not be opened.
    return Path(settings.EXPORT_SLOT_DIR) / f"ptn-export-{os.getuid()}-{number}.lock"
