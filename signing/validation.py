"""Checking the signatures of a PDF (kiểm tra chữ ký số): integrity, trust in the given roots,
revocation, the trusted timestamp, the PAdES level reached, and what changed after each
signature, told in Vietnamese and English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.generic_cms import validate_sig_integrity
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel

from signing import (
    asn1_classes,
    certificate_cache,
    historical_objects,
    name_prep,
    object_reader,
    path_cache,
    pdf_parsing,
    reverse_paths,
)
from signing.assurance import Evidence, context_for, level_reached, pages_added, revocation_status
from signing.collection_pause import collection_paused
from signing.errors import InvalidPdfError
from signing.form import ARRIVAL_FIELD, DATE_FIELD, NUMBER_FIELD, SEAL_FIELD
from signing.levels import SignatureLevel
from signing.pdfio import open_pdf
from signing.wording import short_vietnam, to_vietnam_time

__all__ = ["SignatureReport", "ValidationReport", "is_untouched", "validate_pdf"]

pdf_parsing.install()
object_reader.install()
name_prep.install()
path_cache.install()
reverse_paths.install()
historical_objects.install()
certificate_cache.install()
asn1_classes.prepare_all()  # after pyHanko's and certvalidator's classes are loaded

_ISSUANCE_FIELDS = {NUMBER_FIELD, DATE_FIELD, SEAL_FIELD}
_ALLOWED = {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING}


@dataclass(frozen=True)
class SignatureReport:
    """The verdict on one signature."""

    field_name: str
    signer_name: str
    signer_organisation: str | None
    signing_time: dt.datetime | None
    """The time the signer claims (not a trusted timestamp at level B-B), in Vietnam time."""
    intact: bool
    """The signed bytes are unchanged and the cryptographic signature verifies."""
    trusted: bool
    """The certificate chains to one of the given roots."""
    modification_level: str
    """What changed after signing: none, lta_updates, form_filling, annotations, other, or
    unknown."""
    covers_whole_document: bool
    """Whether this signature covers the file up to its end (true of the last signature)."""
    valid: bool
    summary_vi: str
    summary_en: str
    level: str | None = None
    """The PAdES baseline level reached (``PAdES-B-B`` … ``PAdES-B-LTA``); None if not valid."""
    timestamp_time: dt.datetime | None = None
    """The time certified by a trusted signature timestamp (B-T and up), in Vietnam time."""
    revocation_status: str = "unknown"
    """``good`` (checked online or proven by embedded OCSP/CRL data), ``revoked`` or
    ``unknown`` (not checked: a B-B/B-T signature validated offline)."""
    problem: str | None = None
    """Why it is not valid: ``altered``, ``untrusted``, ``expired``, ``revoked``,
    ``pages_added``, ``forbidden_changes`` or ``damaged``; None when valid."""


@dataclass(frozen=True)
class ValidationReport:
    """The verdict on a whole PDF: valid when it has signatures and all of them are valid."""

    signatures: list[SignatureReport]
    valid: bool
    summary_vi: str
    summary_en: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary (times as ISO 8601 strings)."""
        data = asdict(self)
        for signature in data["signatures"]:
            for key in ("signing_time", "timestamp_time"):
                moment = signature[key]
                signature[key] = moment.isoformat() if moment else None
        return data


def validate_pdf(
    pdf: bytes, trust_roots: Sequence[x509.Certificate], *, online: bool = False
) -> ValidationReport:
    """Validate every signature of ``pdf`` against ``trust_roots`` (``cryptography``
    certificates), with the revocation data embedded in the document and, when ``online``, the
    OCSP responders and CRLs the certificates name (then a certificate whose status cannot be
    fetched is not trusted). Raises only ``InvalidPdfError``, for bytes that are not a readable
    PDF."""
    with collection_paused():
        return _validate(pdf, trust_roots, online)


def _validate(
    pdf: bytes, trust_roots: Sequence[x509.Certificate], online: bool
) -> ValidationReport:
    reader = open_pdf(pdf)
    roots = [certificate_cache.certificate(root.public_bytes(Encoding.DER)) for root in trust_roots]
    try:
        signatures = list(reader.embedded_regular_signatures)
    except Exception as exc:  # a parser boundary: unreadable signature dictionaries
        raise InvalidPdfError(
            "Không đọc được các chữ ký số trong tệp PDF: tệp bị hỏng.",
            f"The PDF's signatures cannot be read: the file is corrupt ({exc}).",
        ) from exc
    reports: list[SignatureReport] = []
    for index, signature in enumerate(signatures, start=1):
        try:
            evidence = Evidence.of(reader, roots, online)
            reports.append(_report(reader, signature, evidence))
        except Exception as exc:  # a damaged signature must give a verdict, not a crash
            reports.append(_broken(_field_name(signature, index), exc))
    if not reports:
        return ValidationReport(
            signatures=[],
            valid=False,
            summary_vi="Tệp PDF không có chữ ký số nào.",
            summary_en="The PDF carries no digital signature.",
        )
    valid = all(report.valid for report in reports)
    if valid:
        summary_vi = f"Tất cả {len(reports)} chữ ký số đều hợp lệ."
        summary_en = f"All {len(reports)} digital signatures are valid."
    else:
        bad = sum(not report.valid for report in reports)
        summary_vi = f"{bad}/{len(reports)} chữ ký số không hợp lệ; không nên tin nội dung tệp."
        summary_en = f"{bad} of {len(reports)} digital signatures are not valid."
    return ValidationReport(reports, valid, summary_vi, summary_en)


