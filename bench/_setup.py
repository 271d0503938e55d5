"""What every benchmark does first: a throw-away database with the demo plan loaded."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def demo_database() -> Path:
    """Django set up on a fresh SQLite file (or DATABASE_URL if set), demo plan loaded.
    Never the developer's data. Returns the scratch folder."""
    # bench/ must not stay first on sys.path: bench/import_export.py would shadow the
    # django-import-export library. It stays last, so that child processes (the PDF renderer)
    # can still import this module when they load the benchmark script.
    sys.path[0] = str(ROOT)
    sys.path.append(str(ROOT / "bench"))
    work = Path(tempfile.mkdtemp(prefix="ptn-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ.setdefault("DEBUG", "1")
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptn.settings")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    return work
