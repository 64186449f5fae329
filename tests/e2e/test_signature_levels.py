"""The default signature levels on the real processes: the leader signs at PAdES B-LT and the
unit's seal at B-LTA against the development OCSP responder, CRLs and timestamp authority that
the stack runs (``signing.dev_server``); a revoked certificate cannot sign."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from signing import SignatureLevel, ensure_dev_pki, validate_pdf
from tests.e2e.flow import draft_plan, issued_plan, receipt_id, wait_for_status
from tests.signing.pdfsig import assert_pdfsig_valid
from tests.stack import Stack, running_stack
from workflow.services import person_key_id

LONG_TERM = {SignatureLevel.B_LT.value, SignatureLevel.B_LTA.value}


def recorded_levels(stack: Stack, document_id: str) -> list[str]:
    """The levels in the document's ApprovedAndSigned events, read from the event store."""
    with sqlite3.connect(stack.data_dir / "events.sqlite") as db:
        rows = db.execute(
            "SELECT state FROM stored_events WHERE topic LIKE '%ApprovedAndSigned' "
            "AND replace(originator_id, '-', '') = ?",
            (document_id.replace("-", ""),),
        ).fetchall()
    return [
        level.value
        for (state,) in rows
        for level in SignatureLevel
        if f'"level":"{level.value}"'.encode() in bytes(state).replace(b" ", b"")
    ]


def stored_blobs(stack: Stack) -> set[Path]:
    return {path for path in (stack.data_dir / "blobs").rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def short_term_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack configured below the defaults: the leader at B-B, the seal at B-T."""
    with running_stack(
        tmp_path_factory.mktemp("short-term-stack"),
        personal_signature_level="B-B",
        seal_signature_level="PAdES-B-T",
    ) as running:
        yield running


def test_the_leader_signs_at_b_lt_and_the_seal_at_b_lta(stack: Stack, tmp_path: Path) -> None:
    drafter = stack.client("bentre.chuyenvien")
    created = draft_plan(drafter, recipients=["bentre-tp"])
    assert created.status_code == 201, created.text
    document_id = created.json()["id"]
    assert drafter.post(f"/api/v1/documents/{document_id}/submit").status_code == 200

    started = time.monotonic()
    signed = stack.client("bentre.lanhdao").post(f"/api/v1/documents/{document_id}/sign")
    sign_seconds = time.monotonic() - started
    assert signed.status_code == 200, signed.text
    assert recorded_levels(stack, document_id) == [SignatureLevel.B_LT.value]

    clerk = stack.client("bentre.vanthu")
    started = time.monotonic()
    assert clerk.post(f"/api/v1/documents/{document_id}/issue").status_code == 202
    wait_for_status(clerk, document_id, "dispatched")
    issue_seconds = time.monotonic() - started
    print(
        f"\nsign (B-LT) {sign_seconds:.2f} s; issue (seal B-LTA + dispatch) {issue_seconds:.2f} s"
    )

    issued = clerk.get(f"/api/v1/documents/{document_id}/file").content
    pki = ensure_dev_pki(stack.pki_dir, [], [])
    report = validate_pdf(issued, pki.trust_roots())
    assert report.valid, report.summary_en
    leader, seal = report.signatures
    # The seal's document timestamp covers the leader's signature too, lifting it to B-LTA.
    assert leader.level in LONG_TERM, leader
    assert seal.level == SignatureLevel.B_LTA.value, seal
    for signature in (leader, seal):
        assert signature.timestamp_time is not None
        assert signature.revocation_status == "good"
        assert "Mức chữ ký PAdES-B-LT" in signature.summary_vi
    assert leader.modification_level == "form_filling"
    assert_pdfsig_valid(issued, pki.root_cert_path, signatures=2)

    # The receiving unit checks it from the embedded validation data and registers it.
    receiver = stack.client("bentre-tp.vanthu")
    validation = receiver.get(f"/api/v1/documents/{document_id}/validation").json()
    assert validation["valid"], validation
    assert [s["level"] for s in validation["signatures"]][1] == SignatureLevel.B_LTA.value
    registered = receiver.post(f"/api/v1/receipts/{receipt_id(receiver, document_id)}/register")
    assert registered.status_code == 200, registered.text


def test_a_revoked_leader_certificate_cannot_sign(stack: Stack) -> None:
    drafter = stack.client("thanhhoa.chuyenvien")
    created = draft_plan(
        drafter,
        recipients=["yendinh"],
        signer="thanhhoa.lanhdao",
        signer_authority="TM. BAN THƯỜNG VỤ",
    )
    assert created.status_code == 201, created.text
    document_id = created.json()["id"]
    assert drafter.post(f"/api/v1/documents/{document_id}/submit").status_code == 200
    ensure_dev_pki(stack.pki_dir, [], []).revoke(person_key_id("thanhhoa.lanhdao"))
    blobs_before = stored_blobs(stack)

    refused = stack.client("thanhhoa.lanhdao").post(f"/api/v1/documents/{document_id}/sign")

    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["error"] == "conflict"
    assert body["message"] == "Không thể ký: chứng thư số dùng để ký đã bị thu hồi."
    assert "revoked" in body["message_en"]
    document = drafter.get(f"/api/v1/documents/{document_id}").json()
    assert document["status"] == "submitted"
    assert "OutgoingDocument.ApprovedAndSigned" not in [h["event"] for h in document["history"]]
    assert recorded_levels(stack, document_id) == []
    assert stored_blobs(stack) == blobs_before


def test_configured_lower_levels_are_checked_online_on_arrival(short_term_stack: Stack) -> None:
    """B-B and B-T carry no revocation data: the receiving unit asks the OCSP responder."""
    document_id = issued_plan(short_term_stack, recipients=["bentre-tp"])
    assert recorded_levels(short_term_stack, document_id) == [SignatureLevel.B_B.value]
    receiver = short_term_stack.client("bentre-tp.vanthu")

    validation = receiver.get(f"/api/v1/documents/{document_id}/validation").json()

    assert validation["valid"], validation
    leader, seal = validation["signatures"]
    assert (leader["level"], seal["level"]) == ("PAdES-B-B", "PAdES-B-T")
    assert seal["timestamp_time"] is not None
    # Offline they would be "unknown"; online the responder vouched for both certificates.
    assert [leader["revocation_status"], seal["revocation_status"]] == ["good", "good"]
