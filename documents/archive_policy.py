"""Who may read the archive of file folders (hồ sơ): list them, open one, export it.

Auditors (ủy ban kiểm tra) read every folder of their unit's subtree; a unit's clerks (văn thư,
who keep the file plan) and leaders read their own unit's folders. Nobody else, and no folder
outside that scope — the refusal names neither the folder nor its unit.
"""

from __future__ import annotations

from uuid import UUID

from documents.accounts import Role
from documents.errors import ForbiddenError
from documents.policy import Actor
from documents.units import UnitTree

OWN_UNIT_ROLES = (Role.CLERK, Role.LEADER)


def reads_archive(actor: Actor) -> bool:
    """Whether ``actor``'s roles read some archive (an auditor, or a unit's clerk or leader)."""
    return actor.has(Role.AUDITOR) or any(map(actor.has, OWN_UNIT_ROLES))


def archive_scope(actor: Actor, tree: UnitTree) -> list[UUID] | None:
    """The units whose folders ``actor`` may read — with the folders of every unit merged into
    them (``UnitTree.absorbed``); None means every unit (an auditor at the top of the tree).
    Raises ``ForbiddenError`` for a role that reads no archive."""
    if not reads_archive(actor):
        raise ForbiddenError(
            "Chỉ văn thư, lãnh đạo đơn vị và cán bộ kiểm tra được xem kho hồ sơ.",
            "Only clerks, leaders and auditors may read the archive of file folders.",
        )
    if actor.has(Role.AUDITOR):
        if actor.unit_id in tree and tree.get(actor.unit_id).parent_id is None:
            return None
        units = [actor.unit_id, *tree.descendants(actor.unit_id)]
    else:
        units = [actor.unit_id]
    return [absorbed for unit in units for absorbed in tree.absorbed(unit)]


def require_folder_read(actor: Actor, folder_unit_id: UUID, tree: UnitTree) -> None:
    scope = archive_scope(actor, tree)
    if scope is not None and folder_unit_id not in scope:
        raise ForbiddenError(
            f"Tài khoản «{actor.username}» không có quyền xem hồ sơ này "
            "(ngoài vai trò hoặc ngoài đơn vị của mình).",
            f"Account '{actor.username}' may not read this file folder "
            "(outside their role or their unit).",
        )
