"""The event store's PostgreSQL (a real cluster behind a TCP relay that the test cuts) going down
under the running stack: requests are answered 503 with which store and when to try again,
after eventsourcing's ten tries of the connection wait (1 s by default), instead of hanging for
minutes; once the server is back, the pool serves again and nothing recorded before is lost."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.flow import assert_unavailable, draft_plan, issued_plan
from tests.servers.postgres import PostgresServer
from tests.servers.tcp_proxy import TcpProxy, proxied
from tests.stack import Stack, running_stack, sign_in_page


@pytest.fixture(scope="module")
def relay(postgres_server: PostgresServer) -> Iterator[TcpProxy]:
    with proxied((postgres_server.host, postgres_server.port)) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def records_stack(
    tmp_path_factory: pytest.TempPathFactory, relay: TcpProxy, postgres_server: PostgresServer
) -> Iterator[Stack]:
    with running_stack(
        tmp_path_factory.mktemp("records-outage"),
        event_store="postgres",
        postgres_host="127.0.0.1",
        postgres_port=str(relay.port),
        postgres_dbname=postgres_server.create_database(),
        postgres_user=postgres_server.user,
        postgres_password=postgres_server.password,
    ) as running:
        yield running


def test_requests_are_told_the_database_does_not_answer_then_served_again(
    records_stack: Stack, relay: TcpProxy
) -> None:
    document_id = issued_plan(records_stack)
    clerk = records_stack.client("bentre.vanthu")
    browser = httpx.Client(base_url=records_stack.api_url, timeout=60)
    assert sign_in_page(browser, "bentre.vanthu").status_code == 303

    relay.cut()
    try:
        assert_unavailable(
            clerk.get(f"/api/v1/documents/{document_id}"),
            "records_unavailable",
            "Cơ sở dữ liệu văn bản tạm thời không trả lời",
            "The document database does not answer",
        )
        page = browser.get(f"/documents/{document_id}")
        assert page.status_code == 503
        assert "Cơ sở dữ liệu văn bản tạm thời không trả lời" in page.text
    finally:
        relay.restore()

    document = clerk.get(f"/api/v1/documents/{document_id}")
    assert document.status_code == 200, document.text
    assert document.json()["status"] == "dispatched"
    assert browser.get(f"/documents/{document_id}").status_code == 200
    drafted = draft_plan(records_stack.client("bentre.chuyenvien"))
    assert drafted.status_code == 201, drafted.text
