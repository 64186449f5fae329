"""Issuing in two steps: the register number (a short step, the only one in the race), then the
sealed PDF (outside it).

1. ``take_number``: the issuer's next number in its yearly ``Register`` and the document's
   ``Numbered`` event, saved together — no PDF work, no read-model catch-up. Concurrent requests
   of one process are batched per issuer by the ``Numberer`` (one save for many numbers);
   processes take turns per issuer when the event recorder can serialise them (PostgreSQL: an
   advisory lock), and otherwise race on the register's version (optimistic concurrency, which
   stays the guarantee either way) and a refused save is taken again. The register is
   fast-forwarded from a cached copy (only its new events are read), not replayed from its first
   number.
2. ``record_seal``: the PDF with number, date and the unit's seal, stored and recorded
   (``Sealed``): the document is issued.
A number once taken stays with its document: if the seal fails for good (a revoked certificate),
the document goes back to "signed" *with* its number, and issuing it again only seals it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from datetime import datetime
from typing import cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from documents.clock import now_vietnam
from documents.errors import ConflictError
from documents.numbering import Numberer, SerialisingRecorder
from documents.outgoing import DocumentStatus, OutgoingDocument
from documents.reference import document_type
from documents.registers import Register, format_number, outgoing_register_kind, register_id_for
from documents.service.base import MAX_NUMBERING_ATTEMPTS
from documents.service.units import UnitService
from documents.units import Unit

ISSUED = (DocumentStatus.ISSUED, DocumentStatus.DISPATCHED)
BUSY = ConflictError(
    "Sổ văn bản đang bận, chưa cấp được số. Vui lòng thử lại.",
    "The register is busy; no number could be taken. Please retry.",
)


def number_symbol(number: int, doc_type_code: str, issuer_abbreviation: str) -> str:
    """``01/KH-LĐLĐ``; a công văn (no type abbreviation): ``01/LĐLĐ-VP``."""
    abbreviation = document_type(doc_type_code).abbreviation
    if abbreviation:
        return f"{format_number(number)}/{abbreviation}-{issuer_abbreviation}"
    return f"{format_number(number)}/{issuer_abbreviation}-VP"


class NumberingService(UnitService):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.numberer: Numberer[OutgoingDocument] = Numberer(
            self._number_batch, lambda document: document.id, self._issuer_turn
        )
        self._registers: dict[UUID, Register] = {}  # as last saved or read by this process
        # the issuer read by the drainer holding its turn (one drainer per issuer at a time)
        self._turn_issuers: dict[UUID, Unit] = {}
        self.refused_number_saves = 0  # saves of numbers refused by the event store (a race lost)

    def take_number(self, document_id: UUID) -> OutgoingDocument:
        """The issuer's next register number for a document being issued; idempotent (a document
        that has its number keeps it)."""
        document = self._numbered_document(document_id)
        if document.number is not None or document.status in ISSUED:
            return document
        document.expect_numbering()
        return self.numberer.take(document.issuer_unit_id, document)

    def record_seal(
        self, document_id: UUID, issued_pdf: bytes, signed_attachments: Sequence[bytes] = ()
    ) -> OutgoingDocument:
        """Stores the numbered, dated and sealed PDF: the document is issued. Idempotent.
        ``signed_attachments``: each attachment, in order, as the unit signed it, recorded in
        the same save (``AttachmentSigned`` before ``Sealed``)."""
        document = self._numbered_document(document_id)
        if document.status in ISSUED:
            return document
        if len(signed_attachments) != len(document.attachments):
            raise ConflictError("Chưa ký đủ các tệp đính kèm.", "Not every attachment was signed.")
        for index, signed in enumerate(signed_attachments):
            document.sign_attachment(index, self.blobs.put(signed))
        sha256 = self.blobs.put(issued_pdf)
        document.seal(issued_sha256=sha256, sealed_by_unit=self.unit(document.issuer_unit_id).name)
        self.save_and_refresh(document)
        return document

    def issue_with_next_number(
        self,
        document_id: UUID,
        make_issued_pdf: Callable[[int, str, datetime], bytes],
    ) -> OutgoingDocument:
        """Both steps: ``take_number``, then ``make_issued_pdf(number, number_symbol,
        issued_at)`` (fills number and date, applies the unit's seal) and ``record_seal``."""
        document = self.take_number(document_id)
        if document.status in ISSUED:
            return document
        assert document.number is not None and document.issued_at is not None
        pdf = make_issued_pdf(document.number, document.number_symbol or "", document.issued_at)
        return self.record_seal(document_id, pdf)

    def _numbered_document(self, document_id: UUID) -> OutgoingDocument:
        return cast(
            OutgoingDocument, self._get(document_id, OutgoingDocument, "văn bản", "document")
        )

    @contextmanager
    def _issuer_turn(self, issuer_id: Hashable) -> Iterator[None]:
        """This process's turn at the issuer's numbering, if the recorder can give turns (and
        ``NUMBERING_TURNS=n`` does not switch them off: then processes race, as a test of the
        optimistic concurrency underneath and a benchmark's what-if).

        The issuer unit (its abbreviation and register mode) is read *before* the turn is
        taken: nothing about it is decided in the turn (renaming a unit never took it), so the
        other processes waiting for the issuer need not wait for that read too."""
        assert isinstance(issuer_id, UUID)
        # A unit that cannot be read is read again by the batch, which gives every caller
        # the error (an error here would reach the drainer alone).
        with suppress(Exception):
            self._turn_issuers[issuer_id] = self.unit(issuer_id)
        turns = self.env.get("NUMBERING_TURNS", "y") != "n"
        turn: AbstractContextManager[None] = nullcontext()
        if turns and isinstance(self.recorder, SerialisingRecorder):
            turn = self.recorder.serialised(issuer_id)
        try:
            with turn:
                yield
        finally:
            self._turn_issuers.pop(issuer_id, None)

    # -- the batch, in the drainer's thread ----------------------------------------------------
    def _number_batch(
        self, issuer_id: Hashable, documents: Sequence[OutgoingDocument]
    ) -> dict[UUID, OutgoingDocument | BaseException]:
        """A number for each document of one issuer, in one save; on a refused save (another
        process took numbers meanwhile) everything is read again and taken again."""
        assert isinstance(issuer_id, UUID)
        pending = list(documents)
        issuer = self._turn_issuers.get(issuer_id) or self.unit(issuer_id)
        for _ in range(MAX_NUMBERING_ATTEMPTS):
            outcome: dict[UUID, OutgoingDocument | BaseException] = {}
            issued_at = now_vietnam()
            # kind: (the register numbers are taken in, a copy as read or None if new)
            registers: dict[str, tuple[Register, Register | None]] = {}
            numbered: list[OutgoingDocument] = []
            for document in pending:
                if document.number is not None or document.status != DocumentStatus.ISSUING:
                    outcome[document.id] = self._already_or_refused(document)
                    continue
                kind = outgoing_register_kind(issuer.register_mode, document.doc_type)
                if kind not in registers:
                    read, stored = self._current_register(issuer_id, kind, issued_at.year)
                    registers[kind] = (read, copy.deepcopy(read) if stored else None)
                register = registers[kind][0]
                number = register.next_number
                register.take_number(number=number, entry_id=document.id)
                document.take_number(
                    number=number,
                    number_symbol=number_symbol(number, document.doc_type, issuer.abbreviation),
                    register_id=register.id,
                    issued_at=issued_at,
                )
                numbered.append(document)
                outcome[document.id] = document
            if not numbered:
                return outcome
            try:
                self.save(*(working for working, _ in registers.values()), *numbered)
            except IntegrityError:
                self.refused_number_saves += 1
                for working, as_read in registers.values():  # the numbers were not taken
                    if as_read is None:
                        self._registers.pop(working.id, None)
                    else:
                        self._registers[working.id] = as_read
                pending = [self._numbered_document(document.id) for document in pending]
                continue
            for working, _ in registers.values():
                self._registers[working.id] = working
            return outcome
        raise BUSY

    @staticmethod
    def _already_or_refused(document: OutgoingDocument) -> OutgoingDocument | BaseException:
        if document.number is not None or document.status in ISSUED:
            return document
        try:
            document.expect_numbering()
        except ConflictError as refusal:
            return refusal
        return BUSY  # not reached: a document being issued without a number is numbered

    def _current_register(self, unit_id: UUID, kind: str, year: int) -> tuple[Register, bool]:
        """The register as stored now, and whether it is stored at all: the cached copy
        fast-forwarded by its new events only (one query), or, the first time, loaded whole."""
        register_id = register_id_for(unit_id, kind, year)
        cached = self._registers.get(register_id)
        if cached is None:
            try:
                return cast(Register, self.repository.get(register_id)), True
            except AggregateNotFoundError:
                return Register(unit_id=unit_id, kind=kind, year=year), False
        for event in self.repository.event_store.get(register_id, gt=cached.version):
            cast(Register.Event, event).mutate(cached)
        return cached, True
