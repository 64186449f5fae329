"""The service layer: one method per use case, primitives in and out, one ``save()`` per use case.

Every command checks the authorisation policy, then appends events. The read models are caught up
after each save, so what a command did is visible to the next read in the same process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Mapper, Notification

from documents.accounts import Account, Role, account_id_for
from documents.blobs import BlobStore
from documents.clock import now_vietnam
from documents.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from documents.integrity import ChainingMapper, IntegrityReport, verify_event_store
from documents.outgoing import DocumentStatus, OutgoingDocument
from documents.policy import Action, Actor, DocumentParties, require, require_unit_admin
from documents.receipts import Receipt, receipt_id_for
from documents.reference import document_type, parse_urgency, refuse_secret_documents
from documents.registers import INCOMING, OUTGOING, Register, format_number, register_id_for
from documents.unit_import import LEVEL_RANK, units_from_csv
from documents.units import Unit, UnitTree, unit_id_for
from documents.views import ReadModel

MAX_SUBJECT_LENGTH = 500
MAX_NUMBERING_ATTEMPTS = 100


class _NotificationSource:
    def __init__(self, app: Application[UUID]) -> None:
        self._app = app

    def select_notifications(self, start: int, limit: int) -> Sequence[Notification]:
        return self._app.recorder.select_notifications(start, limit)

    def to_domain_event(self, notification: Any) -> Any:
        return self._app.mapper.to_domain_event(notification)


def number_symbol(number: int, doc_type_code: str, issuer_abbreviation: str) -> str:
    """``01/KH-LĐLĐ``; a công văn (no type abbreviation): ``01/LĐLĐ-VP``."""
    abbreviation = document_type(doc_type_code).abbreviation
    if abbreviation:
        return f"{format_number(number)}/{abbreviation}-{issuer_abbreviation}"
    return f"{format_number(number)}/{issuer_abbreviation}-VP"


class OfficeApplication(Application[UUID]):
    def __init__(self, env: dict[str, str], views: ReadModel, blobs: BlobStore) -> None:
        super().__init__(env)
        assert isinstance(self.mapper, ChainingMapper)
        self.mapper.reader = self.recorder
        self.views = views
        self.blobs = blobs
        self.notifications = _NotificationSource(self)

    def construct_mapper(self) -> Mapper[UUID]:
        """Every stored event is chained by hash to its aggregate's previous one."""
        return self.factory.mapper(
            transcoder=self.construct_transcoder(), mapper_class=ChainingMapper
        )

    def verify_integrity(self, batch_size: int = 1000) -> IntegrityReport:
        def notifications() -> Iterator[Any]:
            start = 1
            while batch := self.recorder.select_notifications(start, batch_size):
                yield from batch
                start = batch[-1].id + 1

        return verify_event_store(notifications())

    # -- plumbing -------------------------------------------------------------------------
    def refresh_views(self) -> None:
        self.views.catch_up(self.notifications)

    def save_and_refresh(self, *aggregates: Aggregate) -> None:
        self.save(*aggregates)
        self.refresh_views()

    def _get(self, aggregate_id: UUID, kind: type, what_vi: str, what_en: str) -> Any:
        try:
            aggregate: Any = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFoundError(f"Không tìm thấy {what_vi}.", f"No such {what_en}.") from None
        if not isinstance(aggregate, kind):
            raise NotFoundError(f"Không tìm thấy {what_vi}.", f"No such {what_en}.")
        return aggregate

    def tree(self) -> UnitTree:
        self.refresh_views()
        return self.views.unit_tree()

    # -- units and accounts ---------------------------------------------------------------
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

    def import_units(self, csv_text: str) -> int:
        """Imports a whole tree from CSV (see ``documents.unit_import``): all rows or none."""
        self.refresh_views()
        existing = {unit.code: unit.level for unit in self.views.unit_tree().all()}
        units = units_from_csv(csv_text, existing)
        if units:
            self.save_and_refresh(*units)
        return len(units)

    # -- reorganisation -------------------------------------------------------------------
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

    # -- outgoing documents ---------------------------------------------------------------
    def document(self, document_id: UUID) -> OutgoingDocument:
        return cast(
            OutgoingDocument, self._get(document_id, OutgoingDocument, "văn bản", "document")
        )

    @staticmethod
    def parties(document: OutgoingDocument) -> DocumentParties:
        return DocumentParties(document.issuer_unit_id, tuple(document.recipient_unit_ids))

    def authorize(self, actor: Actor, action: Action, document: OutgoingDocument) -> None:
        require(actor, action, self.parties(document), self.tree())

    def draft_document(
        self,
        actor: Actor,
        *,
        doc_type: str,
        subject: str,
        urgency: str,
        secrecy: str | None,
        recipient_unit_ids: Sequence[UUID],
        body_pdf: bytes,
        body_source: str,
        body_text: str,
        signer_id: UUID,
        signer_authority: str | None = None,
    ) -> UUID:
        refuse_secret_documents(secrecy, body_text)
        document_type(doc_type)
        parse_urgency(urgency)
        subject = subject.strip()
        if not subject:
            raise InvalidInputError("Cần nhập trích yếu.", "A subject (trích yếu) is required.")
        if len(subject) > MAX_SUBJECT_LENGTH:
            raise InvalidInputError(
                f"Trích yếu dài quá {MAX_SUBJECT_LENGTH} ký tự.",
                f"The subject is longer than {MAX_SUBJECT_LENGTH} characters.",
            )
        tree = self.tree()
        require(actor, Action.DRAFT, DocumentParties(actor.unit_id), tree)
        self._active_unit(actor.unit_id)
        recipients = self._checked_recipients(recipient_unit_ids, actor.unit_id, tree)
        self.check_signer(signer_id, actor.unit_id)
        sha256 = self.blobs.put(body_pdf)
        document = OutgoingDocument(
            issuer_unit_id=actor.unit_id,
            doc_type=doc_type,
            subject=subject,
            urgency=urgency,
            recipient_unit_ids=recipients,
            drafted_by=actor.account_id,
            body_sha256=sha256,
            body_size=len(body_pdf),
            body_source=body_source,
            signer_authority=signer_authority,
            signer_id=signer_id,
        )
        self.save_and_refresh(document)
        return document.id

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
            for row in self.views.accounts()
            if row["unit_id"] == str(unit_id) and Role.LEADER in row["roles"].split(",")
        ]

    @staticmethod
    def _checked_recipients(
        unit_ids: Sequence[UUID], issuer_id: UUID, tree: UnitTree
    ) -> list[UUID]:
        if not unit_ids:
            raise InvalidInputError(
                "Cần chọn ít nhất một nơi nhận.", "Choose at least one recipient unit."
            )
        unknown = [str(u) for u in unit_ids if u not in tree]
        if unknown:
            raise InvalidInputError(
                f"Nơi nhận không tồn tại: {', '.join(unknown)}.",
                f"Unknown recipient units: {', '.join(unknown)}.",
            )
        inactive = [tree.get(u).name for u in unit_ids if not tree.get(u).is_active]
        if inactive:
            raise InvalidInputError(
                f"Nơi nhận đã hợp nhất hoặc giải thể: {', '.join(inactive)}.",
                f"Recipients merged or dissolved: {', '.join(inactive)}.",
            )
        if issuer_id in unit_ids:
            raise InvalidInputError(
                "Đơn vị ban hành không thể tự gửi văn bản cho chính mình.",
                "The issuing unit cannot be one of its own recipients.",
            )
        return list(dict.fromkeys(unit_ids))

    def submit(self, actor: Actor, document_id: UUID) -> None:
        document = self.document(document_id)
        self.authorize(actor, Action.SUBMIT, document)
        document.submit(by=actor.account_id)
        self.save_and_refresh(document)

    def check_can_sign(self, actor: Actor, document_id: UUID) -> OutgoingDocument:
        """Refuses early (before any PDF work) what ``record_signature`` would refuse."""
        document = self.document(document_id)
        self.authorize(actor, Action.SIGN, document)
        if actor.account_id != document.signer_id:
            signer = self.account_by_id(document.signer_id)
            raise ForbiddenError(
                f"Văn bản này được trình cho {signer.full_name} ký.",
                f"This document was submitted for {signer.full_name}'s signature.",
            )
        if document.signed_sha256 is not None:
            raise ConflictError(
                "Văn bản đã được ký, không thể ký lần nữa.",
                "The document is signed already and cannot be signed twice.",
            )
        if document.status != DocumentStatus.SUBMITTED:
            raise ConflictError(
                "Chỉ ký được văn bản đã trình ký.", "Only a submitted document can be signed."
            )
        return document

    def record_signature(
        self,
        actor: Actor,
        document_id: UUID,
        signed_pdf: bytes,
        certificate_sha256: str,
        level: str,
    ) -> None:
        document = self.check_can_sign(actor, document_id)
        sha256 = self.blobs.put(signed_pdf)
        document.sign(
            by=actor.account_id,
            signer_name=actor.full_name,
            certificate_sha256=certificate_sha256,
            level=level,
            signed_sha256=sha256,
        )
        self.save_and_refresh(document)

    def request_issue(self, actor: Actor, document_id: UUID) -> None:
        document = self.document(document_id)
        self.authorize(actor, Action.ISSUE, document)
        document.request_issue(by=actor.account_id)
        self.save_and_refresh(document)

    def issue_with_next_number(
        self,
        document_id: UUID,
        make_issued_pdf: Callable[[int, str, datetime], bytes],
    ) -> OutgoingDocument:
        """Takes the issuer's next register number and stores the issued PDF, atomically.

        ``make_issued_pdf(number, number_symbol, issued_at)`` fills number and date and applies
        the unit's seal. On a concurrent issuer taking the same number the event store refuses
        one of the two saves and that one retries with the next number. Idempotent: a document
        already issued is returned as it is.
        """
        for _ in range(MAX_NUMBERING_ATTEMPTS):
            document = self.document(document_id)
            if document.status in (DocumentStatus.ISSUED, DocumentStatus.DISPATCHED):
                return document
            issuer = self.unit(document.issuer_unit_id)
            issued_at = now_vietnam()
            register = self._register(issuer.id, OUTGOING, issued_at.year)
            number = register.next_number
            symbol = number_symbol(number, document.doc_type, issuer.abbreviation)
            sha256 = self.blobs.put(make_issued_pdf(number, symbol, issued_at))
            register.take_number(number=number, entry_id=document.id)
            document.issue(
                number=number,
                number_symbol=symbol,
                register_id=register.id,
                issued_sha256=sha256,
                sealed_by_unit=issuer.name,
                issued_at=issued_at,
            )
            try:
                self.save_and_refresh(register, document)
            except IntegrityError:
                continue
            return document
        raise ConflictError(
            "Sổ văn bản đang bận, chưa cấp được số. Vui lòng thử lại.",
            "The register is busy; no number could be taken. Please retry.",
        )

    def _register(self, unit_id: UUID, kind: str, year: int) -> Register:
        try:
            return cast(Register, self.repository.get(register_id_for(unit_id, kind, year)))
        except AggregateNotFoundError:
            return Register(unit_id=unit_id, kind=kind, year=year)

    def deliver(self, document_id: UUID, unit_ids: Sequence[UUID]) -> int:
        """Puts the issued document in each unit's inbox; idempotent per (document, unit)."""
        document = self.document(document_id)
        if document.issued_sha256 is None or document.number_symbol is None:
            raise ConflictError(
                "Văn bản chưa được ban hành, chưa thể gửi.", "The document is not issued yet."
            )
        new = [
            Receipt(
                document_id=document.id,
                recipient_unit_id=unit_id,
                issuer_unit_id=document.issuer_unit_id,
                number_symbol=document.number_symbol,
                subject=document.subject,
                doc_type=document.doc_type,
                urgency=document.urgency,
                file_sha256=document.issued_sha256,
            )
            for unit_id in unit_ids
            if receipt_id_for(document.id, unit_id) not in self.repository
        ]
        if new:
            self.save_and_refresh(*new)
        return len(new)

    def mark_dispatched(self, document_id: UUID, recipient_count: int) -> None:
        document = self.document(document_id)
        document.mark_dispatched(recipient_count)
        self.save_and_refresh(document)

    # -- incoming documents ---------------------------------------------------------------
    def receipt(self, receipt_id: UUID) -> Receipt:
        return cast(Receipt, self._get(receipt_id, Receipt, "văn bản đến", "incoming document"))

    def receipt_for(self, document_id: UUID, unit_id: UUID) -> Receipt:
        return self.receipt(receipt_id_for(document_id, unit_id))

    def authorize_receipt(self, actor: Actor, receipt: Receipt) -> None:
        require(
            actor,
            Action.RECEIVE,
            DocumentParties(receipt.issuer_unit_id, (receipt.recipient_unit_id,)),
            self.tree(),
        )

    def register_receipt(
        self, actor: Actor, receipt_id: UUID, signatures_valid: bool, verification_summary: str
    ) -> int:
        """Gives the receipt the next arrival number (số đến) of the receiving unit."""
        for _ in range(MAX_NUMBERING_ATTEMPTS):
            receipt = self.receipt(receipt_id)
            self.authorize_receipt(actor, receipt)
            received_at = now_vietnam()
            register = self._register(receipt.recipient_unit_id, INCOMING, received_at.year)
            number = register.next_number
            receipt.register(
                arrival_number=number,
                register_id=register.id,
                by=actor.account_id,
                received_at=received_at,
                signatures_valid=signatures_valid,
                verification_summary=verification_summary,
            )
            register.take_number(number=number, entry_id=receipt.id)
            try:
                self.save_and_refresh(register, receipt)
            except IntegrityError:
                continue
            return number
        raise ConflictError(
            "Sổ văn bản đến đang bận. Vui lòng thử lại.",
            "The incoming register is busy. Please retry.",
        )

    def acknowledge(self, actor: Actor, receipt_id: UUID) -> None:
        receipt = self.receipt(receipt_id)
        self.authorize_receipt(actor, receipt)
        receipt.acknowledge(by=actor.account_id)
        self.save_and_refresh(receipt)
