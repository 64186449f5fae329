"""The review chain: reviewers chosen at submit approve in order or return with a comment, the
drafter withdraws, reminders and escalations; who may do what; the to-do lists."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

from documents.application import OfficeApplication
from documents.errors import ConflictError, ForbiddenError, InvalidInputError
from documents.review import MAX_REVIEWERS
from tests.documents.builders import actor, office, with_tree


@pytest.fixture
def app(tmp_path: Path) -> OfficeApplication:
    return office(tmp_path)


@pytest.fixture
def ids(app: OfficeApplication) -> dict[str, UUID]:
    ids = with_tree(app)
    # two more people of prov-a who review: a head of department and a deputy leader
    for username, role in (("prov-a.truongphong", "drafter"), ("prov-a.phochutich", "leader")):
        app.open_account(username, f"Người {username}", ids["prov-a"], [role], "", "x", None)
    return ids


def drafted(app: OfficeApplication, ids: dict[str, UUID]) -> UUID:
    return app.draft_document(
        actor(app, "prov-a.drafter"),
        doc_type="ke_hoach",
        subject="Kế hoạch",
        urgency="thuong",
        secrecy=None,
        recipient_unit_ids=[ids["upper-a1"]],
        body_pdf=b"%PDF-1.7 v1",
        body_source="upload",
        body_text="",
        signer_id=actor(app, "prov-a.leader").account_id,
    )


def reviewers(app: OfficeApplication, *usernames: str) -> list[UUID]:
    return [app.account(name).id for name in usernames]


def events(app: OfficeApplication, document_id: UUID) -> list[str]:
    return [entry.event.split(".")[1] for entry in app.views.history(document_id)]


CHAIN = ("prov-a.truongphong", "prov-a.phochutich")


def submitted_with_chain(app: OfficeApplication, ids: dict[str, UUID]) -> UUID:
    document_id = drafted(app, ids)
    app.submit(actor(app, "prov-a.drafter"), document_id, reviewers(app, *CHAIN))
    return document_id


def test_two_reviewers_approve_in_order_then_the_leader_signs(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    document_id = submitted_with_chain(app, ids)
    first, second = (actor(app, name) for name in CHAIN)
    leader = actor(app, "prov-a.leader")
    assert app.document(document_id).holder_id == first.account_id
    assert [d["id"] for d in app.views.documents_held_by(first.account_id, "review")] == [
        str(document_id)
    ]
    assert app.views.documents_held_by(leader.account_id, "sign") == []
    with pytest.raises(ConflictError, match="còn chờ"):
        app.check_can_sign(leader, document_id)
    with pytest.raises(ForbiddenError, match="chỉ người này"):
        app.approve_review(second, document_id)  # not their turn yet
    app.approve_review(first, document_id, "Đồng ý")
    app.approve_review(first, document_id, "Đồng ý", step=0)  # a repeated command: no-op
    assert app.document(document_id).holder_id == second.account_id
    app.approve_review(second, document_id)
    assert app.views.documents_held_by(second.account_id, "review") == []
    assert [d["id"] for d in app.views.documents_held_by(leader.account_id, "sign")] == [
        str(document_id)
    ]
    with pytest.raises(ConflictError, match="qua các bước duyệt"):
        app.document(document_id).approve_review(second.account_id, "")
    app.record_signature(leader, document_id, b"%PDF signed", "ab", "B-B")
    assert app.views.documents_held_by(leader.account_id, "sign") == []
    assert events(app, document_id) == [
        "Drafted",
        "Submitted",
        "ReviewApproved",
        "ReviewApproved",
        "ApprovedAndSigned",
    ]
    assert app.views.history(document_id)[2].detail == {"comment": "Đồng ý"}


def test_a_reviewer_returns_with_a_comment_and_the_drafter_resubmits(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    document_id = submitted_with_chain(app, ids)
    first = actor(app, CHAIN[0])
    with pytest.raises(InvalidInputError, match="ý kiến"):
        app.return_for_revision(first, document_id, "  ")
    with pytest.raises(ForbiddenError):  # the leader may not jump the chain
        app.return_for_revision(actor(app, "prov-a.leader"), document_id, "Sửa")
    app.return_for_revision(first, document_id, "Bổ sung số liệu mục II")
    assert app.views.document(document_id)["status"] == "returned"
    assert app.views.documents_held_by(first.account_id, "review") == []
    app.revise_document(actor(app, "prov-a.drafter"), document_id, b"%PDF-1.7 v2", "")
    app.submit(actor(app, "prov-a.drafter"), document_id)  # this time without reviewers
    document = app.document(document_id)
    assert (document.holder_id, document.submissions) == (document.signer_id, 2)


def test_only_the_drafter_withdraws_a_submitted_draft(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    document_id = submitted_with_chain(app, ids)
    with pytest.raises(ForbiddenError, match="người soạn"):
        app.withdraw_submission(actor(app, CHAIN[0]), document_id, "Thôi")
    with pytest.raises(InvalidInputError, match="lý do"):
        app.withdraw_submission(actor(app, "prov-a.drafter"), document_id, "")
    app.withdraw_submission(actor(app, "prov-a.drafter"), document_id, "Cần sửa tiêu đề")
    assert app.views.document(document_id)["status"] == "draft"
    assert app.document(document_id).holder_id is None
    with pytest.raises(ConflictError, match="rút lại"):
        app.withdraw_submission(actor(app, "prov-a.drafter"), document_id, "Lần nữa")
    assert events(app, document_id)[-1] == "Withdrawn"


def test_reminders_and_escalation_once_per_step_and_only_for_the_holder(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    document_id = submitted_with_chain(app, ids)
    first, second = (actor(app, name).account_id for name in CHAIN)
    leader = actor(app, "prov-a.leader").account_id
    assert app.record_step_reminder(document_id, first)
    assert app.record_step_reminder(document_id, first)  # still the holder; recorded once
    assert not app.record_step_reminder(document_id, second)  # not the holder
    assert app.views.documents_held_by(first, "review")[0]["reminded"] == 1
    assert app.record_step_escalation(document_id, first) == leader  # the signer is told
    assert app.record_step_escalation(document_id, first) == leader  # recorded once
    assert app.record_step_escalation(document_id, second) is None  # not the holder
    assert [d["id"] for d in app.views.documents_escalated_to(leader)] == [str(document_id)]
    app.approve_review(actor(app, CHAIN[0]), document_id)
    assert app.views.documents_held_by(second, "review")[0]["reminded"] == 0  # a new step
    assert app.views.documents_escalated_to(leader) == []
    app.approve_review(actor(app, CHAIN[1]), document_id)
    # the signer waits too long: another leader of the unit is told
    deputy = actor(app, CHAIN[1]).account_id
    assert app.record_step_escalation(document_id, leader) == deputy
    assert events(app, document_id).count("ReminderSent") == 1
    assert events(app, document_id).count("Escalated") == 2


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        (("prov-a.drafter",), "người soạn"),  # the drafter
        (("prov-a.leader",), "người ký"),  # the signer
        (("prov-a.clerk",), "không phải chuyên viên"),  # a clerk does not review
        (("prov-b.drafter",), "không thuộc đơn vị"),  # another unit
        ((CHAIN[0], CHAIN[0]), "một lần"),
    ],
)
def test_a_bad_chain_is_refused_and_nothing_is_stored(
    app: OfficeApplication, ids: dict[str, UUID], chosen: tuple[str, ...], message: str
) -> None:
    document_id = drafted(app, ids)
    with pytest.raises(InvalidInputError, match=message):
        app.submit(actor(app, "prov-a.drafter"), document_id, reviewers(app, *chosen))
    assert app.views.document(document_id)["status"] == "draft"
    assert events(app, document_id) == ["Drafted"]


def test_at_most_five_reviewers_and_only_known_people(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    document_id = drafted(app, ids)
    drafter = actor(app, "prov-a.drafter")
    with pytest.raises(InvalidInputError, match="tối đa"):
        app.submit(drafter, document_id, [UUID(int=n) for n in range(MAX_REVIEWERS + 1)])
    with pytest.raises(InvalidInputError, match="Không có người duyệt"):
        app.submit(drafter, document_id, [UUID(int=1)])


def test_without_reviewers_the_leader_signs_as_before(
    app: OfficeApplication, ids: dict[str, UUID]
) -> None:
    document_id = drafted(app, ids)
    app.submit(actor(app, "prov-a.drafter"), document_id)
    leader = actor(app, "prov-a.leader")
    assert [d["id"] for d in app.views.documents_held_by(leader.account_id, "sign")] == [
        str(document_id)
    ]
    with pytest.raises(ConflictError, match="Văn bản không ở bước duyệt"):
        app.approve_review(leader, document_id)
    app.record_signature(leader, document_id, b"%PDF signed", "ab", "B-B")
    assert app.views.document(document_id)["status"] == "signed"
