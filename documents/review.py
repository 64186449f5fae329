"""The review chain of a submitted document (duyệt văn bản trước khi ký): who may be chosen as a
reviewer, and who may approve, return or withdraw at each step.

The chain is chosen by the drafter when submitting: one or more persons of the issuing unit, in
order; each approves (the step passes on) or returns the draft with a comment; after the last,
the designated leader signs. No reviewers: straight to the leader, as before the chain existed.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from documents.accounts import Account, Role
from documents.errors import ConflictError, ForbiddenError, InvalidInputError
from documents.outgoing import DocumentStatus, OutgoingDocument
from documents.policy import Actor

MAX_REVIEWERS = 5
REVIEWER_ROLES = (Role.DRAFTER, Role.LEADER)
"""Reviewers are the unit's specialists or leaders (chuyên viên, trưởng phòng, phó chủ tịch)."""


def check_reviewers(document: OutgoingDocument, reviewers: Sequence[Account]) -> list[UUID]:
    """The chain as chosen at submit, checked: persons of the issuing unit who can review,
    neither the drafter nor the signer, each once, at most ``MAX_REVIEWERS``."""
    check_reviewer_count(len(reviewers))
    ids = [account.id for account in reviewers]
    if len(set(ids)) != len(ids):
        raise InvalidInputError(
            "Mỗi người duyệt chỉ được chọn một lần.", "Each reviewer may be chosen once."
        )
    for account in reviewers:
        if account.unit_id != document.issuer_unit_id:
            raise InvalidInputError(
                f"Người duyệt «{account.username}» không thuộc đơn vị ban hành.",
                f"Reviewer '{account.username}' is not a member of the issuing unit.",
            )
        if not any(role.value in account.roles for role in REVIEWER_ROLES):
            raise InvalidInputError(
                f"«{account.username}» không phải chuyên viên hay lãnh đạo, không thể duyệt.",
                f"'{account.username}' is neither a specialist nor a leader and cannot review.",
            )
        if account.id in (document.drafted_by, document.signer_id):
            raise InvalidInputError(
                f"«{account.username}» là người soạn hoặc người ký, không làm người duyệt.",
                f"'{account.username}' drafts or signs this document and cannot review it.",
            )
    return ids


def check_reviewer_count(count: int) -> None:
    if count > MAX_REVIEWERS:
        raise InvalidInputError(
            f"Chỉ chọn tối đa {MAX_REVIEWERS} người duyệt.",
            f"Choose at most {MAX_REVIEWERS} reviewers.",
        )


def require_current_reviewer(actor: Actor, document: OutgoingDocument, holder_name: str) -> None:
    """Only the reviewer whose turn it is may approve or return during the review."""
    if not document.in_review:
        raise ConflictError(
            "Văn bản không ở bước duyệt.", "The document is not waiting for a reviewer."
        )
    if actor.account_id != document.holder_id:
        raise ForbiddenError(
            f"Văn bản đang chờ {holder_name} cho ý kiến; chỉ người này được duyệt hoặc trả lại.",
            f"The document is waiting for {holder_name}; only they may approve or return it.",
        )


def require_drafter(actor: Actor, document: OutgoingDocument) -> None:
    """Only the person who drafted a submitted document may withdraw it."""
    if actor.account_id != document.drafted_by or not actor.has(Role.DRAFTER):
        raise ForbiddenError(
            "Chỉ người soạn văn bản được rút lại văn bản đã trình.",
            "Only the drafter may withdraw a submitted document.",
        )
    if document.status != DocumentStatus.SUBMITTED:
        raise ConflictError(
            "Chỉ rút lại được văn bản đang trình, chưa ký.",
            "Only a submitted document that is not signed yet can be withdrawn.",
        )
