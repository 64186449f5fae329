from __future__ import annotations

import io
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from signing.fonts import FontStyle, covers_vietnamese, font_path, pdf_font_bytes

LIBERATION_1 = Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")


@pytest.mark.parametrize("style", list(FontStyle))
def test_every_style_has_vietnamese_glyphs(style: FontStyle) -> None:
    assert covers_vietnamese(font_path(style))


@pytest.mark.skipif(not LIBERATION_1.exists(), reason="fonts-liberation (1.x) not installed")
def test_liberation_1_is_refused_for_lack_of_vietnamese() -> None:
    assert not covers_vietnamese(LIBERATION_1)
    assert font_path(FontStyle.REGULAR) != LIBERATION_1


def test_stamp_fonts_are_rescaled_to_1000_units_per_em() -> None:
    font = TTFont(io.BytesIO(pdf_font_bytes(font_path(FontStyle.ITALIC))))

    assert font["head"].unitsPerEm == 1000
    assert ord("ệ") in font.getBestCmap() and ord("₫") in font.getBestCmap()
