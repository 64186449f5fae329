"""Synthetic documents as real events: the units, then each document through its lifecycle
(drafted, submitted, signed, numbered in its issuer's register, sealed, dispatched), its issued
PDF in the blob store, so that the real `search.projection.SearchProjection` indexes them.

The PDFs are rendered by the real template (`signing.template.render_document`) from a pool
of `pdf_pool` synthetic documents (rendering takes ~0.1–0.3 s each); document *i* is issued
with the PDF of pool entry *i mod pool*, while its subject, type, number, issuer, recipients,
signer and date are its own. Each document records the text blob a real draft records
(`signing.layout_text` of its pool entry's layout, `OutgoingDocument.text_sha256`); with
`with_text=False` it does not, as documents drafted before that blob existed, and the
projection extracts the issued PDF's text. Receipts are not written: the projection skips their
events.
"""

from __future__ import annotations

import random
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from bench.search_corpus import Corpus, Draft, SyntheticTree
from documents.application import OfficeApplication
from documents.blobs import sha256_hex, text_blob
from documents.outgoing import OutgoingDocument
from documents.registers import OUTGOING, Register
from documents.units import Unit, unit_id_for
from signing.template import DocumentLayout, layout_text, render_document

__all__ = ["write_documents", "write_units"]

BATCH_EVENTS = 2_000


def write_units(app: OfficeApplication, tree: SyntheticTree) -> int:
    """Every unit of `tree` as a `Unit` aggregate; returns how many."""
    batch: list[Aggregate] = []
    for row in tree.rows:
        parent = unit_id_for(row["parent_code"]) if row["parent_code"] else None
        batch.append(
            Unit(
                row["code"],
                row["name"],
                row["short_name"],
                row["abbreviation"],
                row["level"],
                parent,
                row["place"],
            )
        )
        if len(batch) >= BATCH_EVENTS:
            app.save(*batch)
            batch = []
    if batch:
        app.save(*batch)
    return len(tree.rows)


def layout(draft: Draft) -> DocumentLayout:
    return DocumentLayout(
        parent_name=None,
        issuer_name=draft.issuer.name.upper(),
        symbol=draft.number_symbol.split("/", 1)[1],
        place=draft.issuer.place,
        type_title=draft.type_name.upper() if draft.type_code != "cong_van" else "",
        subject=draft.subject,
        body=draft.body,
        signer_authority="TM. BAN CHẤP HÀNH",
        signer_title="CHỦ TỊCH",
        signer_name=draft.signer_name,
        recipients=["Như trên", "Lưu: VT"],
    )


def write_documents(
    app: OfficeApplication, corpus: Corpus, count: int, pdf_pool: int, with_text: bool = True
) -> int:
    """`count` issued documents; returns how many events were written."""
    layouts = [layout(draft) for draft in corpus.drafts(pdf_pool)]
    pool = [
        (
            app.blobs.put(render_document(entry)),
            app.blobs.put(text_blob(layout_text(entry))) if with_text else None,
        )
        for entry in layouts
    ]
    rng = random.Random(11)
    registers: dict[tuple[UUID, int], Register] = {}
    pending: list[Aggregate] = []
    pending_events = written = 0
    for index, draft in enumerate(corpus.drafts(count)):
        document = _issued(draft, pool[index % len(pool)], registers, rng)
        pending.append(document)
        pending_events += len(document.pending_events)
        if pending_events >= BATCH_EVENTS:
            written += _flush(app, pending, registers)
            pending, pending_events = [], 0
    return written + _flush(app, pending, registers)


def _flush(
    app: OfficeApplication, pending: list[Aggregate], registers: dict[tuple[UUID, int], Register]
) -> int:
    touched = [register for register in registers.values() if register.pending_events]
    if not pending and not touched:
        return 0
    return len(app.save(*pending, *touched))


def _issued(
    draft: Draft,
    pdf: tuple[str, str | None],
    registers: dict[tuple[UUID, int], Register],
    rng: random.Random,
) -> OutgoingDocument:
    pdf_sha256, text_sha256 = pdf
    person = uuid4()
    issuer = UUID(draft.issuer.id)
    document = OutgoingDocument(
        issuer_unit_id=issuer,
        doc_type=draft.type_code,
        subject=draft.subject,
        urgency="thuong",
        recipient_unit_ids=[UUID(unit) for unit in draft.recipients],
        drafted_by=person,
        body_sha256=sha256_hex(draft.body.encode()),
        body_size=len(draft.body.encode()),
        body_source="template",
        signer_authority=None,
        signer_id=person,
        text_sha256=text_sha256,
    )
    document.submit(by=person)
    document.sign(
        by=person,
        signer_name=draft.signer_name,
        certificate_sha256="ab" * 32,
        level="B-LT",
        signed_sha256=f"{rng.getrandbits(256):064x}",
    )
    document.request_issue(by=person)
    key = (issuer, draft.issued_at.year)
    if key not in registers:
        registers[key] = Register(unit_id=issuer, kind=OUTGOING, year=draft.issued_at.year)
    register = registers[key]
    number = register.next_number
    register.take_number(number=number, entry_id=document.id)
    document.issue(
        number=number,
        number_symbol=f"{number}/{draft.number_symbol.split('/', 1)[1]}",
        register_id=register.id,
        issued_sha256=pdf_sha256,
        sealed_by_unit=draft.issuer.name,
        issued_at=draft.issued_at,
    )
    document.mark_dispatched(len(draft.recipients))
    return document