def is_untouched(
    reader: PdfFileReader, field_name: str, *, form_filling_allowed: bool = False
) -> bool:
    """Whether the signature in ``field_name`` is cryptographically intact and nothing but
    validation data (and, if ``form_filling_allowed``, form filling) was added after it (no
    trust check: this is the clerk's check before the seal or a stamp, not a validation)."""
    allowed = {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES}
    if form_filling_allowed:
        allowed.add(ModificationLevel.FORM_FILLING)
    for signature in reader.embedded_regular_signatures:
        if signature.field_name != field_name:
            continue
        signature.compute_integrity_info()
        intact, valid = validate_sig_integrity(
            signature.signer_info, signature.signer_cert, "data", signature.compute_digest()
        )
        diff = signature.diff_result
        level = diff.modification_level if isinstance(diff, DiffResult) else None
        return intact and valid and level in allowed
    return False


def _field_name(signature: EmbeddedPdfSignature, index: int) -> str:
    try:
        return str(signature.field_name)
    except Exception:  # the field dictionary itself is damaged
        return f"#{index}"


def _report(
    reader: PdfFileReader, signature: EmbeddedPdfSignature, evidence: Evidence
) -> SignatureReport:
    field_name = str(signature.field_name)
    status = validate_pdf_signature(signature, context_for(evidence))
    subject = status.signing_cert.subject.native
    signer = str(subject.get("common_name") or subject.get("organization_name") or "?")
    organisation = subject.get("organization_name")
    moment = status.signer_reported_dt
    level = status.modification_level
    intact = bool(status.intact and status.valid)
    trusted = bool(status.trusted)
    valid = (
        intact
        and trusted
        and bool(status.bottom_line)
        and status.docmdp_ok is True
        and level in _ALLOWED
    )
    reached = level_reached(reader, signature, status, evidence) if valid else None
    stamp = status.timestamp_validity
    stamp_time = stamp.timestamp if stamp is not None and stamp.trusted else None
    problem = None if valid else _problem(reader, signature, status, intact, trusted)
    summary_vi, summary_en = _summaries(signer, moment, status, problem)
    if reached is not None and reached is not SignatureLevel.B_B and stamp_time is not None:
        summary_vi += f" Mức chữ ký {reached.value}, dấu thời gian {short_vietnam(stamp_time)}."
        at = to_vietnam_time(stamp_time)
        summary_en += f" Level {reached.value}, timestamped at {at:%H:%M on %d/%m/%Y}."
    return SignatureReport(
        field_name=field_name,
        signer_name=signer,
        signer_organisation=str(organisation) if organisation else None,
        signing_time=to_vietnam_time(moment) if moment else None,
        intact=intact,
        trusted=trusted,
        modification_level=level.name.lower() if level is not None else "unknown",
        covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        valid=valid,
        summary_vi=summary_vi,
        summary_en=summary_en,
        level=reached.value if reached else None,
        timestamp_time=to_vietnam_time(stamp_time) if stamp_time else None,
        revocation_status=revocation_status(status, reached, evidence.online),
        problem=problem,
    )


def _problem(
    reader: PdfFileReader,
    signature: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
    intact: bool,
    trusted: bool,
) -> str:
    if not intact:
        return "altered"
    if not trusted:
        indication = status.trust_problem_indic
        if status.revocation_details is not None or indication in _REVOKED:
            return "revoked"
        if indication in _EXPIRED:
            return "expired"
        return "untrusted"
    if pages_added(reader, signature) > 0:
        return "pages_added"
    return "forbidden_changes"


_REVOKED = {
    AdESFailure.REVOKED,
    AdESIndeterminate.REVOKED_NO_POE,
    AdESIndeterminate.REVOKED_CA_NO_POE,
}
_EXPIRED = {AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE}


