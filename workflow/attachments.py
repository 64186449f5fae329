"""Attachments in the same file (phụ lục kèm theo, Nghị định 30, Phụ lục I): checked when a
draft is composed, signed by the issuing unit when the document is issued — the unit's invisible
signature and an information block naming the main document's number and symbol and the time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from documents.errors import InvalidInputError
from documents.outgoing import MAX_ATTACHMENTS, AttachmentUpload, OutgoingDocument
from search.text import extract_pdf_text
from signing import InvalidPdfError, KeyMaterial, SignatureLevel, check_pdf, sign_attachment
from workflow.services import OfficeServices


def checked_attachments(
    services: OfficeServices, files: Sequence[tuple[str, bytes]]
) -> list[AttachmentUpload]:
    """Each uploaded attachment as a readable PDF within the upload limit, with its text (for
    the secrecy check). Stores nothing."""
    if len(files) > MAX_ATTACHMENTS:
        raise InvalidInputError(
            f"Mỗi văn bản đính kèm tối đa {MAX_ATTACHMENTS} tệp.",
            f"A document takes at most {MAX_ATTACHMENTS} attachments.",
        )
    uploads = []
    for name, pdf in files:
        if len(pdf) > services.app.blobs.max_bytes:
            services.app.blobs.put(pdf)  # raises the size error with its message
        try:
            check_pdf(pdf)
        except InvalidPdfError as error:
            raise InvalidInputError(
                f"Tệp đính kèm «{name}»: {error.message_vi}",
                f"Attachment '{name}': {error.message_en}",
            ) from error
        uploads.append(AttachmentUpload(name=name, pdf=pdf, text=extract_pdf_text(pdf)))
    return uploads


def sign_attachments(
    services: OfficeServices,
    document: OutgoingDocument,
    unit_name: str,
    key: KeyMaterial,
    signing_time: datetime,
    level: SignatureLevel,
) -> list[bytes]:
    """Every attachment of a numbered document, signed by its issuing unit (no image; the
    block names the document's number and symbol). Raises ``SigningError`` like the seal."""
    return [
        sign_attachment(
            services.app.blobs.get(attachment.sha256),
            key,
            unit_name,
            document.number_symbol or "",
            signing_time,
            level=level,
            services=services.keys.trust_services(),
        )
        for attachment in document.attachments
    ]
