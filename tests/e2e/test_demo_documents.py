"""The demo documents `make run` issues on first start, on the real processes: each is issued,
numbered, dispatched and filed by its own unit's people; the auditor finds them with or without
diacritics, a recipient finds only what was sent to it; one arrives acknowledged; a second run
issues nothing twice; a stack that does not answer is a clear error."""

from __future__ import annotations

from typing import Any

import pytest

from eoffice.demo_documents import (
    ACKNOWLEDGED,
    DEMO_DOCUMENTS,
    DemoDocument,
    DemoDocumentError,
    seed_demo_documents,
)
from tests.stack import Stack, free_port


def search(stack: Stack, username: str, query: str) -> list[str]:
    answer = stack.client(username).get("/api/v1/search", params={"q": query, "limit": 50})
    assert answer.status_code == 200, answer.text
    return [hit["subject"] for hit in answer.json()["hits"]]


def outbox(stack: Stack, document: DemoDocument) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        stack.client(f"{document.unit}.vanthu").get("/api/v1/outbox").json()
    )
    return [row for row in rows if row["subject"] == document.subject]


@pytest.fixture(scope="module")
def seeded(stack: Stack) -> list[str]:
    reported: list[str] = []
    issued = seed_demo_documents(stack.api_url, progress=lambda d: reported.append(d.subject))
    assert issued == len(DEMO_DOCUMENTS)
    return reported


def test_every_demo_document_is_issued_by_its_own_unit(stack: Stack, seeded: list[str]) -> None:
    assert seeded == [document.subject for document in DEMO_DOCUMENTS]
    for document in DEMO_DOCUMENTS:
        [row] = outbox(stack, document)
        assert row["status"] == "dispatched", row
        assert row["number_symbol"] and row["recipient_count"] == len(document.recipients)


def test_the_auditor_finds_them_with_or_without_diacritics(stack: Stack, seeded: list[str]) -> None:
    everything = {document.subject for document in DEMO_DOCUMENTS}
    assert set(search(stack, "kiemtra", "công đoàn")) == everything
    assert set(search(stack, "kiemtra", "cong doan")) == everything
    safety = "V/v tăng cường công tác an toàn, vệ sinh lao động trong doanh nghiệp"
    assert search(stack, "kiemtra", "an toan ve sinh lao dong")[0] == safety
    # A grassroots union sees what was sent to it, nothing else.
    assert search(stack, "thuysan-bentre.vanthu", "cong doan") == [safety]


def test_each_is_filed_into_its_units_folder_of_the_year(stack: Stack, seeded: list[str]) -> None:
    for document in DEMO_DOCUMENTS:
        folders = stack.client(f"{document.unit}.vanthu").get("/api/v1/folders").json()
        [folder] = [f for f in folders if f["code"] == document.folder_code]
        assert folder["title"] == document.folder_title and folder["documents"] >= 1
    found = stack.client("kiemtra").get("/api/v1/search", params={"q": "an toan ve sinh"})
    assert found.json()["hits"][0]["folder"] == "03.ATVSLĐ Hồ sơ an toàn, vệ sinh lao động"
    # Two Bến Tre documents: two folders of the federation, each opened once.
    codes = [f["code"] for f in stack.client("bentre.vanthu").get("/api/v1/folders").json()]
    assert sorted(codes) == ["02.KH", "03.ATVSLĐ"]


def test_one_of_them_arrives_acknowledged(stack: Stack, seeded: list[str]) -> None:
    document = DEMO_DOCUMENTS[ACKNOWLEDGED]
    clerk = stack.client(f"{document.recipients[0]}.vanthu")
    [row] = [r for r in clerk.get("/api/v1/inbox").json() if r["subject"] == document.subject]
    assert row["status"] == "acknowledged", row


def test_a_second_run_issues_nothing_twice(stack: Stack, seeded: list[str]) -> None:
    assert seed_demo_documents(stack.api_url) == 0
    for document in DEMO_DOCUMENTS:
        assert len(outbox(stack, document)) == 1


def test_a_stack_that_does_not_answer_is_a_clear_error() -> None:
    with pytest.raises(DemoDocumentError, match="GET /outbox as tld.vanthu"):
        seed_demo_documents(f"http://127.0.0.1:{free_port()}", timeout=2)
