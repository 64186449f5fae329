"""The whole stack on the production servers, chosen by configuration alone: the real processes
(Temporal dev server, worker, web app) with PostgreSQL as the event store, MinIO for the files
and Elasticsearch for search. A plan goes from draft to acknowledged, is found by search with
and without diacritics (by its readers only), and its folder is exported as a ZIP that verifies
offline; each server is then asked directly whether it holds what it should, and the data
directory holds none of the embedded stores."""

from __future__ import annotations

import hashlib
import json
import secrets
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from documents import archive_check
from tests.e2e.flow import PLAN_SUBJECT, issued_plan, receipt_id
from tests.servers.elasticsearch import ElasticsearchServer
from tests.servers.postgres import PostgresServer
from tests.servers.s3 import S3Server
from tests.stack import Stack, running_stack

RECIPIENT = "bentre-tp.vanthu"
THIS_YEAR = 2026


@pytest.fixture(scope="module")
def production(
    tmp_path_factory: pytest.TempPathFactory,
    postgres_server: PostgresServer,
    minio_server: S3Server,
    elasticsearch_server: ElasticsearchServer,
) -> Iterator[Stack]:
    token = secrets.token_hex(4)
    with running_stack(
        tmp_path_factory.mktemp("production"),
        event_store="postgres",
        postgres_host=postgres_server.host,
        postgres_port=str(postgres_server.port),
        postgres_dbname=postgres_server.create_database(),
        postgres_user=postgres_server.user,
        postgres_password=postgres_server.password,
        blob_store="s3",
        s3_endpoint=minio_server.endpoint,
        s3_access_key=minio_server.access_key,
        s3_secret_key=minio_server.secret_key,
        s3_bucket=f"eoffice-e2e-{token}",
        search_backend="elasticsearch",
        elasticsearch_url=elasticsearch_server.url,
        elasticsearch_index=f"eoffice-e2e-{token}",
    ) as running:
        yield running


@pytest.fixture(scope="module")
def acknowledged(production: Stack) -> str:
    """A plan of the Bến Tre federation, issued, registered and acknowledged by a recipient."""
    document_id = issued_plan(production)
    receiver = production.client(RECIPIENT)
    receipt = receipt_id(receiver, document_id)
    assert receiver.post(f"/api/v1/receipts/{receipt}/register").status_code == 200
    acknowledged = receiver.post(f"/api/v1/receipts/{receipt}/acknowledge")
    assert acknowledged.status_code == 200, acknowledged.text
    return document_id


def _found(stack: Stack, reader: str, query: str) -> list[dict[str, Any]]:
    answer = stack.client(reader).get("/api/v1/search", params={"q": query})
    assert answer.status_code == 200, answer.text
    hits: list[dict[str, Any]] = answer.json()["hits"]
    return hits


def test_an_acknowledged_plan_is_found_by_its_readers_only(
    production: Stack, acknowledged: str
) -> None:
    for reader in ("kiemtra", "bentre.vanthu", RECIPIENT):
        for query in ("chuyển đổi số", "chuyen doi so", "ke hoach khan"):
            hits = _found(production, reader, query)
            assert [hit["document_id"] for hit in hits] == [acknowledged], (reader, query, hits)
    [hit] = _found(production, "kiemtra", "chuyen doi so")
    assert hit["subject"] == PLAN_SUBJECT
    assert hit["number_symbol"] == "01/KH-LĐLĐ"
    assert hit["urgency_label"] == {"vi": "Khẩn", "en": "Urgent"}
    assert _found(production, "thanhhoa.vanthu", "chuyen doi so") == []
    page = production.client("kiemtra").get("/search", params={"q": "chuyen doi so"})
    assert page.status_code == 200 and f"/documents/{acknowledged}" in page.text
    statuses = {
        row["unit_name"]: row["status"]
        for row in production.client("bentre.vanthu")
        .get(f"/api/v1/documents/{acknowledged}")
        .json()["recipient_status"]
    }
    assert statuses["Liên đoàn Lao động thành phố Bến Tre"] == "acknowledged", statuses


def test_each_server_holds_what_it_should_and_the_data_directory_no_embedded_store(
    production: Stack,
    acknowledged: str,
    postgres_server: PostgresServer,
    minio_server: S3Server,
    elasticsearch_server: ElasticsearchServer,
) -> None:
    env = production.env
    with postgres_server.connect(env["EOFFICE_POSTGRES_DBNAME"]) as db:
        events = "SELECT count(*) FROM officeapplication_events WHERE originator_id = %s"
        row = db.execute(events, (acknowledged,)).fetchone()
    # drafted, submitted, signed, numbered, dispatched at least
    assert row is not None and int(str(row[0])) >= 5

    pdf = production.client("bentre.vanthu").get(f"/api/v1/documents/{acknowledged}/file")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    digest = hashlib.sha256(pdf.content).hexdigest()
    stored = minio_server.client().get_object(env["EOFFICE_S3_BUCKET"], f"sha256/{digest}")
    try:
        assert stored.read() == pdf.content
    finally:
        stored.close()
        stored.release_conn()

    alias = env["EOFFICE_ELASTICSEARCH_INDEX"]
    query = urllib.parse.urlencode({"q": f"document_id:{acknowledged}"})
    with urllib.request.urlopen(f"{elasticsearch_server.url}/{alias}/_search?{query}") as answer:
        found = json.load(answer)
    assert found["hits"]["total"]["value"] == 1, found

    data = production.data_dir
    assert not (data / "events.sqlite").exists()
    assert not (data / "blobs").exists() or not any((data / "blobs").iterdir())
    assert not (data / "search" / "tantivy").exists()


def test_a_folder_exported_from_the_servers_verifies_offline(
    production: Stack, acknowledged: str, tmp_path: Path
) -> None:
    clerk = production.client("bentre.vanthu")
    created = clerk.post(
        "/api/v1/folders",
        json={"year": THIS_YEAR, "code": "09.KH", "title": "Chuyển đổi số", "retention_years": 10},
    )
    assert created.status_code == 201, created.text
    folder_id = created.json()["id"]
    filed = clerk.post(f"/api/v1/documents/{acknowledged}/file", json={"folder_id": folder_id})
    assert filed.status_code == 200, filed.text
    [hit] = _found(production, "kiemtra", "chuyen doi so")
    assert hit["folder"] == "09.KH Chuyển đổi số"  # the index followed the filing
    assert clerk.post(f"/api/v1/folders/{folder_id}/close").status_code == 200

    exported = production.client("kiemtra").get(f"/api/v1/folders/{folder_id}/export.zip")
    assert exported.status_code == 200, exported.text
    path = tmp_path / "ho-so.zip"
    path.write_bytes(exported.content)
    assert archive_check.check(path) == []
    with zipfile.ZipFile(path) as archive:
        [pdf_name] = [name for name in archive.namelist() if name.endswith("/van-ban.pdf")]
        in_zip = archive.read(pdf_name)
    assert in_zip == clerk.get(f"/api/v1/documents/{acknowledged}/file").content
