"""Drafting: turn a typed body or an uploaded PDF into the PDF that will be signed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from documents.errors import InvalidInputError
from documents.policy import Action, Actor
from documents.reference import document_type, refuse_secret_documents
from documents.units import UnitLevel, UnitTree
from search.text import extract_pdf_text
from signing import (
    DocumentLayout,
    InvalidPdfError,
    layout_text,
    prepare_uploaded_pdf,
    render_document,
)
from workflow.attachments import checked_attachments
from workflow.services import OfficeServices


@dataclass(frozen=True)
class DraftRequest:
    doc_type: str
    subject: str
    urgency: str
    secrecy: str | None
    recipient_unit_ids: list[UUID]
    signer_id: UUID
    signer_authority: str | None = None
    typed_body: str | None = None
    uploaded_pdf: bytes | None = None
    extra_recipient_lines: list[str] = field(default_factory=list)
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    """PDF attachments (phụ lục) as (file name, bytes), signed by the unit at issuance."""
    response_deadline: datetime | None = None  # hạn trả lời
    remind_days_before: int | None = None  # the reminder's lead time (default: 1 day)


def _symbol(doc_type: str, issuer_abbreviation: str) -> str:
    abbreviation = document_type(doc_type).abbreviation
    return f"{abbreviation}-{issuer_abbreviation}" if abbreviation else f"{issuer_abbreviation}-VP"


@dataclass(frozen=True)
class PreparedBody:
    pdf: bytes
    text: str
    """The text search indexes (kept beside the PDF): the printed layout of a typed body, the
    text extracted once from an upload."""
    source: str  # "typed" or "upload"


MAX_NAMED_RECIPIENTS = 8
GROUP_LABELS = {
    UnitLevel.NATIONAL: "Tổng Liên đoàn Lao động Việt Nam",
    UnitLevel.PROVINCIAL: "Các LĐLĐ tỉnh, thành phố, công đoàn ngành trung ương",
    UnitLevel.UPPER_GRASSROOTS: "Các công đoàn cấp trên trực tiếp cơ sở",
    UnitLevel.GRASSROOTS: "Các công đoàn cơ sở",
}


def recipient_lines(tree: UnitTree, unit_ids: list[UUID]) -> list[str]:
    """The "Nơi nhận" lines: each unit by name, or, for a larger dispatch, one line per level
    with its count, as Nghị định 30 documents addressed to many units do."""
    units = [tree.get(u) for u in unit_ids if u in tree]
    if len(units) <= MAX_NAMED_RECIPIENTS:
        return [f"{unit.name};" for unit in units]
    counts = Counter(UnitLevel(unit.level) for unit in units)
    return [
        f"{GROUP_LABELS[level]} ({counts[level]:,} đơn vị);".replace(",", ".")
        for level in UnitLevel
        if counts[level]
    ]


def prepare_body(services: OfficeServices, actor: Actor, request: DraftRequest) -> PreparedBody:
    """The PDF to sign: a typed body rendered in the ND30 layout, or an uploaded PDF given the
    number and date fields and the two signature fields. Stores nothing."""
    app = services.app
    refuse_secret_documents(request.secrecy, request.typed_body or "")
    if (request.typed_body is None) == (request.uploaded_pdf is None):
        raise InvalidInputError(
            "Cần nhập nội dung văn bản hoặc tải lên một tệp PDF (chỉ một trong hai).",
            "Provide either a typed body or an uploaded PDF (exactly one).",
        )
    tree = app.tree()
    if actor.unit_id not in tree:
        raise InvalidInputError("Đơn vị không tồn tại.", "Unknown unit.")
    issuer = tree.get(actor.unit_id)
    symbol = _symbol(request.doc_type, issuer.abbreviation)
    signer = app.check_signer(request.signer_id, actor.unit_id)
    if request.uploaded_pdf is not None:
        if len(request.uploaded_pdf) > app.blobs.max_bytes:
            app.blobs.put(request.uploaded_pdf)  # raises the size error with its message
        try:
            pdf = prepare_uploaded_pdf(request.uploaded_pdf, symbol, issuer.place)
        except InvalidPdfError as error:
            raise InvalidInputError(error.message_vi, error.message_en) from error
        return PreparedBody(pdf, extract_pdf_text(request.uploaded_pdf), "upload")
    body_text = request.typed_body or ""
    parent_line, issuer_line = tree.issuer_header(actor.unit_id)
    recipient_names = recipient_lines(tree, request.recipient_unit_ids)
    layout = DocumentLayout(
        parent_name=parent_line,
        issuer_name=issuer_line,
        symbol=symbol,
        place=issuer.place,
        type_title=document_type(request.doc_type).title,
        subject=request.subject.strip(),
        body=body_text,
        signer_authority=request.signer_authority,
        signer_title=signer.title.upper(),
        signer_name=signer.full_name,
        recipients=[
            *recipient_names,
            *request.extra_recipient_lines,
            "Lưu: VT.",
        ],
    )
    return PreparedBody(render_document(layout), layout_text(layout), "typed")


def draft(services: OfficeServices, actor: Actor, request: DraftRequest) -> UUID:
    """Checks, renders or prepares the body, and records the draft. Nothing is stored on error."""
    body = prepare_body(services, actor, request)
    attachments = checked_attachments(services, request.attachments)
    return services.app.draft_document(
        actor,
        doc_type=request.doc_type,
        subject=request.subject,
        urgency=request.urgency,
        secrecy=request.secrecy,
        recipient_unit_ids=request.recipient_unit_ids,
        body_pdf=body.pdf,
        body_source=body.source,
        body_text=body.text,
        signer_id=request.signer_id,
        signer_authority=request.signer_authority,
        attachments=attachments,
        response_deadline=request.response_deadline,
        remind_days_before=request.remind_days_before,
    )


def revise(
    services: OfficeServices,
    actor: Actor,
    document_id: UUID,
    typed_body: str | None,
    uploaded_pdf: bytes | None,
) -> None:
    """A new version of a draft (or of a returned one), with the draft's own particulars."""
    document = services.app.document(document_id)
    services.app.authorize(actor, Action.REVISE, document)
    request = DraftRequest(
        doc_type=document.doc_type,
        subject=document.subject,
        urgency=document.urgency,
        secrecy=None,
        recipient_unit_ids=list(services.app.recipients_of(document)),
        signer_id=document.signer_id,
        signer_authority=document.signer_authority,
        typed_body=typed_body,
        uploaded_pdf=uploaded_pdf,
    )
    body = prepare_body(services, actor, request)
    services.app.revise_document(actor, document_id, body.pdf, body.text)
