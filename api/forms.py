"""The compose form, declared once for the JSON API and the page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, File, Form, UploadFile


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
) -> DraftForm:
    return DraftForm(
        subject, recipients, doc_type, urgency, secrecy, signer, signer_authority, body_text, file
    )


DraftFormData = Annotated[DraftForm, Depends(draft_form)]
