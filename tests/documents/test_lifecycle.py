"""The document lifecycle, registers and receipts on a real SQLite event store."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest

from documents.application import OfficeApplication, number_symbol
from documents.clock import place_and_date_line
from documents.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    PayloadTooLargeError,
    SecretDocumentRefusedError,
)
from documents.reference import refuse_secret_documents
from tests.documents.builders import actor, office, with_tree


@pytest.fixture
def app(tmp_path: Path) -> OfficeApplication:
    return office(tmp_path)


def draft(app: OfficeApplication, ids: dict[str, UUID], **overrides: object) -> UUID:
    values: dict[str, object] = dict(
        doc_type="ke_hoach",
        subject="Kế hoạch thử",
        urgency="thuong",
        secrecy=None,
        recipient_unit_ids=[ids["upper-a1"], ids["upper-a2"]],
        body_pdf=b"%PDF-1.7 body",
        body_source="upload",
        body_text="",
        signer_id=actor(app, "prov-a.leader").account_id,
    )
    values.update(overrides)
    return app.draft_document(actor(app, "prov-a.drafter"), **values)  # type: ignore[arg-type]


def signed(app: OfficeApplication, ids: dict[str, UUID]) -> UUID:
    document_id = draft(app, ids)
    app.submit(actor(app, "prov-a.drafter"), document_id)
    app.record_signature(actor(app, "prov-a.leader"), document_id, b"%PDF signed", "ab", "B-B")
    app.request_issue(actor(app, "prov-a.clerk"), document_id)
    return document_id


def test_numbers_are_yearly_sequences_per_issuer(app: OfficeApplication) -> None:
    ids = with_tree(app)
    symbols = [
        app.issue_with_next_number(signed(app, ids), lambda n, s, t: s.encode()).number_symbol
        for _ in range(3)
    ]
    assert symbols == ["01/KH-PROV-A", "02/KH-PROV-A", "03/KH-PROV-A"]
    assert number_symbol(123, "cong_van", "LĐLĐ") == "123/LĐLĐ-VP"


def test_concurrent_issuers_get_unique_gap_free_numbers(app: OfficeApplication) -> None:
    ids = with_tree(app)
    documents = [signed(app, ids) for _ in range(12)]
    results: list[int] = []
    errors: list[BaseException] = []

    def issue(document_id: UUID) -> None:
        try:
            issued = app.issue_with_next_number(document_id, lambda n, s, t: f"{s}".encode())
            results.append(issued.number or 0)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=issue, args=(d,)) for d in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == list(range(1, 13))


def test_illegal_transitions_are_refused(app: OfficeApplication) -> None:
    ids = with_tree(app)
    document_id = draft(app, ids)
    with pytest.raises(ConflictError, match="trạng thái «Dự thảo»"):
        app.request_issue(actor(app, "prov-a.clerk"), document_id)
    with pytest.raises(ConflictError):
        app.check_can_sign(actor(app, "prov-a.leader"), document_id)
    with pytest.raises(ConflictError):
        app.deliver(document_id, [ids["upper-a1"]])


def test_delivery_is_idempotent_and_receipts_follow_their_order(app: OfficeApplication) -> None:
    ids = with_tree(app)
    document_id = signed(app, ids)
    app.issue_with_next_number(document_id, lambda n, s, t: b"%PDF issued")
    assert app.deliver(document_id, [ids["upper-a1"]]) == 1
    assert app.deliver(document_id, [ids["upper-a1"], ids["upper-a2"]]) == 1  # a retried batch
    assert app.deliver(document_id, [ids["upper-a1"], ids["upper-a2"]]) == 0
    receipt = app.receipt_for(document_id, ids["upper-a1"])
    clerk = actor(app, "upper-a1.clerk")
    with pytest.raises(ConflictError, match="vào sổ"):
        app.acknowledge(clerk, receipt.id)
    with pytest.raises(ForbiddenError):
        app.register_receipt(actor(app, "upper-a2.clerk"), receipt.id, True, "")
    assert app.register_receipt(clerk, receipt.id, True, "hợp lệ") == 1
    with pytest.raises(ConflictError):
        app.register_receipt(clerk, receipt.id, True, "hợp lệ")
    app.acknowledge(clerk, receipt.id)
    with pytest.raises(ConflictError, match="đã được xác nhận"):
        app.acknowledge(clerk, receipt.id)
    statuses = {r["unit_id"]: r["status"] for r in app.views.receipts_of(document_id)}
    assert statuses == {str(ids["upper-a1"]): "acknowledged", str(ids["upper-a2"]): "delivered"}


def test_bad_drafts_store_nothing(app: OfficeApplication, tmp_path: Path) -> None:
    ids = with_tree(app)
    before = app.recorder.max_notification_id()
    bad: list[dict[str, object]] = [
        {"recipient_unit_ids": []},
        {"recipient_unit_ids": [ids["prov-a"]]},
        {"subject": "  "},
        {"doc_type": "khong_co"},
        {"urgency": "rat_gap"},
        {"secrecy": "mat"},
        {"body_pdf": b"x" * 1_000_001},
        {"signer_id": actor(app, "prov-b.leader").account_id},
    ]
    for overrides in bad:
        with pytest.raises(InvalidInputError):
            draft(app, ids, **overrides)
    with pytest.raises(PayloadTooLargeError):
        draft(app, ids, body_pdf=b"x" * 1_000_001)
    assert app.recorder.max_notification_id() == before
    assert not any(p.is_file() for p in (tmp_path / "blobs").rglob("*"))


@pytest.mark.parametrize(
    ("secrecy", "text"),
    [("mat", ""), ("toi_mat", ""), ("tuyet_mat", ""), (None, "Văn bản\nTUYỆT MẬT\n")],
)
def test_secret_documents_are_refused(secrecy: str | None, text: str) -> None:
    with pytest.raises(SecretDocumentRefusedError, match="không được xử lý"):
        refuse_secret_documents(secrecy, text)


def test_ordinary_text_mentioning_secrecy_is_accepted() -> None:
    refuse_secret_documents(None, "Không gửi văn bản mật qua mạng.")
    refuse_secret_documents("", "")


def test_place_and_date_line_follows_nd30() -> None:
    assert place_and_date_line("Bến Tre", date(2026, 3, 5)) == "Bến Tre, ngày 05 tháng 3 năm 2026"
    assert place_and_date_line("Hà Nội", date(2026, 1, 9)) == "Hà Nội, ngày 09 tháng 01 năm 2026"
    assert place_and_date_line("Huế", date(2026, 11, 23)) == "Huế, ngày 23 tháng 11 năm 2026"


def test_a_unit_may_keep_one_outgoing_register_per_document_type(app: OfficeApplication) -> None:
    ids = with_tree(app)
    admin = actor(app, "root.admin")
    with pytest.raises(InvalidInputError, match="Cách lập sổ"):
        app.set_register_mode(admin, ids["prov-a"], "every_day")
    with pytest.raises(ForbiddenError):
        app.set_register_mode(actor(app, "prov-b.admin"), ids["prov-a"], "per_type")
    app.set_register_mode(admin, ids["prov-a"], "per_type")

    def issue(doc_type: str) -> str | None:
        document_id = draft(app, ids, doc_type=doc_type)
        app.submit(actor(app, "prov-a.drafter"), document_id)
        app.record_signature(actor(app, "prov-a.leader"), document_id, b"%PDF s", "ab", "B-B")
        app.request_issue(actor(app, "prov-a.clerk"), document_id)
        return app.issue_with_next_number(document_id, lambda n, s, t: s.encode()).number_symbol

    assert [issue(t) for t in ("ke_hoach", "quyet_dinh", "ke_hoach", "quyet_dinh")] == [
        "01/KH-PROV-A",
        "01/QĐ-PROV-A",
        "02/KH-PROV-A",
        "02/QĐ-PROV-A",
    ]


def test_the_read_model_knows_whom_a_draft_awaits(app: OfficeApplication) -> None:
    """A leader's to-do lists only the drafts submitted for their own signature."""
    ids = with_tree(app)
    deputy = app.open_account(
        "prov-a.deputy", "Phó Chủ tịch", ids["prov-a"], ["leader"], "Phó Chủ tịch", "x", None
    )
    for signer in (actor(app, "prov-a.leader").account_id, deputy):
        app.submit(actor(app, "prov-a.drafter"), draft(app, ids, signer_id=signer))
    rows = app.views.documents_in_status(ids["prov-a"], "submitted")
    assert sorted(row["signer_id"] for row in rows) == sorted(
        [str(actor(app, "prov-a.leader").account_id), str(deputy)]
    )
