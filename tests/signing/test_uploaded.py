from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from pyhanko.pdf_utils.writer import PdfFileWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from signing import (
    AlreadySignedError,
    DevPki,
    InvalidPdfError,
    PersonalAppearance,
    SealAppearance,
    SignerBlock,
    check_pdf,
    fill_number_and_seal,
    prepare_uploaded_pdf,
    sign_personal,
    validate_pdf,
)
from signing.fonts import FontStyle, font_path
from tests.signing.conftest import (
    DATE_LINE,
    LEADER,
    SEALED_AT,
    SIGNED_AT,
    UNIT,
    field_values,
    widget_rects,
)

BLOCK = SignerBlock(title_lines=["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], full_name="Nguyễn Phúc Linh")


def drafted_pdf(pages: int = 2, fill_last_page: bool = False) -> bytes:
    """A body as a drafter might upload it: plain reportlab pages of Vietnamese text."""
    pdfmetrics.registerFont(TTFont("UploadSerif", str(font_path(FontStyle.REGULAR))))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for number in range(1, pages + 1):
        canvas.setFont("UploadSerif", 13)
        lines = 48 if fill_last_page or number < pages else 12
        for line in range(lines):
            canvas.drawString(
                85, 760 - 15 * line, f"Trang {number}, dòng {line + 1}: đoàn viên công đoàn."
            )
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _issue(
    prepared: bytes, pki: DevPki, appearance: PersonalAppearance, seal: SealAppearance
) -> bytes:
    signed = sign_personal(prepared, pki.key(LEADER.key_id), appearance, SIGNED_AT)
    return fill_number_and_seal(signed, "07", DATE_LINE, pki.key(UNIT.key_id), seal, SEALED_AT)


def test_uploaded_body_goes_through_the_same_issuance(
    pki: DevPki,
    personal_appearance: PersonalAppearance,
    seal_appearance: SealAppearance,
    artifacts: Path,
) -> None:
    prepared = prepare_uploaded_pdf(drafted_pdf(), "KH-LĐLĐ", "Bến Tre", BLOCK)
    assert check_pdf(prepared) == 2

    issued = _issue(prepared, pki, personal_appearance, seal_appearance)
    (artifacts / "uploaded-issued.pdf").write_bytes(issued)

    report = validate_pdf(issued, pki.trust_roots())
    assert report.valid, report.summary_en
    assert [s.modification_level for s in report.signatures] == ["form_filling", "none"]
    values = field_values(issued)
    assert values["number"] == "Số: 07/KH-LĐLĐ"
    assert values["date"] == "Bến Tre, ngày 23 tháng 11 năm 2026"
    last_page = pypdf.PdfReader(io.BytesIO(issued)).pages[-1].extract_text()
    assert "KT. CHỦ TỊCH" in last_page and "Nguyễn Phúc Linh" in last_page


def test_without_a_signer_block_the_signature_draws_title_and_name(
    pki: DevPki,
    personal_appearance: PersonalAppearance,
    seal_appearance: SealAppearance,
    artifacts: Path,
) -> None:
    prepared = prepare_uploaded_pdf(drafted_pdf(pages=1), "/BC-CĐCS", "Phú Tân")
    assert "CHỦ TỊCH" not in pypdf.PdfReader(io.BytesIO(prepared)).pages[0].extract_text()

    issued = _issue(prepared, pki, personal_appearance, seal_appearance)
    (artifacts / "uploaded-no-block.pdf").write_bytes(issued)

    assert validate_pdf(issued, pki.trust_roots()).valid
    values = field_values(issued)
    assert values["number"] == "Số: 07/BC-CĐCS"
    assert values["leader_signature"] is not None


def test_a_full_last_page_gets_a_page_for_the_signature(pki: DevPki) -> None:
    prepared = prepare_uploaded_pdf(
        drafted_pdf(pages=1, fill_last_page=True), "TB-LĐLĐ", "Bến Tre", BLOCK
    )

    assert check_pdf(prepared) == 2
    assert set(widget_rects(prepared, 1)) == {"leader_signature", "unit_seal"}


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello, this is not a PDF",
        b"%PDF-1.7\n" + bytes(range(256)) * 4,
        b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
    ],
    ids=["empty", "text", "pdf-header-then-garbage", "png"],
)
def test_garbage_is_an_invalid_pdf(data: bytes, pki: DevPki) -> None:
    with pytest.raises(InvalidPdfError) as error:
        prepare_uploaded_pdf(data, "KH-LĐLĐ", "Bến Tre")
    assert error.value.message_vi and error.value.message_en
    with pytest.raises(InvalidPdfError):
        check_pdf(data)
    with pytest.raises(InvalidPdfError):
        validate_pdf(data, pki.trust_roots())


def test_truncated_pdf_is_invalid() -> None:
    pdf = drafted_pdf()
    with pytest.raises(InvalidPdfError) as error:
        check_pdf(pdf[: len(pdf) // 2])
    assert "hỏng" in str(error.value)


def test_encrypted_pdf_is_refused() -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(drafted_pdf())))
    writer.encrypt(user_password="mat-khau", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)

    with pytest.raises(InvalidPdfError) as error:
        prepare_uploaded_pdf(buffer.getvalue(), "KH-LĐLĐ", "Bến Tre")
    assert "mã hóa" in error.value.message_vi


def test_pdf_without_pages_is_refused() -> None:
    buffer = io.BytesIO()
    PdfFileWriter().write(buffer)

    with pytest.raises(InvalidPdfError) as error:
        check_pdf(buffer.getvalue())
    assert error.value.message_en == "The PDF has no pages."


def test_signed_or_prepared_uploads_are_refused(issued_pdf: bytes, template_pdf: bytes) -> None:
    with pytest.raises(AlreadySignedError):
        prepare_uploaded_pdf(issued_pdf, "KH-LĐLĐ", "Bến Tre")
    with pytest.raises(InvalidPdfError):
        prepare_uploaded_pdf(template_pdf, "KH-LĐLĐ", "Bến Tre")
