"""Generated files in an S3-compatible object store (a real S3 endpoint: moto's server process)."""

import sys
import time

import boto3
import pytest
from django.urls import reverse

from operations.housekeeping import purge_import_files
from tests.processes import Service, free_port, port_open, wait_until
from tests.test_exchange import upload_changed_export

BUCKET = "ptn-imports"


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    work = tmp_path_factory.mktemp("s3")
    port = free_port()
    service = Service(
        "s3",
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env={"PATH": "/usr/bin:/bin", "HOME": str(work)},
        log_dir=work,
    )
    try:
        wait_until(lambda: port_open(port), timeout=30, what="the S3 server")
        yield f"http://127.0.0.1:{port}"
    finally:
        service.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "addressing_style": "path",
                "file_overwrite": False,
            },
        },
    }
    yield lambda: sorted(
        o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    )
    for key in sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])):
        client.delete_object(Bucket=BUCKET, Key=key)
    client.delete_bucket(Bucket=BUCKET)


def test_an_import_preview_keeps_its_file_in_the_bucket_until_confirmed(
    bucket, coordinator_client, edition
):
    preview = upload_changed_export(coordinator_client, edition, {("Initiatives", "C2"): "Neuf"})
    (key,) = bucket()
    assert key.startswith("imports/") and key.endswith(".xlsx")
    coordinator_client.post(
        reverse("roadmap:import_confirm", args=["meie", "2023-2024"]),
        {"token": preview.context["token"]},
    )
    assert bucket() == []


def test_housekeeping_finds_and_deletes_old_import_files_in_the_bucket(
    bucket, coordinator_client, edition, settings
):
    upload_changed_export(coordinator_client, edition, {("Initiatives", "C2"): "Abandonné"})
    assert len(bucket()) == 1
    assert purge_import_files() == 0  # less than a day old
    settings.IMPORT_FILE_MAX_AGE = 0
    time.sleep(1.1)  # the store's modification times are to the second
    assert purge_import_files() == 1
    assert bucket() == []
