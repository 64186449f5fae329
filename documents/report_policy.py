"""Who may do what in a report round: open it, fill and sign a unit's report, review it, read
the roll-up of a subtree, close the round. Same roles and unit relations as ``policy``."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from documents.accounts import Role
from documents.errors import ForbiddenError
from documents.policy import Actor
from documents.units import UnitTree


class ReportAction(StrEnum):
    OPEN = "open"
    SUBMIT = "submit"
    REVIEW = "review"
    READ = "read"
    CLOSE = "close"


REPORT_ACTION_LABELS = {
    ReportAction.OPEN: ("mở đợt báo cáo", "open report rounds"),
    ReportAction.SUBMIT: ("ký và nộp báo cáo của đơn vị", "sign and submit the unit's report"),
    ReportAction.REVIEW: ("tiếp nhận hoặc trả lại báo cáo", "accept or return reports"),
    ReportAction.READ: ("xem số liệu báo cáo", "read report figures"),
    ReportAction.CLOSE: ("khóa sổ đợt báo cáo", "close report rounds"),
}

ROLES = {
    ReportAction.OPEN: {Role.LEADER, Role.DRAFTER},
    ReportAction.SUBMIT: {Role.LEADER},  # the report is signed by the unit's leader
    ReportAction.REVIEW: {Role.LEADER, Role.DRAFTER},
    ReportAction.CLOSE: {Role.LEADER},
}


def within(tree: UnitTree, unit_id: UUID, root_id: UUID) -> bool:
    return unit_id in tree and tree.is_in_subtree(unit_id, root_id)


def may(
    actor: Actor,
    action: ReportAction,
    tree: UnitTree,
    *,
    requester_unit_id: UUID,
    unit_id: UUID | None = None,
) -> bool:
    """``unit_id``: the submitting unit (submit, review) or the subtree root read (read)."""
    if action is ReportAction.READ:
        # a unit reads its own subtree's figures, inside the round's subtree; above it, the
        # requester reads everything
        target = unit_id or requester_unit_id
        return within(tree, target, requester_unit_id) and within(tree, target, actor.unit_id)
    if not any(actor.has(role) for role in ROLES[action]):
        return False
    if action in (ReportAction.OPEN, ReportAction.CLOSE):
        return actor.unit_id == requester_unit_id
    assert unit_id is not None
    if action is ReportAction.SUBMIT:
        return actor.unit_id == unit_id
    # review: any upper unit of the submitting unit, inside the round's subtree
    return (
        actor.unit_id != unit_id
        and within(tree, unit_id, actor.unit_id)
        and within(tree, actor.unit_id, requester_unit_id)
    )


def require(
    actor: Actor,
    action: ReportAction,
    tree: UnitTree,
    *,
    requester_unit_id: UUID,
    unit_id: UUID | None = None,
) -> None:
    if not may(actor, action, tree, requester_unit_id=requester_unit_id, unit_id=unit_id):
        vi, en = REPORT_ACTION_LABELS[action]
        raise ForbiddenError(
            f"Tài khoản «{actor.username}» không có quyền {vi} này "
            "(ngoài vai trò hoặc ngoài đơn vị của mình).",
            f"Account '{actor.username}' may not {en} here (outside their role or their unit).",
        )