def _summaries(
    signer: str,
    moment: dt.datetime | None,
    status: PdfSignatureStatus,
    problem: str | None,
) -> tuple[str, str]:
    when_vi = f", ký lúc {short_vietnam(moment)}" if moment else ""
    when_en = f", signed at {to_vietnam_time(moment):%H:%M on %d/%m/%Y}" if moment else ""
    if problem is not None:
        return _problem_summaries(signer, when_vi, when_en, status, problem)
    level = status.modification_level
    if level == ModificationLevel.FORM_FILLING:
        diff = status.diff_result
        changed = diff.changed_form_fields if isinstance(diff, DiffResult) else set()
        if changed <= {ARRIVAL_FIELD}:
            what_vi, what_en = "đóng dấu đến của đơn vị nhận", "the receiver's incoming stamp"
        elif changed <= _ISSUANCE_FIELDS:
            what_vi, what_en = "điền số, ngày", "filling in the number and date"
        elif changed <= _ISSUANCE_FIELDS | {ARRIVAL_FIELD}:
            what_vi = "điền số, ngày và đóng dấu đến của đơn vị nhận"
            what_en = "filling in the number and date, and the receiver's incoming stamp"
        else:
            what_vi, what_en = "điền biểu mẫu", "form filling"
        return (
            f"Chữ ký của {signer} hợp lệ{when_vi}; các thay đổi sau khi ký chỉ là "
            f"{what_vi} (được phép).",
            f"The signature of {signer} is valid{when_en}; the changes after signing are only "
            f"{what_en} (allowed).",
        )
    if level == ModificationLevel.LTA_UPDATES:
        return (
            f"Chữ ký của {signer} hợp lệ{when_vi}; sau khi ký chỉ bổ sung dữ liệu kiểm tra "
            "chữ ký, dấu thời gian (được phép).",
            f"The signature of {signer} is valid{when_en}; only validation data and "
            "timestamps were added after signing (allowed).",
        )
    return (
        f"Chữ ký của {signer} hợp lệ{when_vi}; văn bản không bị thay đổi sau khi ký.",
        f"The signature of {signer} is valid{when_en}; the document is unchanged since.",
    )


def _problem_summaries(
    signer: str, when_vi: str, when_en: str, status: PdfSignatureStatus, problem: str
) -> tuple[str, str]:
    if problem == "altered":
        return (
            f"Chữ ký của {signer} không hợp lệ: nội dung đã bị thay đổi sau khi ký.",
            f"The signature of {signer} is not valid: the signed content was altered.",
        )
    if problem == "revoked":
        revoked = status.revocation_details
        at_vi = f" từ {short_vietnam(revoked.revocation_date)}" if revoked else ""
        at_en = f" on {to_vietnam_time(revoked.revocation_date):%d/%m/%Y}" if revoked else ""
        return (
            f"Chữ ký của {signer} không hợp lệ: chứng thư số đã bị thu hồi{at_vi}.",
            f"The signature of {signer} is not valid: its certificate was revoked{at_en}.",
        )
    if problem == "expired":
        end = status.signing_cert["tbs_certificate"]["validity"]["not_after"].native
        return (
            f"Chữ ký của {signer} không hợp lệ: chứng thư số đã hết hạn "
            f"(hết hiệu lực từ {short_vietnam(end)}).",
            f"The signature of {signer} is not valid: its certificate expired on "
            f"{to_vietnam_time(end):%d/%m/%Y}.",
        )
    if problem == "untrusted":
        return (
            f"Chữ ký của {signer} không hợp lệ: chứng thư số không thuộc tổ chức cung cấp "
            "dịch vụ chứng thực được tin cậy.",
            f"The signature of {signer} is not valid: its certificate is not trusted "
            "(it does not chain to a configured trust root).",
        )
    if problem == "pages_added":
        return (
            f"Chữ ký của {signer} không hợp lệ{when_vi}: văn bản đã bị thêm trang sau khi ký "
            "(thay đổi không được phép).",
            f"The signature of {signer} is not valid{when_en}: pages were added after signing.",
        )
    return (
        f"Chữ ký của {signer} không hợp lệ{when_vi}: văn bản đã bị sửa đổi sau khi ký "
        "theo cách không được phép (thêm, sửa hoặc phủ nội dung lên trang).",
        f"The signature of {signer} is not valid{when_en}: the document was changed "
        "after signing in a way that is not allowed (page content added, changed or "
        "overlaid).",
    )


def _broken(field_name: str, exc: Exception) -> SignatureReport:
    return SignatureReport(
        field_name=field_name,
        signer_name="?",
        signer_organisation=None,
        signing_time=None,
        intact=False,
        trusted=False,
        modification_level="unknown",
        covers_whole_document=False,
        valid=False,
        problem="damaged",
        summary_vi=(
            f"Không kiểm tra được chữ ký số trong trường “{field_name}”: tệp hoặc chữ ký "
            "bị hỏng, có thể đã bị thay đổi."
        ),
        summary_en=(
            f"The signature in field {field_name!r} cannot be checked: the file or the "
            f"signature is damaged, possibly altered ({exc})."
        ),
    )
