"""The file store (a real MinIO behind a TCP relay that the test cuts) going down under the
running stack: what needs a file answers 503 with which store and when to try again, records
nothing (no half-drafted document, no export in the access history); a document's page shows
all but its signature check, and search answers from the index as it stands; once MinIO is
back, the same requests work."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.flow import NAVIGATION, assert_unavailable, draft_plan, issued_plan
from tests.servers.s3 import S3Server
from tests.servers.tcp_proxy import TcpProxy, proxied
from tests.stack import Stack, running_stack, sign_in_page


@pytest.fixture(scope="module")
def relay(minio_server: S3Server) -> Iterator[TcpProxy]:
    host, port = minio_server.endpoint.split(":")
    with proxied((host, int(port))) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def files_stack(
    tmp_path_factory: pytest.TempPathFactory, relay: TcpProxy, minio_server: S3Server
) -> Iterator[Stack]:
    with running_stack(
        tmp_path_factory.mktemp("files-outage"),
        blob_store="s3",
        s3_endpoint=f"127.0.0.1:{relay.port}",
        s3_access_key=minio_server.access_key,
        s3_secret_key=minio_server.secret_key,
        s3_bucket=f"eoffice-outage-{secrets.token_hex(4)}",
    ) as running:
        yield running


def _unavailable(answer: httpx.Response) -> None:
    assert_unavailable(
        answer,
        "files_unavailable",
        "Kho lưu trữ tệp tạm thời không trả lời",
        "The file store does not answer",
    )


def test_what_needs_a_file_waits_for_the_store_and_records_nothing(
    files_stack: Stack, relay: TcpProxy
) -> None:
    document_id = issued_plan(files_stack)
    clerk = files_stack.client("bentre.vanthu")
    created = clerk.post(
        "/api/v1/folders",
        json={"year": 2026, "code": "03.KH", "title": "Kế hoạch", "retention_years": 10},
    )
    assert created.status_code == 201, created.text
    folder_id = created.json()["id"]
    filed = clerk.post(f"/api/v1/documents/{document_id}/file", json={"folder_id": folder_id})
    assert filed.status_code == 200, filed.text
    drafter = files_stack.client("bentre.chuyenvien")
    outbox_before = len(drafter.get("/api/v1/outbox").json())
    auditor = files_stack.client("kiemtra")
    browser = httpx.Client(base_url=files_stack.api_url, timeout=60)
    assert sign_in_page(browser, "bentre.vanthu").status_code == 303

    relay.cut()
    try:
        _unavailable(clerk.get(f"/api/v1/documents/{document_id}/file"))
        _unavailable(auditor.get(f"/api/v1/folders/{folder_id}/export.zip"))
        _unavailable(draft_plan(drafter, subject="Kế hoạch soạn khi kho tệp ngừng"))
        opened = browser.get(  # the page's "Mở tệp PDF" link
            f"/api/v1/documents/{document_id}/file", headers={"Accept": NAVIGATION}
        )
        assert opened.status_code == 503 and "Kho lưu trữ tệp tạm thời" in opened.text
        assert opened.headers["content-type"].startswith("text/html")
        page = browser.get(f"/documents/{document_id}")  # all but the signature check
        assert page.status_code == 200, page.text[-2000:]
        assert 'id="validation-unavailable"' in page.text
        assert "Chưa kiểm tra được chữ ký lúc này" in page.text
        found = clerk.get("/api/v1/search", params={"q": "chuyen doi so"})
        assert found.status_code == 200, found.text
        assert [hit["document_id"] for hit in found.json()["hits"]] == [document_id]
        assert clerk.get(f"/api/v1/documents/{document_id}").status_code == 200
    finally:
        relay.restore()

    assert len(drafter.get("/api/v1/outbox").json()) == outbox_before  # no half draft
    access = auditor.get(f"/api/v1/documents/{document_id}/access-log").json()
    assert "export" not in [row["kind"] for row in access]
    deadline = time.monotonic() + 30
    while (pdf := clerk.get(f"/api/v1/documents/{document_id}/file")).status_code != 200:
        assert time.monotonic() < deadline, pdf.text
        time.sleep(0.5)
    assert pdf.content.startswith(b"%PDF")
    exported = auditor.get(f"/api/v1/folders/{folder_id}/export.zip")
    assert exported.status_code == 200 and exported.content.startswith(b"PK")
    redrafted = draft_plan(drafter, subject="Kế hoạch soạn khi kho tệp ngừng")
    assert redrafted.status_code == 201, redrafted.text
