"""Response deadlines, reminders and the overdue list, progress counts and forwarding on a real
SQLite event store."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from documents.application import OfficeApplication
from documents.clock import VIETNAM_TZ, now_vietnam
from documents.deadlines import (
    overdue_moment,
    parse_response_deadline,
    reminder_moment,
)
from documents.errors import ConflictError, ForbiddenError, InvalidInputError
from documents.follow_up import FollowUpKind
from documents.receipts import ReceiptStatus
from tests.documents.builders import actor, office, with_tree


@pytest.fixture
def app(tmp_path: Path) -> OfficeApplication:
    return office(tmp_path)


def issued(
    app: OfficeApplication,
    ids: dict[str, UUID],
    issuer: str = "prov-a",
    recipients: tuple[str, ...] = ("upper-a1", "upper-a2"),
    deadline: datetime | None = None,
) -> UUID:
    document_id = app.draft_document(
        actor(app, f"{issuer}.drafter"),
        doc_type="ke_hoach",
        subject="Kế hoạch thử",
        urgency="thuong",
        secrecy=None,
        recipient_unit_ids=[ids[code] for code in recipients],
        body_pdf=b"%PDF-1.7 body",
        body_source="upload",
        body_text="",
        signer_id=actor(app, f"{issuer}.leader").account_id,
        response_deadline=deadline,
    )
    app.submit(actor(app, f"{issuer}.drafter"), document_id)
    app.record_signature(actor(app, f"{issuer}.leader"), document_id, b"%PDF signed", "ab", "B-B")
    app.request_issue(actor(app, f"{issuer}.clerk"), document_id)
    app.issue_with_next_number(document_id, lambda n, s, t: b"%PDF issued")
    return document_id


def dispatched(app: OfficeApplication, ids: dict[str, UUID], **kwargs: object) -> UUID:
    document_id = issued(app, ids, **kwargs)  # type: ignore[arg-type]
    recipients = app.dispatch_list(document_id).recipients
    app.deliver(document_id, recipients)
    app.mark_dispatched(document_id, len(recipients))
    return document_id


def receive(app: OfficeApplication, document_id: UUID, code: str, ids: dict[str, UUID]) -> UUID:
    receipt = app.receipt_for(document_id, ids[code])
    app.register_receipt(actor(app, f"{code}.clerk"), receipt.id, True, "hợp lệ")
    return receipt.id


def test_deadlines_parse_as_vietnam_time_and_refuse_the_past() -> None:
    day = parse_response_deadline("2030-03-05")
    assert day == datetime(2030, 3, 5, 23, 59, 59, tzinfo=VIETNAM_TZ)
    assert parse_response_deadline("2030-03-05T17:00") == datetime(
        2030, 3, 5, 17, tzinfo=VIETNAM_TZ
    )
    assert parse_response_deadline("  ") is None
    with pytest.raises(InvalidInputError, match="Hạn trả lời không hợp lệ") as bad:
        parse_response_deadline("05/03/2030")
    assert "Invalid response deadline" in bad.value.message_en
    assert reminder_moment(day, 1) == datetime(2030, 3, 4, 8, tzinfo=VIETNAM_TZ)
    assert overdue_moment(day) == datetime(2030, 3, 6, 0, tzinfo=VIETNAM_TZ)


def test_a_past_deadline_is_refused_and_nothing_is_stored(app: OfficeApplication) -> None:
    ids = with_tree(app)
    before = app.recorder.max_notification_id()
    with pytest.raises(InvalidInputError, match="đã qua") as refusal:
        issued(app, ids, deadline=now_vietnam() - timedelta(hours=1))
    assert "in the past" in refusal.value.message_en
    assert app.recorder.max_notification_id() == before
    with pytest.raises(InvalidInputError, match="quá xa"):
        issued(app, ids, deadline=now_vietnam() + timedelta(days=3000))


def test_progress_counts_deliveries_answers_reminders_and_the_overdue(
    app: OfficeApplication,
) -> None:
    ids = with_tree(app)
    deadline = now_vietnam() + timedelta(days=3)
    document_id = dispatched(app, ids, deadline=deadline)
    times = app.follow_up_times(document_id)
    assert times.remind_at == reminder_moment(deadline, 1)
    assert times.overdue_at == overdue_moment(deadline)
    sender = actor(app, "prov-a.clerk")
    progress = app.dispatch_progress(sender, document_id)
    assert (progress["total"], progress["delivered"], progress["acknowledged"]) == (2, 2, 0)
    assert progress["finished"] and not progress["running"]
    receipt = receive(app, document_id, "upper-a1", ids)
    app.acknowledge(actor(app, "upper-a1.clerk"), receipt)
    assert app.dispatch_progress(sender, document_id)["acknowledged"] == 1
    batches: list[int] = []
    assert app.send_follow_up(document_id, FollowUpKind.REMINDER, batches.append) == 1
    assert batches == [1]
    assert app.send_follow_up(document_id, FollowUpKind.REMINDER) == 1  # a retry: no new events
    assert app.send_follow_up(document_id, FollowUpKind.OVERDUE) == 1
    progress = app.dispatch_progress(sender, document_id)
    assert (progress["reminded"], progress["overdue"]) == (1, 1)
    listed = app.overdue_list(sender, document_id)["units"]
    assert [row["unit_id"] for row in listed] == [str(ids["upper-a2"])]
    with pytest.raises(ForbiddenError):  # the figures are the sender's
        app.dispatch_progress(actor(app, "prov-b.clerk"), document_id)


def test_the_senders_todo_lists_dispatches_past_their_deadline(app: OfficeApplication) -> None:
    ids = with_tree(app)
    document_id = dispatched(app, ids, deadline=now_vietnam() + timedelta(days=2))
    assert app.overdue_dispatches(ids["prov-a"]) == []
    with app.views._connect() as db:  # the deadline passes (time cannot be skipped here)
        db.execute(
            "UPDATE dispatch_progress SET deadline=? WHERE document_id=?",
            ((now_vietnam() - timedelta(hours=1)).isoformat(), str(document_id)),
        )
    rows = app.overdue_dispatches(ids["prov-a"])
    assert [(row["id"], row["unanswered"]) for row in rows] == [(str(document_id), 2)]


def test_forwarding_reaches_the_subtree_once_and_counts_how_far(app: OfficeApplication) -> None:
    ids = with_tree(app)
    document_id = dispatched(app, ids, issuer="root", recipients=("prov-a", "prov-b"))
    prov_a = receive(app, document_id, "prov-a", ids)
    part = app.forward(
        actor(app, "prov-a.clerk"), prov_a, [ids["upper-a1"], ids["upper-a2"], ids["base-a1"]]
    )
    units = app.forwarding_units(document_id, ids["prov-a"], part.part)
    assert app.deliver_forwarded(document_id, ids["prov-a"], units[:1]) == 1
    assert app.deliver_forwarded(document_id, ids["prov-a"], units) == 2  # a retried batch
    assert app.deliver_forwarded(document_id, ids["prov-a"], units) == 0
    upper = receive(app, document_id, "upper-a1", ids)
    assert app.receipt(upper).via_unit_id == ids["prov-a"]
    again = app.forward(actor(app, "upper-a1.clerk"), upper, [ids["base-a1"]])
    assert again.part == 0
    # base-a1 has it from prov-a already: not delivered twice
    assert app.deliver_forwarded(document_id, ids["upper-a1"], [ids["base-a1"]]) == 0
    progress = app.dispatch_progress(actor(app, "root.clerk"), document_id)
    assert (progress["delivered"], progress["forwarded"]) == (2, 3)
    assert progress["travel"] == [
        {"level": "provincial", "direct": 2, "forwarded": 0},
        {"level": "upper_grassroots", "direct": 0, "forwarded": 2},
        {"level": "grassroots", "direct": 0, "forwarded": 1},
    ]
    assert [(f["unit_id"], f["units"]) for f in progress["forwarders"]] == [(str(ids["prov-a"]), 3)]
    # forwarded copies are not the sender's recipients: no reminder for them
    assert app.send_follow_up(document_id, FollowUpKind.REMINDER) == 2  # prov-a and prov-b


def test_forwarding_refusals(app: OfficeApplication) -> None:
    ids = with_tree(app)
    document_id = dispatched(app, ids, issuer="root", recipients=("prov-a", "prov-b"))
    receipt = app.receipt_for(document_id, ids["prov-a"]).id
    clerk = actor(app, "prov-a.clerk")
    with pytest.raises(ConflictError, match="vào sổ"):  # not received yet
        app.forward(clerk, receipt, [ids["upper-a1"]])
    receive(app, document_id, "prov-a", ids)
    with pytest.raises(InvalidInputError, match="cấp dưới"):  # not below prov-a
        app.forward(clerk, receipt, [ids["prov-b"]])
    with pytest.raises(InvalidInputError, match="cấp dưới"):  # itself
        app.forward(clerk, receipt, [ids["prov-a"]])
    with pytest.raises(InvalidInputError, match="ít nhất"):
        app.forward(clerk, receipt, [])
    with pytest.raises(ForbiddenError):  # a drafter is not the clerk
        app.forward(actor(app, "prov-a.drafter"), receipt, [ids["upper-a1"]])
    before = app.recorder.max_notification_id()
    app.recall(actor(app, "root.clerk"), document_id, "Sai sót")
    app.notice_recall_everywhere(document_id)
    assert app.recorder.max_notification_id() > before
    with pytest.raises(ConflictError, match="thu hồi"):
        app.forward(clerk, receipt, [ids["upper-a1"]])


def test_recall_reaches_forwarded_copies(app: OfficeApplication) -> None:
    ids = with_tree(app)
    document_id = dispatched(app, ids, issuer="root", recipients=("prov-a",))
    prov_a = receive(app, document_id, "prov-a", ids)
    part = app.forward(actor(app, "prov-a.clerk"), prov_a, [ids["upper-a1"], ids["base-a1"]])
    app.deliver_forwarded(
        document_id, ids["prov-a"], app.forwarding_units(document_id, ids["prov-a"], part.part)
    )
    app.recall(actor(app, "root.clerk"), document_id, "Ban hành nhầm")
    assert app.notice_recall_everywhere(document_id) == 3
    for code in ("prov-a", "upper-a1", "base-a1"):
        assert app.receipt_for(document_id, ids[code]).status == ReceiptStatus.RECALLED
    assert app.deliver_forwarded(document_id, ids["prov-a"], [ids["upper-a2"]]) == 0
    assert app.follow_up_times(document_id).overdue_at is None
