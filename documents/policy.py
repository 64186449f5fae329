"""The one authorisation policy: may this person do this to this document?

Answers from the actor's roles and the relation between the actor's unit and the document's
issuer and recipients (own unit, parent, child, sibling, unrelated). A unit that merged into
another (``Unit.MergedInto``) left its documents to it: the people of the surviving unit hold the
merged unit's documents as their own (``holds``) for reading, receiving, handling, copying,
recalling and filing — never for drafting, signing or issuing in the merged unit's name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


TreeSource = UnitTree | Callable[[], UnitTree]
"""The unit tree, or how to get it: the policy loads it only when ids alone do not answer."""


class _Tree:
    """Loads the tree at most once per decision, and only if asked."""

    def __init__(self, source: TreeSource) -> None:
        self._source = source
        self._tree = source if isinstance(source, UnitTree) else None

    def __call__(self) -> UnitTree:
        if self._tree is None:
            assert not isinstance(self._source, UnitTree)
            self._tree = self._source()
        return self._tree


def holds(actor_unit: UUID, party_unit: UUID, tree: TreeSource) -> bool:
    """Whether the actor's unit holds ``party_unit``'s documents: it is that unit, or that unit
    merged into it (directly or through later merges, ``UnitTree.merge_chain``). Equal ids
    answer without the tree; only otherwise is it loaded."""
    if actor_unit == party_unit:
        return True
    units = _Tree(tree)()
    return party_unit in units and actor_unit in units.merge_chain(party_unit)


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


FOLLOWS_MERGES = frozenset({Action.RECALL, Action.FILE, Action.VIEW, Action.COPY, *RECIPIENT_ROLES})
"""Actions the surviving unit's people may take on a merged unit's documents."""


def is_allowed(actor: Actor, action: Action, parties: DocumentParties, tree: TreeSource) -> bool:
    units = _Tree(tree)

    def own(party: UUID) -> bool:
        if action in FOLLOWS_MERGES:
            return holds(actor.unit_id, party, units)
        return actor.unit_id == party

    if action in ISSUER_ROLES:
        return own(parties.issuer_unit_id) and any(map(actor.has, ISSUER_ROLES[action]))
    recipient = any(map(own, parties.recipient_unit_ids))
    if action in RECIPIENT_ROLES:
        return recipient and any(map(actor.has, RECIPIENT_ROLES[action]))
    if action is Action.COPY:  # the clerk of a unit holding the document, either side
        return (recipient or own(parties.issuer_unit_id)) and actor.has(Role.CLERK)
    if action is Action.VIEW:
        if recipient or own(parties.issuer_unit_id):
            return True
        if not actor.has(Role.AUDITOR):
            return False
        return any(
            relation(units(), actor.unit_id, party) is Relation.PARENT
            for party in (parties.issuer_unit_id, *parties.recipient_unit_ids)
        )
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


def reads_sign_ins(actor: Actor) -> bool:
    """Whether ``actor``'s roles read a sign-in history (auditors and administrators)."""
    return actor.has(Role.AUDITOR) or actor.has(Role.ADMIN)


def sign_in_history_scope(actor: Actor, tree: UnitTree) -> tuple[list[UUID] | None, bool]:
    """Whose sign-in history ``actor`` may read: auditors and administrators read their unit's
    subtree. Returns the unit ids (None: every unit) and whether attempts on unknown usernames
    (which belong to no unit) are included — only at the top of the tree."""
    if not reads_sign_ins(actor):
        raise ForbiddenError(
            "Chỉ cán bộ kiểm tra và quản trị được xem lịch sử đăng nhập.",
            "Only auditors and administrators may read the sign-in history.",
        )
    if actor.unit_id in tree and tree.get(actor.unit_id).parent_id is None:
        return None, True
    return [actor.unit_id, *tree.descendants(actor.unit_id)], False


def require(actor: Actor, action: Action, parties: DocumentParties, tree: TreeSource) -> None:
    if not is_allowed(actor, action, parties, tree):
        _refuse(actor, action)


def _refuse(actor: Actor, action: Action) -> NoReturn:
    what_vi, what_en = ACTION_LABELS[action]
    raise ForbiddenError(
        f"Tài khoản «{actor.username}» không có quyền {what_vi} này "
        "(ngoài vai trò hoặc ngoài đơn vị của mình).",
        f"Account '{actor.username}' may not {what_en} here (outside their role or their unit).",
    )
