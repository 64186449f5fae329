"""The signature steps of Nghị định 30: the leader signs, the clerk's number and the unit's seal,
and the receiving unit's check of what arrived and its incoming stamp (dấu đến). The PAdES
levels come from ``OfficeServices.signature_levels`` (B-LT for the leader and B-LTA for the
seal and the stamp by default)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from uuid import UUID

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

from documents.clock import now_vietnam, place_and_date_line
from documents.errors import ConflictError, ForbiddenError, InvalidInputError
from documents.policy import Actor
from documents.registers import format_number
from documents.service.incoming import ArrivalStamper
from signing import (
    ArrivalStamp,
    InvalidPdfError,
    KeyMaterial,
    PersonalAppearance,
    SealAppearance,
    SignatureLevel,
    SigningError,
    SigningKey,
    ValidationReport,
    can_stamp_arrival,
    fill_number_and_seal,
    seal_image,
    sign_personal,
    signature_image,
    stamp_arrival,
    validate_pdf,
)
from signing.signers import SignerKind, UsedKey
from workflow.attachments import sign_attachments
from workflow.services import OfficeServices, unit_key_id
from workflow.signing_keys import NO_CERTIFICATE


def certificate_sha256(key: KeyMaterial) -> str:
    _, certificate, _ = pkcs12.load_key_and_certificates(key.p12_path.read_bytes(), key.passphrase)
    if certificate is None:
        return ""
    return hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()


@contextmanager
def signing_refusals() -> Iterator[None]:
    """Turns the signing package's errors into domain refusals (same Vietnamese and English
    messages), which the API answers with a 4xx: a PDF that cannot be signed is invalid input;
    a signature already there, a revoked, expired or untrusted certificate, or trust services
    that do not answer make the command impossible for now (conflict)."""
    try:
        yield
    except InvalidPdfError as error:
        raise InvalidInputError(error.message_vi, error.message_en) from error
    except SigningError as error:  # AlreadySignedError among them
        raise ConflictError(error.message_vi, error.message_en) from error


def signer_choices(services: OfficeServices, actor: Actor) -> list[SignerKind]:
    """The signers the person may choose on the sign page (only those they have)."""
    account = services.app.account_by_id(actor.account_id)
    return services.personal_signers().kinds(account.username, account.key_id)


def check_can_sign_with(
    services: OfficeServices, actor: Actor, document_id: UUID, signer: SignerKind
) -> SigningKey:
    """Everything that can refuse a signature before the key is used: the document may be
    signed by this person now, and the person has the chosen signer; its key."""
    services.app.check_can_sign(actor, document_id)
    account = services.app.account_by_id(actor.account_id)
    key = services.personal_signers().key(account.username, account.key_id, signer)
    if key is None:
        if not account.key_id and signer is SignerKind.FILE:
            raise ForbiddenError(*NO_CERTIFICATE)
        raise ForbiddenError(
            f"Tài khoản không có phương thức ký “{signer.label_vi}”.",
            f"This account has no {signer.label_en} signer.",
        )
    return key


def sign_as_leader(
    services: OfficeServices,
    actor: Actor,
    document_id: UUID,
    signer: SignerKind = SignerKind.FILE,
) -> None:
    """The leader approves and signs with their personal certificate (visible signature) with
    the signer they chose (key file, token or remote service; a remote one waits for the
    confirmation on the phone), at the issuing unit's personal signature level. The recorded
    certificate fingerprint is that of the key that signed."""
    app = services.app
    key = UsedKey(check_can_sign_with(services, actor, document_id, signer))
    document = app.document(document_id)
    level = services.signature_levels(document.issuer_unit_id).personal
    appearance = leader_appearance(services, actor, document_id)
    with signing_refusals():
        signed = sign_personal(
            app.blobs.get(document.body_sha256),
            key,
            appearance,
            now_vietnam(),
            level=level,
            services=services.keys.trust_services(),
        )
        fingerprint = key.certificate_sha256()
    app.record_signature(actor, document_id, signed, fingerprint, level.value)


def leader_appearance(
    services: OfficeServices, actor: Actor, document_id: UUID
) -> PersonalAppearance:
    """How the leader's signature looks on the document: the authority (``KT.``, ``TM.``) and
    title, the full name and the signature image."""
    document = services.app.document(document_id)
    account = services.app.account_by_id(actor.account_id)
    title_lines = [line for line in (document.signer_authority, account.title.upper()) if line]
    return PersonalAppearance(
        title_lines=title_lines,
        full_name=account.full_name,
        signature_png=signature_image(account.full_name),
    )


def number_and_seal(services: OfficeServices, document_id: UUID) -> str:
    """Issuing in two steps: the register number (``take_number``: the only step in the race
    with other issuers, no PDF work), then number and date filled in and the unit's seal
    signature applied at the unit's seal level, recorded by ``record_seal``. A retry after a
    failed seal keeps the number already taken."""
    app = services.app
    document = app.take_number(document_id)
    if document.issued_sha256 is not None:
        return document.number_symbol or ""
    assert document.number is not None and document.issued_at is not None
    unit = app.unit(document.issuer_unit_id)
    key = services.keys.key(unit_key_id(unit.code))
    seal = SealAppearance(unit_name=unit.name, seal_png=seal_image(unit.name))
    level = services.signature_levels(document.issuer_unit_id).seal
    with signing_refusals():
        issued_pdf = fill_number_and_seal(
            app.blobs.get(document.signed_sha256 or ""),
            format_number(document.number),
            place_and_date_line(unit.place, document.issued_at.date()),
            key,
            seal,
            now_vietnam(),
            level=level,
            services=services.keys.trust_services(),
        )
        # attachments (phụ lục): the unit's invisible signature, recorded with the seal
        attachments = sign_attachments(services, document, unit.name, key, now_vietnam(), level)
    return app.record_seal(document_id, issued_pdf, attachments).number_symbol or ""


def verify_file(services: OfficeServices, sha256: str) -> ValidationReport:
    """The signatures of a stored PDF, checked with what the document embeds. A signature
    without embedded revocation data (B-B, B-T) is checked again online, asking the OCSP
    responders and CRLs its certificates name whether they were revoked."""
    return validate_signatures(services.app.blobs.get(sha256), services.keys.trust_roots())


def validate_signatures(pdf: bytes, roots: Sequence[x509.Certificate]) -> ValidationReport:
    """``validate_pdf`` with the embedded data, then online for a signature without embedded
    revocation data (B-B, B-T)."""
    report = validate_pdf(pdf, roots)
    if any(_without_revocation_data(level) for level in _valid_levels(report)):
        return validate_pdf(pdf, roots, online=True)
    return report


def _valid_levels(report: ValidationReport) -> Iterator[SignatureLevel]:
    for signature in report.signatures:
        if signature.valid and signature.level is not None:
            yield SignatureLevel(signature.level)


def _without_revocation_data(level: SignatureLevel) -> bool:
    return level.rank < SignatureLevel.B_LT.rank


def register_arrival(services: OfficeServices, actor: Actor, receipt_id: UUID) -> int:
    """Checks the signatures of what arrived (the original, before anything is added), then
    gives it the next arrival number (số đến) and, always when the file allows it, the
    receiving unit's digital incoming stamp (dấu đến) on a copy of the file — stored beside the
    original, recorded in the same save as the registration. A file whose signatures are not
    valid, or that has no incoming-stamp field (prepared elsewhere), is registered unstamped."""
    app = services.app
    receipt = app.receipt(receipt_id)
    app.authorize_receipt(actor, receipt)
    report = verify_file(services, receipt.file_sha256)
    holder = app.tree().successor(receipt.recipient_unit_id)  # the register's unit, see there
    stamper = _arrival_stamper(services, holder, receipt.file_sha256)
    with signing_refusals():
        return app.register_receipt(
            actor,
            receipt_id,
            report.valid,
            report.summary_vi,
            stamper if report.valid else None,
        )


def _arrival_stamper(services: OfficeServices, unit_id: UUID, sha256: str) -> ArrivalStamper:
    app = services.app
    original = app.blobs.get(sha256)
    unit = app.unit(unit_id)
    level = services.signature_levels(unit_id).seal

    def stamp(arrival_number: int, received_at: datetime) -> tuple[bytes, str] | None:
        if not can_stamp_arrival(original):
            return None
        stamped = stamp_arrival(
            original,
            services.keys.key(unit_key_id(unit.code)),
            ArrivalStamp(unit.name, arrival_number, received_at),
            level=level,
            services=services.keys.trust_services(),
        )
        return stamped, level.value

    return stamp
