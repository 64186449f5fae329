from __future__ import annotations

import io
import re

import pypdf
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject

from signing import (
    AlreadySignedError,
    DevPki,
    InvalidPdfError,
    PersonalAppearance,
    SealAppearance,
    SigningError,
    fill_number_and_seal,
    sign_personal,
    validate_pdf,
)
from tests.signing.conftest import DATE_LINE, LEADER, SEALED_AT, UNIT, field_values


def test_issued_plan_has_both_signatures_valid(issued_pdf: bytes, pki: DevPki) -> None:
    report = validate_pdf(issued_pdf, pki.trust_roots())

    assert report.valid, report.summary_en
    leader, seal = report.signatures
    assert (leader.field_name, seal.field_name) == ("leader_signature", "unit_seal")
    assert leader.signer_name == "Nguyễn Phúc Linh"
    assert leader.modification_level == "form_filling" and not leader.covers_whole_document
    assert leader.summary_vi == (
        "Chữ ký của Nguyễn Phúc Linh hợp lệ, ký lúc 09:30 ngày 23/11/2026; "
        "các thay đổi sau khi ký chỉ là điền số, ngày (được phép)."
    )
    assert seal.signer_name == UNIT.unit_name
    assert seal.modification_level == "none" and seal.covers_whole_document
    assert seal.signing_time == SEALED_AT
    assert seal.signing_time is not None and seal.signing_time.isoformat().endswith("+07:00")


def test_number_and_date_are_filled_read_only_and_extractable(issued_pdf: bytes) -> None:
    values = field_values(issued_pdf)
    assert values["number"] == "35"
    assert values["date"] == "Bến Tre, ngày 23 tháng 11 năm 2026"

    reader = pypdf.PdfReader(io.BytesIO(issued_pdf))
    text = reader.pages[0].extract_text(extraction_mode="layout")
    for field in reader.get_fields().values():  # type: ignore[union-attr]
        if field.get("/FT") == "/Tx":
            assert int(field.get("/Ff", 0)) & 1
    assert "Số:" in text


def test_the_seal_records_the_issue_in_its_signature_dictionary(issued_pdf: bytes) -> None:
    fields = pypdf.PdfReader(io.BytesIO(issued_pdf)).get_fields() or {}
    seal = fields["unit_seal"]["/V"].get_object()

    assert seal["/Name"] == UNIT.unit_name
    assert seal["/Reason"] == "Phát hành văn bản số 35"
    assert seal["/Location"] == "Bến Tre"
    assert seal["/M"].startswith("D:20261123105743+07")


def test_signing_the_personal_field_twice_is_refused(
    personally_signed: bytes, pki: DevPki, personal_appearance: PersonalAppearance
) -> None:
    with pytest.raises(AlreadySignedError) as error:
        sign_personal(personally_signed, pki.key(LEADER.key_id), personal_appearance)
    assert error.value.message_en and "đã được" in str(error.value)


def test_sealing_twice_is_refused(
    issued_pdf: bytes, pki: DevPki, seal_appearance: SealAppearance
) -> None:
    with pytest.raises(AlreadySignedError):
        fill_number_and_seal(
            issued_pdf, "36", DATE_LINE, pki.key(UNIT.key_id), seal_appearance, SEALED_AT
        )


def test_seal_before_the_personal_signature_is_refused(
    template_pdf: bytes, pki: DevPki, seal_appearance: SealAppearance
) -> None:
    with pytest.raises(SigningError) as error:
        fill_number_and_seal(
            template_pdf, "01", DATE_LINE, pki.key(UNIT.key_id), seal_appearance, SEALED_AT
        )
    assert not isinstance(error.value, AlreadySignedError)
    assert "chưa có chữ ký" in error.value.message_vi


def test_sealing_a_document_changed_after_the_personal_signature_is_refused(
    template_pdf: bytes,
    personally_signed: bytes,
    pki: DevPki,
    seal_appearance: SealAppearance,
) -> None:
    tampered = bytearray(personally_signed)
    tampered[_middle_of_largest_stream(template_pdf)] ^= 0x01

    with pytest.raises(SigningError) as error:
        fill_number_and_seal(
            bytes(tampered), "35", DATE_LINE, pki.key(UNIT.key_id), seal_appearance, SEALED_AT
        )
    assert "toàn vẹn" in error.value.message_vi


def test_a_pdf_without_the_fields_cannot_be_signed(
    pki: DevPki, personal_appearance: PersonalAppearance
) -> None:
    plain = _plain_pdf()
    with pytest.raises(InvalidPdfError):
        sign_personal(plain, pki.key(LEADER.key_id), personal_appearance)


def test_a_changed_byte_breaks_both_signatures(
    template_pdf: bytes, issued_pdf: bytes, pki: DevPki
) -> None:
    assert issued_pdf.startswith(template_pdf)  # issuance only appended revisions
    tampered = bytearray(issued_pdf)
    tampered[_middle_of_largest_stream(template_pdf)] ^= 0x01

    report = validate_pdf(bytes(tampered), pki.trust_roots())

    assert not report.valid
    assert not any(signature.intact for signature in report.signatures)
    assert "bị thay đổi" in report.signatures[0].summary_vi


def test_a_page_appended_after_sealing_is_flagged(issued_pdf: bytes, pki: DevPki) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(issued_pdf))
    contents = writer.add_object(generic.StreamObject(stream_data=b""))
    writer.insert_page(PageObject(contents=contents, media_box=[0, 0, 595, 842]))
    out = io.BytesIO()
    writer.write(out)

    report = validate_pdf(out.getvalue(), pki.trust_roots())

    assert not report.valid
    assert all(s.intact and not s.valid for s in report.signatures)
    assert all(s.modification_level == "other" for s in report.signatures)
    assert "không được phép" in report.signatures[1].summary_vi


def test_changing_the_number_after_sealing_is_flagged(issued_pdf: bytes, pki: DevPki) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(issued_pdf))
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field["/T"] == "number":
            field[generic.NameObject("/V")] = generic.TextStringObject("36")
            writer.mark_update(ref)
    out = io.BytesIO()
    writer.write(out)

    report = validate_pdf(out.getvalue(), pki.trust_roots())

    assert not report.valid
    assert not report.signatures[1].valid


def _middle_of_largest_stream(pdf: bytes) -> int:
    """A byte inside stream data (a font program), so the file still parses."""
    spans = [
        (match.end(), pdf.index(b"endstream", match.end()))
        for match in re.finditer(rb"(?<!end)stream\r?\n", pdf)
    ]
    start, end = max(spans, key=lambda span: span[1] - span[0])
    return (start + end) // 2


def _plain_pdf() -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(100, 700, "Hello")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
