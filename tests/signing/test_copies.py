"""Electronic copies (SAO Y, SAO LỤC, TRÍCH SAO) and attachments: only the copying unit's
invisible signature, the information block at the top right of page 1 in exact Vietnamese
(NFC, embedded Liberation Serif 10), pdfsig on every output, tampering caught."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from pathlib import Path

import pypdf
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from reportlab.pdfgen.canvas import Canvas

from signing import (
    VIETNAM_TZ,
    CopyForm,
    CopyInfo,
    DevPki,
    InvalidPdfError,
    SignatureLevel,
    copy_block_lines,
    ensure_dev_pki,
    make_copy,
    render_document,
    sign_attachment,
    validate_pdf,
)
from tests.servers.pki_services import TrustServices
from tests.signing.conftest import BODY, LEADER, UNIT, plan_layout
from tests.signing.pdfsig import assert_pdfsig_valid
from tests.signing.test_arrival_stamp import RECEIVER

COPIED_AT = dt.datetime(2026, 11, 25, 14, 3, 9, tzinfo=VIETNAM_TZ)
SAO_Y = CopyInfo(CopyForm.SAO_Y, RECEIVER.unit_name, "01/SY-LĐLĐ", COPIED_AT)


@pytest.fixture(scope="module")
def copier(pki: DevPki) -> DevPki:
    return ensure_dev_pki(pki.directory, [LEADER], [UNIT, RECEIVER])


def _text(pdf: bytes, page: int = 0) -> str:
    return pypdf.PdfReader(io.BytesIO(pdf)).pages[page].extract_text()


def test_a_sao_y_carries_only_the_copiers_invisible_signature_and_the_block(
    issued_pdf: bytes, copier: DevPki, artifacts: Path
) -> None:
    copy = make_copy(issued_pdf, copier.key(RECEIVER.key_id), SAO_Y)
    (artifacts / "sao-y.pdf").write_bytes(copy)

    text = _text(copy)
    expected = (
        "SAO Y\nLiên đoàn Lao động thành phố Bến Tre\nSố: 01/SY-LĐLĐ\n2026-11-25T14:03:09+07:00"
    )
    assert unicodedata.is_normalized("NFC", expected)
    assert expected in text, text
    assert "LIÊN ĐOÀN LAO ĐỘNG TỈNH BẾN TRE" in text  # the original page is there
    assert len(pypdf.PdfReader(io.BytesIO(copy)).pages) == len(
        pypdf.PdfReader(io.BytesIO(issued_pdf)).pages
    )

    report = validate_pdf(copy, copier.trust_roots())
    (only,) = report.signatures  # the sender's signatures are not carried over
    assert report.valid and only.signer_name == RECEIVER.unit_name
    assert only.signing_time == COPIED_AT
    field = pypdf.PdfReader(io.BytesIO(copy)).get_fields() or {}
    widget = pypdf.PdfReader(io.BytesIO(copy)).pages[0].annotations[0].get_object()  # type: ignore[index]
    assert list(field) == ["unit_signature"]
    assert [float(v) for v in widget["/Rect"]] == [0, 0, 0, 0]  # invisible
    assert_pdfsig_valid(copy, copier.root_cert_path, 1)


def test_the_block_is_at_the_top_right_in_liberation_serif_10(
    issued_pdf: bytes, copier: DevPki
) -> None:
    copy = make_copy(issued_pdf, copier.key(RECEIVER.key_id), SAO_Y)
    page = pypdf.PdfReader(io.BytesIO(copy)).pages[0]
    seen: list[tuple[str, float, float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip() in copy_block_lines(SAO_Y):
            base = font.get("/BaseFont") if isinstance(font, dict) else ""  # type: ignore[union-attr]
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            seen.append((text.strip(), x, y, size * abs(tm[0] * cm[0]), str(base)))

    page.extract_text(visitor_text=visit)
    assert [s[0] for s in seen] == list(copy_block_lines(SAO_Y))
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert all(x > width / 2 and y > height - 72 for _, x, y, _, _ in seen)
    assert all(abs(size - 10) < 0.01 for *_, size, _ in seen)
    assert all("LiberationSerif" in base for *_, base in seen)


def test_a_trich_sao_holds_the_chosen_pages_only(copier: DevPki) -> None:
    long_pdf = render_document(plan_layout("\n\n".join([BODY] * 4)))
    pages = len(pypdf.PdfReader(io.BytesIO(long_pdf)).pages)
    assert pages >= 2
    info = CopyInfo(CopyForm.TRICH_SAO, RECEIVER.unit_name, "02/TS-LĐLĐ", COPIED_AT)

    copy = make_copy(long_pdf, copier.key(RECEIVER.key_id), info, [pages - 1])

    reader = pypdf.PdfReader(io.BytesIO(copy))
    assert len(reader.pages) == 1
    assert "TRÍCH SAO\nLiên đoàn Lao động thành phố Bến Tre\nSố: 02/TS-LĐLĐ" in _text(copy)
    assert "Nơi nhận" in _text(copy)  # the last page's content
    assert validate_pdf(copy, copier.trust_roots()).valid
    assert_pdfsig_valid(copy, copier.root_cert_path, 1)


def test_bad_pages_are_refused(issued_pdf: bytes, copier: DevPki) -> None:
    key = copier.key(RECEIVER.key_id)
    info = CopyInfo(CopyForm.TRICH_SAO, RECEIVER.unit_name, "03/TS-LĐLĐ", COPIED_AT)
    with pytest.raises(InvalidPdfError, match="không có trong văn bản"):
        make_copy(issued_pdf, key, info, [5])
    with pytest.raises(InvalidPdfError):
        make_copy(issued_pdf, key, info, [])
    with pytest.raises(ValueError):
        make_copy(issued_pdf, key, info)
    with pytest.raises(ValueError):
        make_copy(issued_pdf, key, SAO_Y, [0])


def test_a_change_to_a_copy_is_caught(issued_pdf: bytes, copier: DevPki) -> None:
    copy = make_copy(issued_pdf, copier.key(RECEIVER.key_id), SAO_Y)
    writer = IncrementalPdfFileWriter(io.BytesIO(copy))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    overlay = writer.add_object(
        generic.StreamObject(stream_data=b"q 1 1 1 rg 300 760 250 70 re f Q")
    )
    existing = page["/Contents"]
    parts = list(existing) if isinstance(existing, generic.ArrayObject) else [existing]
    page[generic.NameObject("/Contents")] = generic.ArrayObject([*parts, overlay])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)

    report = validate_pdf(out.getvalue(), copier.trust_roots())

    assert not report.valid and report.signatures[0].problem == "forbidden_changes"


def _crowded_pdf() -> bytes:
    """A page with text up to its top right corner: no free margin for the block."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595.28, 841.89), invariant=True)
    canvas.setFont("Helvetica", 10)
    for row in range(8):
        canvas.drawString(300, 832 - row * 10, "TEXT AT THE TOP RIGHT " * 2)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_without_room_the_block_is_stamped_on_a_white_box(copier: DevPki) -> None:
    copy = make_copy(_crowded_pdf(), copier.key(RECEIVER.key_id), SAO_Y)
    page = pypdf.PdfReader(io.BytesIO(copy)).pages[0]
    contents = page.get_contents()
    assert contents is not None and b"1 g" in contents.get_data()
    assert "Số: 01/SY-LĐLĐ" in page.extract_text()


def test_an_attachment_is_signed_with_the_number_and_time_at_the_top_right(
    copier: DevPki, trust_services: TrustServices
) -> None:
    pki = trust_services.pki
    ensure_dev_pki(pki.directory, [LEADER], [UNIT], services_url=trust_services.base_url)
    attachment = render_document(plan_layout("Phụ lục: danh sách đơn vị tham gia."))
    signed = sign_attachment(
        attachment,
        pki.key(UNIT.key_id),
        UNIT.unit_name,
        "35/KH-LĐLĐ",
        COPIED_AT,
        level=SignatureLevel.B_LTA,
        services=pki.trust_services(),
    )

    assert "Số: 35/KH-LĐLĐ\n2026-11-25T14:03:09+07:00" in _text(signed)
    report = validate_pdf(signed, pki.trust_roots())
    assert report.valid and report.signatures[0].level == "PAdES-B-LTA"
    assert_pdfsig_valid(signed, pki.root_cert_path, 1)
