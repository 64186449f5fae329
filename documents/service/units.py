"""Use cases of the union hierarchy and of accounts: registration, import, reorganisation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast
from uuid import UUID

from documents.accounts import Account, Role, account_id_for
from documents.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from documents.policy import Actor, require_unit_admin
from documents.service.base import ServiceBase
from documents.unit_import import LEVEL_RANK, units_from_csv
from documents.units import SIGNATURE_LEVELS, RegisterMode, Unit, unit_id_for


class UnitService(ServiceBase):
    def register_unit(
        self,
        code: str,
        name: str,
        short_name: str,
        abbreviation: str,
        level: str,
        parent_code: str | None,
        place: str,
    ) -> UUID:
        parent_id = unit_id_for(parent_code) if parent_code else None
        unit = Unit(
            code=code,
            name=name,
            short_name=short_name,
            abbreviation=abbreviation,
            level=level,
            parent_id=parent_id,
            place=place,
        )
        self.save_and_refresh(unit)
        return unit.id

    def import_units(self, csv_text: str, actor: Actor | None = None) -> int:
        """Imports a whole tree from CSV (see ``documents.unit_import``): all rows or none.

        Without an actor (the operator's command line) any tree may be imported; an actor must
        be an admin of every stored unit the file hangs new units under."""
        self.refresh_views()
        tree = self.views.unit_tree()
        existing = {unit.code: unit.level for unit in tree.all()}
        units = units_from_csv(csv_text, existing)
        if actor is not None:
            new_ids = {unit.id for unit in units}
            for unit in units:
                if unit.parent_id is None:
                    raise ForbiddenError(
                        "Chỉ người vận hành hệ thống được tạo đơn vị cấp cao nhất.",
                        "Only the system operator may create a top-level unit.",
                    )
                if unit.parent_id not in new_ids:
                    require_unit_admin(actor, unit.parent_id, tree)
        if units:
            self.save_and_refresh(*units)
        return len(units)

    def rename_unit(
        self, actor: Actor, unit_id: UUID, name: str, short_name: str, abbreviation: str
    ) -> None:
        require_unit_admin(actor, unit_id, self.tree())
        if not (name.strip() and short_name.strip() and abbreviation.strip()):
            raise InvalidInputError(
                "Cần nhập tên, tên ngắn và chữ viết tắt.",
                "Name, short name and abbreviation are required.",
            )
        unit = self._active_unit(unit_id)
        unit.rename(
            name=name.strip(), short_name=short_name.strip(), abbreviation=abbreviation.strip()
        )
        self.save_and_refresh(unit)

    def move_unit(self, actor: Actor, unit_id: UUID, new_parent_id: UUID) -> None:
        tree = self.tree()
        require_unit_admin(actor, unit_id, tree)
        require_unit_admin(actor, new_parent_id, tree)
        unit = self._active_unit(unit_id)
        parent = self._active_unit(new_parent_id)
        if new_parent_id == unit_id or new_parent_id in tree.descendants(unit_id):
            raise InvalidInputError(
                "Không thể chuyển một đơn vị vào dưới chính nó hoặc đơn vị cấp dưới của nó.",
                "A unit cannot be moved under itself or one of its own subordinate units.",
            )
        if LEVEL_RANK[parent.level] >= LEVEL_RANK[unit.level]:
            raise InvalidInputError(
                "Đơn vị cấp trên mới phải ở cấp cao hơn.",
                "The new parent must be at a higher level.",
            )
        unit.move(parent_id=new_parent_id)
        self.save_and_refresh(unit)

    def merge_units(self, actor: Actor, source_id: UUID, target_id: UUID) -> None:
        """Merges ``source`` into ``target``: the source's subordinate units move under the
        target; its inbox, registers and archive are read through the target from now on."""
        tree = self.tree()
        require_unit_admin(actor, source_id, tree)
        require_unit_admin(actor, target_id, tree)
        source = self._active_unit(source_id)
        target = self._active_unit(target_id)
        if source_id == target_id or target_id in tree.descendants(source_id):
            raise InvalidInputError(
                "Không thể hợp nhất một đơn vị vào chính nó hoặc đơn vị cấp dưới của nó.",
                "A unit cannot be merged into itself or one of its own subordinate units.",
            )
        if source.level != target.level:
            raise InvalidInputError(
                "Chỉ hợp nhất được hai đơn vị cùng cấp.", "Only units of the same level can merge."
            )
        children = [self.unit(child.id) for child in tree.children(source_id)]
        for child in children:
            child.move(parent_id=target_id)
        source.merge_into(target_id=target.id)
        self.save_and_refresh(source, *children)

    def set_register_mode(self, actor: Actor, unit_id: UUID, mode: str) -> None:
        """One outgoing register for the unit, or one per document type (Nghị định 30)."""
        require_unit_admin(actor, unit_id, self.tree())
        if mode not in set(RegisterMode):
            allowed = ", ".join(RegisterMode)
            raise InvalidInputError(
                f"Cách lập sổ không hợp lệ: «{mode}» (chọn: {allowed}).",
                f"Invalid register mode '{mode}' (one of: {allowed}).",
            )
        unit = self._active_unit(unit_id)
        if unit.register_mode != mode:
            unit.set_register_mode(mode=mode)
            self.save_and_refresh(unit)

    def set_signature_level(self, actor: Actor, unit_id: UUID, level: str | None) -> None:
        """The PAdES level (B-B, B-T, B-LT, B-LTA) the unit's leaders and seal sign at; None or
        empty goes back to the configured defaults."""
        require_unit_admin(actor, unit_id, self.tree())
        chosen = (level or "").strip().upper().removeprefix("PADES-") or None
        if chosen is not None and chosen not in SIGNATURE_LEVELS:
            allowed = ", ".join(SIGNATURE_LEVELS)
            raise InvalidInputError(
                f"Mức chữ ký số không hợp lệ: «{level}» (chọn: {allowed}).",
                f"Invalid signature level '{level}' (one of: {allowed}).",
            )
        unit = self._active_unit(unit_id)
        if unit.signature_level != chosen:
            unit.set_signature_level(level=chosen)
            self.save_and_refresh(unit)

    def dissolve_unit(self, actor: Actor, unit_id: UUID, reason: str) -> None:
        tree = self.tree()
        require_unit_admin(actor, unit_id, tree)
        unit = self._active_unit(unit_id)
        if tree.children(unit_id):
            raise ConflictError(
                "Đơn vị còn đơn vị cấp dưới: hãy chuyển hoặc giải thể chúng trước.",
                "The unit still has subordinate units: move or dissolve them first.",
            )
        if not reason.strip():
            raise InvalidInputError("Cần ghi lý do giải thể.", "A reason is required.")
        unit.dissolve(reason=reason.strip())
        self.save_and_refresh(unit)

    def _active_unit(self, unit_id: UUID) -> Unit:
        unit = self.unit(unit_id)
        if not unit.is_active:
            raise ConflictError(
                f"Đơn vị «{unit.name}» đã hợp nhất hoặc giải thể.",
                f"Unit '{unit.name}' has been merged or dissolved.",
            )
        return unit

    def unit(self, unit_id: UUID) -> Unit:
        return cast(Unit, self._get(unit_id, Unit, "đơn vị", "unit"))

    def has_unit(self, code: str) -> bool:
        return unit_id_for(code) in self.repository

    def open_account(
        self,
        username: str,
        full_name: str,
        unit_id: UUID,
        roles: Sequence[str],
        title: str,
        password_hash: str,
        key_id: str | None,
    ) -> UUID:
        account = Account(
            username=username,
            full_name=full_name,
            unit_id=unit_id,
            roles=list(roles),
            title=title,
            password_hash=password_hash,
            key_id=key_id,
        )
        self.save_and_refresh(account)
        return account.id

    def account(self, username: str) -> Account:
        return cast(Account, self._get(account_id_for(username), Account, "tài khoản", "account"))

    def account_by_id(self, account_id: UUID) -> Account:
        return cast(Account, self._get(account_id, Account, "tài khoản", "account"))

    @staticmethod
    def actor_of(account: Account) -> Actor:
        return Actor(
            account_id=account.id,
            username=account.username,
            full_name=account.full_name,
            unit_id=account.unit_id,
            roles=frozenset(account.roles),
        )

    def check_signer(self, signer_id: UUID, unit_id: UUID) -> Account:
        """The designated signer must be a leader of the issuing unit."""
        try:
            signer = self.account_by_id(signer_id)
        except NotFoundError:
            signer = None
        if signer is None or signer.unit_id != unit_id or Role.LEADER not in signer.roles:
            raise InvalidInputError(
                "Người ký phải là lãnh đạo của đơn vị ban hành.",
                "The signer must be a leader of the issuing unit.",
            )
        return signer

    def leaders_of(self, unit_id: UUID) -> list[Account]:
        self.refresh_views()
        return [
            self.account_by_id(UUID(row["id"]))
            for row in self.views.accounts_of_unit(unit_id)
            if Role.LEADER in row["roles"].split(",")
        ]
