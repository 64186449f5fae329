from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import replace

import pypdf
from reportlab.lib.units import mm as MM

from signing import DocumentLayout, check_pdf, render_document
from signing.body import split_paragraphs
from tests.signing.conftest import BODY, field_values, plan_layout, widget_rects


def _text(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [unicodedata.normalize("NFC", page.extract_text()) for page in reader.pages]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_plan_renders_with_its_vietnamese_text_extractable(template_pdf: bytes) -> None:
    (page,) = _text(template_pdf)
    flat = _squash(page)

    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "TỔNG LĐLĐ VIỆT NAM",
        "LIÊN ĐOÀN LAO ĐỘNG TỈNH BẾN TRE",
        "/KH-LĐLĐ",
        "KẾ HOẠCH",
        "Tổ chức Tháng Công nhân và Tháng hành động về an toàn, vệ sinh lao động năm 2026",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "TM. BAN CHẤP HÀNH",
        "CHỦ TỊCH",
        "Nguyễn Phúc Linh",
        "Nơi nhận:",
        "- Lưu: VT, VP.",
    ):
        assert expected in flat, expected
    for paragraph, _ in split_paragraphs(BODY):
        assert _squash(paragraph) in flat


def test_plan_has_empty_number_date_and_signature_fields(template_pdf: bytes) -> None:
    values = field_values(template_pdf)
    assert list(values) == ["number", "date", "leader_signature", "unit_seal", "arrival_stamp"]
    assert all(value in (None, "") for value in values.values())

    page = pypdf.PdfReader(io.BytesIO(template_pdf)).pages[-1]
    (seal,) = [
        a.get_object() for a in page.annotations or [] if a.get_object()["/T"] == "unit_seal"
    ]
    lock = seal["/Lock"]  # every field locked but the receiver's stamp; signing it is allowed
    assert lock["/Action"] == "/Exclude" and list(lock["/Fields"]) == ["arrival_stamp"]
    assert lock["/P"] == 2


def test_the_incoming_stamp_field_sits_in_the_top_margin_of_page_one(template_pdf: bytes) -> None:
    page = pypdf.PdfReader(io.BytesIO(template_pdf)).pages[0]
    left, bottom, right, top = widget_rects(template_pdf, 0)["arrival_stamp"]
    assert top <= float(page.mediabox.top) - 5 and bottom >= float(page.mediabox.top) - 20 * MM
    assert right - left >= 150 and top - bottom >= 40


def test_seal_field_covers_the_left_third_of_the_signature_field(template_pdf: bytes) -> None:
    rects = widget_rects(template_pdf)
    leader, seal = rects["leader_signature"], rects["unit_seal"]
    third = leader[0] + (leader[2] - leader[0]) / 3

    assert seal[0] < leader[0] and abs(seal[2] - third) <= 1
    assert seal[1] < leader[1] and seal[3] > leader[3]  # real size, taller than the image


def test_long_body_flows_onto_numbered_pages_with_the_block_on_the_last() -> None:
    long_body = "\n\n".join([BODY] * 6)
    pdf = render_document(plan_layout(long_body))

    pages = _text(pdf)
    assert check_pdf(pdf) == len(pages) >= 3
    assert pages[1].strip().startswith("2")
    assert "Nguyễn Phúc Linh" in pages[-1] and "Nguyễn Phúc Linh" not in pages[0]
    assert set(widget_rects(pdf)) == {"leader_signature", "unit_seal"}


def test_official_letter_puts_its_subject_under_the_number() -> None:
    layout = DocumentLayout(
        parent_name=None,
        issuer_name="Liên đoàn Lao động tỉnh Bến Tre",
        symbol="LĐLĐ-VP",
        place="Bến Tre",
        type_title="",
        subject="Triển khai phần mềm quản lý văn bản điện tử",
        body="Kính gửi: Các Liên đoàn Lao động huyện, thành phố.\n\nĐề nghị các đơn vị …",
        signer_authority="KT. CHỦ TỊCH",
        signer_title="PHÓ CHỦ TỊCH",
        signer_name="Trần Thị Mai",
        recipients=[],
    )

    (page,) = _text(render_document(layout))

    assert "V/v Triển khai phần mềm quản lý văn bản điện tử" in _squash(page)
    assert "KT. CHỦ TỊCH" in page and "PHÓ CHỦ TỊCH" in page
    assert "Nơi nhận" not in page


def test_headings_and_items_start_paragraphs_and_wrapped_lines_join() -> None:
    body = "Mở đầu dòng một\ntiếp dòng hai\nI. MỤC ĐÍCH\n1. Ý một\n2. Ý hai\n\nKết."

    assert split_paragraphs(body) == [
        ("Mở đầu dòng một tiếp dòng hai", False),
        ("I. MỤC ĐÍCH", True),
        ("1. Ý một", False),
        ("2. Ý hai", False),
        ("Kết.", False),
    ]


def test_decomposed_input_and_markup_characters_come_out_as_written() -> None:
    body = unicodedata.normalize("NFD", "Đoàn viên <nữ> & người lao động được hỗ trợ.")
    layout = replace(plan_layout(body), signer_name=unicodedata.normalize("NFD", "Võ Thị Ánh"))

    (page,) = _text(render_document(layout))

    assert "Đoàn viên <nữ> & người lao động được hỗ trợ." in _squash(page)
    assert "Võ Thị Ánh" in page
