"""PDF in, PDF out: electronic documents signed the way Nghị định 30/2020 asks.

A document is rendered (or an uploaded PDF prepared) with empty number and date fields and two
empty signature fields; the competent person signs; then, in one incremental update, the number
and date are filled and the unit's seal signature is applied. Validation tells whether each
signature is intact, trusted, and what changed after it. The receiving unit's incoming stamp
(dấu đến) is a further signature into a field left for it; electronic copies and attachments
carry only the unit's invisible signature and an information block (bản sao điện tử).

Imports nothing from the rest of the e-office (documents, workflow, search, api, eoffice).
"""

from __future__ import annotations

from signing.appearance import seal_image, seal_with_caption, signature_image
from signing.arrival import ArrivalStamp, can_stamp_arrival, stamp_arrival
from signing.copies import CopyForm, CopyInfo, copy_block_lines, make_copy, sign_attachment
from signing.errors import AlreadySignedError, InvalidPdfError, SigningError
from signing.info_block import sign_with_info_block
from signing.invisible import seal_invisibly
from signing.issuance import (
    PersonalAppearance,
    SealAppearance,
    fill_number_and_seal,
    sign_personal,
)
from signing.keys import KeyMaterial, SigningKey
from signing.levels import SignatureLevel, TrustServices
from signing.pki import DevPki, PersonIdentity, UnitIdentity, ensure_dev_pki
from signing.signature_block import SignerBlock
from signing.template import (
    DocumentLayout,
    check_pdf,
    layout_text,
    prepare_uploaded_pdf,
    render_document,
)
from signing.validation import SignatureReport, ValidationReport, validate_pdf
from signing.wording import VIETNAM_TZ

__all__ = [
    "VIETNAM_TZ",
    "AlreadySignedError",
    "ArrivalStamp",
    "CopyForm",
    "CopyInfo",
    "DevPki",
    "DocumentLayout",
    "InvalidPdfError",
    "KeyMaterial",
    "PersonIdentity",
    "PersonalAppearance",
    "SealAppearance",
    "SignatureLevel",
    "SignatureReport",
    "SignerBlock",
    "SigningError",
    "SigningKey",
    "TrustServices",
    "UnitIdentity",
    "ValidationReport",
    "can_stamp_arrival",
    "check_pdf",
    "copy_block_lines",
    "ensure_dev_pki",
    "fill_number_and_seal",
    "make_copy",
    "prepare_uploaded_pdf",
    "layout_text",
    "render_document",
    "seal_invisibly",
    "seal_image",
    "seal_with_caption",
    "signature_image",
    "sign_attachment",
    "sign_personal",
    "sign_with_info_block",
    "stamp_arrival",
    "validate_pdf",
]
