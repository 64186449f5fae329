"""Text extraction from PDFs and excerpts for hits."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from search.text import excerpt, extract_pdf_text, leading_excerpt, query_words

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _pdf(*pages: str) -> bytes:
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for text in pages:
        page.setFont("DejaVuSans", 12)
        page.drawString(72, 760, text)
        page.showPage()
    page.save()
    return buffer.getvalue()


@pytest.mark.skipif(not FONT.exists(), reason="fonts-dejavu-core is not installed")
def test_extracts_vietnamese_text_in_nfc() -> None:
    pdf = _pdf("Kế hoạch chuyển đổi số", "Công đoàn thành phố Đà Nẵng")

    text = extract_pdf_text(pdf)

    assert "Kế hoạch chuyển đổi số" in text
    assert "Công đoàn thành phố Đà Nẵng" in text
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    "broken",
    [b"", b"not a pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", b"%PDF-1.4\n%%EOF\n" * 3],
)
def test_a_broken_pdf_gives_empty_text(broken: bytes) -> None:
    assert extract_pdf_text(broken) == ""


@pytest.mark.skipif(not FONT.exists(), reason="fonts-dejavu-core is not installed")
def test_a_truncated_pdf_never_raises() -> None:
    pdf = _pdf("Công đoàn")
    assert isinstance(extract_pdf_text(pdf[: len(pdf) // 2]), str)


def test_excerpt_is_centred_on_the_first_match_in_original_diacritics() -> None:
    text = "Mở đầu. " * 60 + "Công đoàn cơ sở triển khai kế hoạch. " + "Kết thúc. " * 60

    snippet = excerpt(text, query_words("cong doan"), width=200)

    assert snippet is not None
    assert "Công đoàn cơ sở" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) <= 202


def test_excerpt_matches_whole_words_only() -> None:
    assert excerpt("Công đoàn", query_words("con")) is None
    assert excerpt("Công đoàn", query_words("")) is None


def test_excerpt_maps_offsets_when_folding_changes_lengths() -> None:
    text = "Straße " * 40 + "Đà Nẵng " + "x " * 200

    snippet = excerpt(text, query_words("da nang"), width=100)

    assert snippet is not None and "Đà Nẵng" in snippet


def test_excerpt_flattens_whitespace_and_leading_excerpt_cuts_between_words() -> None:
    assert excerpt("Hội\n\nnghị   Đà\tNẵng", ["da"]) == "Hội nghị Đà Nẵng"
    lead = leading_excerpt("một hai ba bốn năm sáu", width=10)
    assert lead == "một hai…"
    assert leading_excerpt("") == ""
