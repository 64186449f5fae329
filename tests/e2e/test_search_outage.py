"""Elasticsearch going down under the running stack (the real node behind a TCP relay that the
test cuts): searches answer 503 with a message in Vietnamese and English and when to try again
(API, CSV export, and the search page keeping the form); everything else keeps working, a plan
issued meanwhile is dispatched, and once the node is back it is found: nothing was lost. And
the stack started while the node is down: it starts without search, and searches once the node
answers."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.flow import assert_unavailable, issued_plan
from tests.servers.elasticsearch import ElasticsearchServer
from tests.servers.tcp_proxy import TcpProxy, proxied
from tests.stack import Stack, running_stack, sign_in_page

MEANWHILE = "Kế hoạch thi đua khi máy chủ tìm kiếm ngừng"


@pytest.fixture(scope="module")
def relay(elasticsearch_server: ElasticsearchServer) -> Iterator[TcpProxy]:
    with proxied(elasticsearch_server.address) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def outage_stack(tmp_path_factory: pytest.TempPathFactory, relay: TcpProxy) -> Iterator[Stack]:
    with running_stack(
        tmp_path_factory.mktemp("outage"),
        search_backend="elasticsearch",
        elasticsearch_url=relay.url,
        elasticsearch_index=f"eoffice-outage-{secrets.token_hex(4)}",
    ) as running:
        yield running


def _search(client: httpx.Client, query: str) -> httpx.Response:
    return client.get("/api/v1/search", params={"q": query})


def _ids(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [hit["document_id"] for hit in answer.json()["hits"]]


def test_search_says_it_is_unavailable_while_the_rest_works_and_nothing_is_lost(
    outage_stack: Stack, relay: TcpProxy
) -> None:
    auditor = outage_stack.client("kiemtra")
    before = issued_plan(outage_stack)
    assert _ids(_search(auditor, "chuyen doi so")) == [before]
    browser = httpx.Client(base_url=outage_stack.api_url, timeout=60)
    assert sign_in_page(browser, "kiemtra").status_code == 303

    relay.cut()
    try:
        assert_unavailable(
            _search(auditor, "chuyen doi so"),
            "search_unavailable",
            "tra cứu tạm thời không hoạt động",
            "Search is unavailable",
        )

        export = auditor.get("/api/v1/search/export.csv", params={"q": "chuyen doi so"})
        assert export.status_code == 503 and export.json()["error"] == "search_unavailable"

        page = browser.get("/search", params={"q": "chuyen doi so"})
        assert page.status_code == 503 and page.headers["Retry-After"] == "30"
        assert "tra cứu tạm thời không hoạt động" in page.text
        assert 'value="chuyen doi so"' in page.text  # the form keeps what was typed

        assert auditor.get(f"/api/v1/documents/{before}").status_code == 200
        assert browser.get(f"/documents/{before}").status_code == 200
        assert outage_stack.client("bentre-tp.vanthu").get("/api/v1/inbox").status_code == 200
        meanwhile = issued_plan(outage_stack, subject=MEANWHILE)  # dispatched meanwhile
        still = _search(auditor, "thi dua")
        assert still.status_code == 503, still.text
        # the web app's own catch-up meets the outage too, and says so once
        _wait_for_log(outage_stack, "catching up paused (search_unavailable)")
    finally:
        relay.restore()

    deadline = time.monotonic() + 60
    while meanwhile not in _ids(_search(auditor, "thi dua may chu tim kiem")):
        assert time.monotonic() < deadline, "the plan issued meanwhile was never indexed"
        time.sleep(0.5)
    assert sorted(_ids(_search(auditor, "chuyen doi so"))) == sorted([before, meanwhile])

    log = _wait_for_log(outage_stack, "catching up again after search_unavailable")
    assert log.count("catching up paused") == 1, log[-3000:]
    assert "Traceback" not in log, log[-3000:]  # an outage is one line, not a trace a second


def _wait_for_log(stack: Stack, line: str, seconds: float = 30) -> str:
    """The web app's log once it holds `line`."""
    deadline = time.monotonic() + seconds
    while line not in (log := (stack.data_dir / "logs" / "api.log").read_text()):
        assert time.monotonic() < deadline, f"no {line!r} in the log:\n{log[-3000:]}"
        time.sleep(0.2)
    return log


def test_the_office_starts_without_search_and_searches_once_the_node_answers(
    tmp_path_factory: pytest.TempPathFactory, elasticsearch_server: ElasticsearchServer
) -> None:
    with proxied(elasticsearch_server.address) as relay:
        relay.cut()
        with running_stack(
            tmp_path_factory.mktemp("late-search"),
            search_backend="elasticsearch",
            elasticsearch_url=relay.url,
            elasticsearch_index=f"eoffice-late-{secrets.token_hex(4)}",
        ) as stack:
            auditor = stack.client("kiemtra")
            document_id = issued_plan(stack)  # the office works meanwhile
            refused = _search(auditor, "chuyen doi so")
            assert refused.status_code == 503, refused.text
            assert refused.json()["error"] == "search_unavailable"
            relay.restore()
            deadline = time.monotonic() + 60
            while (found := _search(auditor, "chuyen doi so")).status_code != 200:
                assert time.monotonic() < deadline, found.text
                time.sleep(0.5)
            assert _ids(found) == [document_id]
            log = (stack.data_dir / "logs" / "api.log").read_text()
            assert "starting without search" in log and "Traceback" not in log, log[-3000:]
