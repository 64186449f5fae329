"""The one authorisation policy: may this person do this to this document?

Answers from the actor's roles and the relation between the actor's unit and the document's
issuer and recipients (own unit, parent, child, sibling, unrelated).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NoReturn
from uuid import UUID

from documents.accounts import Role
from documents.errors import ForbiddenError, NotFoundError
from documents.units import UnitTree


class Action(StrEnum):
    DRAFT = "draft"
    SUBMIT = "submit"
    REVISE = "revise"
    SIGN = "sign"
    RETURN = "return"  # return a submitted draft for revision, with a comment
    ISSUE = "issue"
    RECALL = "recall"
    FILE = "file"  # put into a file folder (hồ sơ)
    VIEW = "view"
    RECEIVE = "receive"  # register an arrival, acknowledge, return to sender, confirm destruction
    DIRECT = "direct"  # the leader's direction and assignment of an incoming document
    HANDLE = "handle"  # progress and completion of an assigned incoming document
    COPY = "copy"  # make an electronic copy (bản sao) of a document the unit issued or received


ACTION_LABELS = {
    Action.DRAFT: ("soạn thảo văn bản", "draft documents"),
    Action.SUBMIT: ("trình ký văn bản", "submit documents for signature"),
    Action.REVISE: ("sửa dự thảo", "revise drafts"),
    Action.RETURN: ("trả lại dự thảo", "return drafts for revision"),
    Action.RECALL: ("thu hồi văn bản", "recall documents"),
    Action.FILE: ("lập hồ sơ", "file documents"),
    Action.DIRECT: ("chỉ đạo, giao xử lý văn bản đến", "direct and assign incoming documents"),
    Action.HANDLE: ("xử lý văn bản đến", "handle incoming documents"),
    Action.SIGN: ("duyệt và ký văn bản", "approve and sign documents"),
    Action.ISSUE: ("cấp số và phát hành văn bản", "number and issue documents"),
    Action.VIEW: ("xem văn bản", "view documents"),
    Action.RECEIVE: ("tiếp nhận văn bản đến", "receive incoming documents"),
    Action.COPY: ("sao văn bản", "copy documents"),
}


class Relation(StrEnum):
    OWN = "own"
    PARENT = "parent"  # the actor's unit is an ancestor of the target unit
    CHILD = "child"  # the actor's unit is a descendant of the target unit
    SIBLING = "sibling"
    UNRELATED = "unrelated"


@dataclass(frozen=True)
class Actor:
    account_id: UUID
    username: str
    full_name: str
    unit_id: UUID
    roles: frozenset[str]

    def has(self, role: Role) -> bool:
        return role.value in self.roles


@dataclass(frozen=True)
class DocumentParties:
    issuer_unit_id: UUID
    recipient_unit_ids: Sequence[UUID] = field(default_factory=tuple)


def relation(tree: UnitTree, actor_unit: UUID, target_unit: UUID) -> Relation:
    if actor_unit == target_unit:
        return Relation.OWN
    if actor_unit in tree.ancestors(target_unit):
        return Relation.PARENT
    if target_unit in tree.ancestors(actor_unit):
        return Relation.CHILD
    actor_parent = tree.get(actor_unit).parent_id if actor_unit in tree else None
    target_parent = tree.get(target_unit).parent_id if target_unit in tree else None
    if actor_parent is not None and actor_parent == target_parent:
        return Relation.SIBLING
    return Relation.UNRELATED


# Who may act, by the side of the document their unit is on.
ISSUER_ROLES: dict[Action, frozenset[Role]] = {
    Action.DRAFT: frozenset({Role.DRAFTER}),
    Action.SUBMIT: frozenset({Role.DRAFTER}),
    Action.REVISE: frozenset({Role.DRAFTER}),
    Action.SIGN: frozenset({Role.LEADER}),
    Action.RETURN: frozenset({Role.LEADER}),
    Action.ISSUE: frozenset({Role.CLERK}),
    Action.RECALL: frozenset({Role.LEADER, Role.CLERK}),
    Action.FILE: frozenset({Role.CLERK}),
}
RECIPIENT_ROLES: dict[Action, frozenset[Role]] = {
    Action.RECEIVE: frozenset({Role.CLERK}),
    Action.DIRECT: frozenset({Role.LEADER}),
    Action.HANDLE: frozenset({Role.CLERK, Role.DRAFTER, Role.LEADER}),
}


def is_allowed(actor: Actor, action: Action, parties: DocumentParties, tree: UnitTree) -> bool:
    if action in RECIPIENT_ROLES:
        return recipient_allowed(actor, action, parties)
    issuer_relation = relation(tree, actor.unit_id, parties.issuer_unit_id)
    if action in ISSUER_ROLES:
        return issuer_relation is Relation.OWN and any(map(actor.has, ISSUER_ROLES[action]))
    recipient_relations = [relation(tree, actor.unit_id, r) for r in parties.recipient_unit_ids]
    if action is Action.COPY:  # the clerk of a unit holding the document, either side
        holds = Relation.OWN in (issuer_relation, *recipient_relations)
        return holds and actor.has(Role.CLERK)
    if action is Action.VIEW:
        relations = [issuer_relation, *recipient_relations]
        if Relation.OWN in relations:
            return True
        return actor.has(Role.AUDITOR) and Relation.PARENT in relations
    return False


def require_unit_admin(actor: Actor, unit_id: UUID, tree: UnitTree) -> None:
    """Administering a unit (rename, move, merge, dissolve): an admin of it or of an ancestor."""
    if unit_id not in tree:
        raise NotFoundError("Không tìm thấy đơn vị.", "No such unit.")
    if actor.has(Role.ADMIN) and relation(tree, actor.unit_id, unit_id) in (
        Relation.OWN,
        Relation.PARENT,
    ):
        return
    raise ForbiddenError(
        f"Tài khoản «{actor.username}» không có quyền quản trị đơn vị này.",
        f"Account '{actor.username}' may not administer this unit.",
    )


def sign_in_history_scope(actor: Actor, tree: UnitTree) -> tuple[list[UUID] | None, bool]:
    """Whose sign-in history ``actor`` may read: auditors and administrators read their unit's
    subtree. Returns the unit ids (None: every unit) and whether attempts on unknown usernames
    (which belong to no unit) are included — only at the top of the tree."""
    if not (actor.has(Role.AUDITOR) or actor.has(Role.ADMIN)):
        raise ForbiddenError(
            "Chỉ cán bộ kiểm tra và quản trị được xem lịch sử đăng nhập.",
            "Only auditors and administrators may read the sign-in history.",
        )
    if actor.unit_id in tree and tree.get(actor.unit_id).parent_id is None:
        return None, True
    return [actor.unit_id, *tree.descendants(actor.unit_id)], False


def recipient_allowed(actor: Actor, action: Action, parties: DocumentParties) -> bool:
    """A recipient-side action (``RECIPIENT_ROLES``): the actor's own unit is a recipient and the
    actor holds the role there. The unit tree plays no part (only the relation "own", which is
    equality), so callers need not load it."""
    return actor.unit_id in parties.recipient_unit_ids and any(
        map(actor.has, RECIPIENT_ROLES[action])
    )


def require_recipient(actor: Actor, action: Action, parties: DocumentParties) -> None:
    """``require`` for a recipient-side action, without the unit tree."""
    if action not in RECIPIENT_ROLES:
        raise ValueError(f"{action} is not a recipient-side action")
    if not recipient_allowed(actor, action, parties):
        _refuse(actor, action)


def require(actor: Actor, action: Action, parties: DocumentParties, tree: UnitTree) -> None:
    if not is_allowed(actor, action, parties, tree):
        _refuse(actor, action)


def _refuse(actor: Actor, action: Action) -> NoReturn:
    what_vi, what_en = ACTION_LABELS[action]
    raise ForbiddenError(
        f"Tài khoản «{actor.username}» không có quyền {what_vi} này "
        "(ngoài vai trò hoặc ngoài đơn vị của mình).",
        f"Account '{actor.username}' may not {what_en} here (outside their role or their unit).",
    )
