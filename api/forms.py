"""The compose form, declared once for the JSON API and the page; the copy form's pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, File, Form, UploadFile

from documents.deadlines import MAX_REMIND_DAYS_BEFORE
from documents.errors import InvalidInputError


@dataclass(frozen=True)
class DraftForm:
    subject: str
    recipients: list[str]
    doc_type: str
    urgency: str
    secrecy: str | None
    signer: str | None
    signer_authority: str | None
    body_text: str | None
    file: UploadFile | None
    attachments: list[UploadFile] = field(default_factory=list)
    """PDF attachments (phụ lục), signed by the unit when the document is issued."""
    response_deadline: str | None = None  # hạn trả lời: YYYY-MM-DD or YYYY-MM-DDTHH:MM
    remind_days_before: int | None = None  # days before the deadline to remind (0–30)


def draft_form(
    subject: Annotated[str, Form(min_length=1)],
    recipients: Annotated[list[str], Form(min_length=1)],
    doc_type: Annotated[str, Form()] = "ke_hoach",
    urgency: Annotated[str, Form()] = "thuong",
    secrecy: Annotated[str | None, Form()] = None,
    signer: Annotated[str | None, Form()] = None,
    signer_authority: Annotated[str | None, Form()] = None,
    body_text: Annotated[str | None, Form()] = None,
    file: Annotated[UploadFile | None, File()] = None,
    attachments: Annotated[list[UploadFile] | None, File()] = None,
    response_deadline: Annotated[str | None, Form(max_length=40)] = None,
    remind_days_before: Annotated[
        int | None,
        Form(ge=0, le=MAX_REMIND_DAYS_BEFORE, description="days before the deadline to remind"),
    ] = None,
) -> DraftForm:
    return DraftForm(
        subject,
        recipients,
        doc_type,
        urgency,
        secrecy,
        signer,
        signer_authority,
        body_text,
        file,
        attachments=list(attachments or []),
        response_deadline=response_deadline,
        remind_days_before=remind_days_before,
    )


DraftFormData = Annotated[DraftForm, Depends(draft_form)]


def parse_page_list(text: str) -> list[int] | None:
    """Pages typed on the copy form: ``1,3-4`` → [1, 3, 4]; empty → None."""
    pages: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        first, _, last = part.partition("-")
        try:
            start, end = int(first), int(last or first)
        except ValueError:
            raise InvalidInputError(
                f"Trang không hợp lệ: «{part}» (ví dụ 1,3-4).",
                f"Invalid pages '{part}' (e.g. 1,3-4).",
            ) from None
        if end < start or end - start > 500:
            raise InvalidInputError(
                f"Khoảng trang không hợp lệ: «{part}».", f"Invalid page range '{part}'."
            )
        pages.extend(range(start, end + 1))
    return pages or None
