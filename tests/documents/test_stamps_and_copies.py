"""The incoming stamp recorded with the registration (``Receipt.ArrivalStamped``, the original
kept), electronic copies (``DocumentCopy.Made``) numbered in the unit's register of copies, and
who may stamp and copy. The PDFs here are stand-ins: the signing itself is tested in
tests/signing and over HTTP in tests/e2e."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from uuid import UUID

import pytest

from documents.application import OfficeApplication
from documents.errors import ConflictError, ForbiddenError, InvalidInputError
from documents.policy import Action, DocumentParties, is_allowed
from tests.documents.builders import actor, office, with_tree
from tests.documents.test_lifecycle_steps import history, issued


@pytest.fixture
def app(tmp_path: Path) -> OfficeApplication:
    return office(tmp_path)


@pytest.fixture
def ids(app: OfficeApplication) -> dict[str, UUID]:
    return with_tree(app)


def stamper(number: int, at: datetime) -> tuple[bytes, str]:
    return f"%PDF stamped {number} {at.isoformat()}".encode(), "PAdES-B-B"


def fake_copy(source: bytes, symbol: str, at: datetime) -> tuple[bytes, str]:
    return source + f" copy {symbol}".encode(), "PAdES-B-B"


def test_registering_records_the_stamped_copy_beside_the_original(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    document_id = issued(app, ids)
    receipt_id = app.receipt_for(document_id, ids["upper-a1"]).id
    original = app.receipt(receipt_id).file_sha256

    number = app.register_receipt(actor(app, "upper-a1.clerk"), receipt_id, True, "ok", stamper)

    receipt = app.receipt(receipt_id)
    assert receipt.file_sha256 == original and receipt.stamped_sha256 not in (None, original)
    assert app.blobs.get(receipt.stamped_sha256 or "").startswith(b"%PDF stamped 1 ")
    assert app.blobs.get(original) == b"%PDF 01/KH-PROV-A"  # untouched
    assert history(app, document_id)[-2:] == ["Registered", "ArrivalStamped"]
    assert number == 1


def test_without_a_stamp_the_registration_stands_alone(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    document_id = issued(app, ids)
    receipt_id = app.receipt_for(document_id, ids["upper-a1"]).id
    app.register_receipt(actor(app, "upper-a1.clerk"), receipt_id, False, "bad", lambda n, t: None)
    assert app.receipt(receipt_id).stamped_sha256 is None
    assert history(app, document_id)[-1] == "Registered"


def test_only_the_receiving_clerk_registers_and_stamps(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    document_id = issued(app, ids)
    receipt_id = app.receipt_for(document_id, ids["upper-a1"]).id
    calls: list[int] = []

    def counting(number: int, at: datetime) -> tuple[bytes, str]:
        calls.append(number)
        return stamper(number, at)

    for username in ("upper-a1.leader", "upper-a1.drafter", "upper-a2.clerk", "prov-a.clerk"):
        with pytest.raises(ForbiddenError):
            app.register_receipt(actor(app, username), receipt_id, True, "ok", counting)
    assert calls == [] and app.receipt(receipt_id).stamped_sha256 is None


def test_a_stamp_cannot_be_applied_twice_or_before_registration(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    document_id = issued(app, ids)
    receipt = app.receipt_for(document_id, ids["upper-a1"])
    clerk = actor(app, "upper-a1.clerk")
    with pytest.raises(ConflictError, match="vào sổ"):
        receipt.record_arrival_stamp("ab" * 32, clerk.account_id, datetime.now().astimezone(), "")
    app.register_receipt(clerk, receipt.id, True, "ok", stamper)
    registered = app.receipt(receipt.id)
    with pytest.raises(ConflictError, match="đã được đóng dấu đến"):
        registered.record_arrival_stamp(
            "cd" * 32, clerk.account_id, datetime.now().astimezone(), ""
        )


def test_the_issuer_and_a_registered_recipient_copy_with_their_own_numbers(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    document_id = issued(app, ids)
    receipt_id = app.receipt_for(document_id, ids["upper-a1"]).id
    app.register_receipt(actor(app, "upper-a1.clerk"), receipt_id, True, "ok", stamper)

    first = app.make_copy(actor(app, "prov-a.clerk"), document_id, "sao_y", None, fake_copy)
    second = app.make_copy(actor(app, "prov-a.clerk"), document_id, "sao_luc", [], fake_copy)
    received = app.make_copy(actor(app, "upper-a1.clerk"), document_id, "trich_sao", [1], fake_copy)

    assert [first.number_symbol, second.number_symbol] == ["01/SY-PROV-A", "02/SL-PROV-A"]
    assert received.number_symbol == "01/TS-UPPER-A1" and received.pages == [1]
    original = app.receipt(receipt_id).file_sha256
    assert received.source_sha256 == original  # the file as it arrived, not the stamped one
    assert app.blobs.get(first.sha256).endswith(b"copy 01/SY-PROV-A")
    rows = app.copies_of(actor(app, "prov-a.clerk"), document_id)
    assert [(r["form"], r["number_symbol"]) for r in rows] == [
        ("sao_y", "01/SY-PROV-A"),
        ("sao_luc", "02/SL-PROV-A"),
    ]
    assert [r["pages"] for r in app.copies_of(actor(app, "upper-a1.clerk"), document_id)] == [[1]]
    assert history(app, document_id).count("Made") == 3
    assert app.document_copy(actor(app, "upper-a1.drafter"), received.id).id == received.id
    with pytest.raises(ForbiddenError):
        app.document_copy(actor(app, "prov-a.clerk"), received.id)


@pytest.mark.parametrize(
    ("form", "pages", "message"),
    [
        ("ban_chup", None, "Hình thức sao không hợp lệ"),
        ("trich_sao", None, "ít nhất một trang"),
        ("trich_sao", [0], "không hợp lệ"),
        ("trich_sao", [2, 2], "nhiều lần"),
        ("sao_y", [1], "Chỉ chọn trang khi trích sao"),
    ],
)
def test_bad_copy_requests_are_refused_and_store_nothing(
    app: OfficeApplication, ids: dict[str, UUID], form: str, pages: list[int] | None, message: str
) -> None:
    document_id = issued(app, ids)
    with pytest.raises(InvalidInputError, match=message):
        app.make_copy(actor(app, "prov-a.clerk"), document_id, form, pages, fake_copy)
    assert app.copies_of(actor(app, "prov-a.clerk"), document_id) == []


def test_a_failed_signing_takes_no_number(app: OfficeApplication, ids: dict[str, UUID]) -> None:
    document_id = issued(app, ids)

    def failing(source: bytes, symbol: str, at: datetime) -> tuple[bytes, str]:
        raise InvalidInputError("Trang được chọn không có trong văn bản.", "No such page.")

    with pytest.raises(InvalidInputError):
        app.make_copy(actor(app, "prov-a.clerk"), document_id, "trich_sao", [9], failing)
    copy = app.make_copy(actor(app, "prov-a.clerk"), document_id, "sao_y", None, fake_copy)
    assert copy.number_symbol == "01/SY-PROV-A"  # the failed attempt left no gap


def test_who_may_copy(app: OfficeApplication, ids: dict[str, UUID]) -> None:
    document_id = issued(app, ids)
    tree = app.tree()
    parties = DocumentParties(ids["prov-a"], (ids["upper-a1"], ids["upper-a2"]))
    allowed = {
        username
        for code in ids
        for username in (f"{code}.{role}" for role in ("clerk", "leader", "drafter", "auditor"))
        if is_allowed(actor(app, username), Action.COPY, parties, tree)
    }
    assert allowed == {"prov-a.clerk", "upper-a1.clerk", "upper-a2.clerk"}

    # a recipient copies only what it registered; nobody copies a draft or a recalled document
    with pytest.raises(ConflictError, match="đã vào sổ"):
        app.make_copy(actor(app, "upper-a2.clerk"), document_id, "sao_y", None, fake_copy)
    with pytest.raises(ForbiddenError):
        app.make_copy(actor(app, "prov-a.leader"), document_id, "sao_y", None, fake_copy)
    with pytest.raises(ForbiddenError):
        app.make_copy(actor(app, "base-a1.clerk"), document_id, "sao_y", None, fake_copy)
    app.recall(actor(app, "prov-a.leader"), document_id, "Sai sót")
    with pytest.raises(ConflictError, match="còn hiệu lực"):
        app.make_copy(actor(app, "prov-a.clerk"), document_id, "sao_y", None, fake_copy)
